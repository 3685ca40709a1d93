#!/usr/bin/env bash
# Tiers and moves. The default store has a hot tier (2+1) that takes new
# objects and a capacity tier (4+2). `strata move` is killed with -9 at random
# moments, over and over: after each kill every object still reads back
# exactly, each sits wholly on one tier, and the store holds no leftover
# blocks, temporaries or damage. Policies in strata.toml drive `strata plan`
# and `strata apply`; a policy naming an unknown tier is refused at start;
# `strata stage --for` keeps a dataset on a tier until the time runs out and
# the next apply sends it back. The server's scheduler moves a dataset while
# GETs of its objects keep returning the right bytes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

use_seed
ITERATIONS="${ITERATIONS:-12}"

STORE="$WORK/store"
DRIVES="$STORE/drives"
strata() { "$STRATA" --store "$STORE" "$@"; }
md5() { md5sum "$1" | cut -d' ' -f1; }
tier_of() { strata stat --json "$1" | jget 'd["blob"]["tier"]'; }

strata init -q
[[ "$(strata status --json | jget '[(t["name"], t["level2"], t["writes"]) for t in d["tiers"]]')" == \
  '[["hot", "2+1", true], ["capacity", "4+2", false]]' ]] || fail "default tiers: $(strata status --json | jget 'd["tiers"]')"
[[ "$(strata status --json | jget '[x["tier"] for x in d["drives"]].count("hot")')" == 3 ]] || fail "hot tier is not 3 drives"
check "the default store has tiers hot 2+1 (3 drives, new objects) and capacity 4+2 (6 drives)"

strata mb lab
mkdir -p src/run1 src/run2
keys=()
for i in 1 2 3; do
  random_file "src/run1/big$i.bin" $(( (3 + i) * 1048576 ))
  keys+=("run1/big$i.bin")
done
for i in $(seq 1 8); do
  random_file "src/run1/s$i.bin" $((1000 + i * 300))
  keys+=("run1/s$i.bin")
done
random_file src/run2/data.bin 2000000
keys+=("run2/data.bin")
for k in "${keys[@]}"; do strata put -q "src/$k" "lab/$k"; done
for k in run1/big1.bin run1/s1.bin run2/data.bin; do
  [[ "$(tier_of "lab/$k")" == hot ]] || fail "$k was not written to hot"
done
check "new objects land on the hot tier"

# Every object reads back whole and sits on one tier; the tiers seen are printed.
all_intact() {
  local what="$1" k got
  for k in "${keys[@]}"; do
    strata get -q "lab/$k" got.bin || fail "$what: get lab/$k failed"
    [[ "$(md5 got.bin)" == "$(md5 "src/$k")" ]] || fail "$what: lab/$k reads back different bytes"
  done
}
run1_tiers() {
  local k
  for k in "${keys[@]}"; do
    if [[ $k == run1/* ]]; then tier_of "lab/$k"; fi
  done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'
}

# ---- kill -9 during moves, back and forth between the tiers.
# Until a kill has left a move half done, up to three times ITERATIONS.
target=capacity interrupted=0 mixed=0 it=0
while (( it < ITERATIONS || (mixed == 0 && it < 3 * ITERATIONS) )); do
  it=$((it + 1))
  # 8 MiB/s over ~15 MiB copied and read back to verify, in batches of about
  # 8 MiB: a move takes about four seconds with a switch half way, and the
  # kill lands before, between or after.
  "$STRATA" --store "$STORE" -q move lab/run1/ --tier "$target" --rate 8MiB 2>/dev/null &
  pid=$!
  sleep "$(printf '0.%03d' $((50 + RANDOM % 900)))"
  sleep $((RANDOM % 4))
  if kill -0 "$pid" 2>/dev/null; then interrupted=$((interrupted + 1)); fi
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  all_intact "iteration $it"
  tiers=$(run1_tiers)
  [[ $tiers == *hot:*capacity:* || $tiers == *capacity:*hot:* ]] && mixed=$((mixed + 1))
  check_clean "iteration $it"
  check "iteration $it: killed a move to $target; every object intact on one tier ($tiers); store clean"
  [[ $target == capacity ]] && target=hot || target=capacity
done
echo "# $it kills: $interrupted while the move ran, $mixed left run1 split across tiers"
(( interrupted > 0 )) || fail "no kill landed during a move: the test did not exercise a crash"
(( mixed > 0 )) || fail "no kill left a move half done: the test did not exercise a switch in progress"
check "kills landed inside moves ($interrupted of $it) and left half-done moves ($mixed)"

strata move -q lab/run1/ --tier capacity
[[ "$(run1_tiers)" == "capacity:11 " ]] || fail "after a full move run1 is on $(run1_tiers)"
[[ "$(tier_of lab/run2/data.bin)" == hot ]] || fail "a move of lab/run1/ moved lab/run2/"
all_intact "after the full move"
check_clean "after the full move"
check "a move that runs to the end puts all of run1 on capacity and leaves run2 alone"
expect_fail_with 3 "no tier named 'archive'" -- strata move lab/run1/ --tier archive

# ---- policies, plan and apply.
strata dataset add run1 lab/run1/ >/dev/null
strata dataset add run2 lab/run2/ >/dev/null
cp "$STORE/strata.toml" good.toml
printf '\n[[policies]]\nname = "old-runs"\nprefix = "lab/run1/"\ntier = "archive"\n' >>"$STORE/strata.toml"
line=$(grep -n '^tier = "archive"' "$STORE/strata.toml" | cut -d: -f1)
expect_fail_with 2 "strata.toml line $line: policy 'old-runs' names tier 'archive', which is not a tier (tiers: hot, capacity)" -- strata status
cp good.toml "$STORE/strata.toml"
cat >>"$STORE/strata.toml" <<'EOF'

[[policies]]
name = "run1-hot"
prefix = "lab/run1/"
tier = "hot"

[[policies]]
name = "idle-to-capacity"
min_idle_days = 30
tier = "capacity"
EOF
strata plan > plan.txt
grep -E '^run1 +capacity +hot +11 .*policy run1-hot: under lab/run1/' plan.txt >/dev/null || fail "plan: $(cat plan.txt)"
grep -q '^run2' plan.txt && fail "plan moves run2 before it has been idle: $(cat plan.txt)"
strata plan --at "$(date -u -d '+40 days' +%F)" > later.txt
grep -E '^run2 +hot +capacity +1 .*policy idle-to-capacity: never used in (39|40|41) days' later.txt >/dev/null ||
  fail "plan 40 days on: $(cat later.txt)"
[[ "$(strata plan --json | jget '[(m["dataset"], m["to"], m["objects"], m["bytes"]) for m in d["moves"]]')" == \
  "[[\"run1\", \"hot\", 11, $(cat src/run1/* | wc -c)]]" ]] || fail "plan --json: $(strata plan --json)"
check "plan shows dataset, from, to, objects, bytes and the policy that decided; --at looks ahead"
strata apply -q
[[ "$(run1_tiers)" == "hot:11 " ]] || fail "after apply run1 is on $(run1_tiers)"
grep -q 'nothing to move' <(strata plan) || fail "plan after apply: $(strata plan)"
all_intact "after apply"
check "apply moves run1 to hot; the plan is then empty"

# ---- staging.
strata stage -q run1 --tier capacity --for 3s
[[ "$(run1_tiers)" == "capacity:11 " ]] || fail "staged run1 is on $(run1_tiers)"
strata dataset ls | grep -E '^run1	lab/run1/	staged on capacity until 20' >/dev/null || fail "dataset ls: $(strata dataset ls)"
grep -q 'nothing to move' <(strata plan) || fail "plan while staged: $(strata plan)"
sleep 3.2
strata plan > plan.txt
grep -E '^run1 +capacity +hot .*staging ended; policy run1-hot' plan.txt >/dev/null || fail "plan after the staging: $(cat plan.txt)"
strata apply -q
[[ "$(run1_tiers)" == "hot:11 " ]] || fail "run1 did not return to hot: $(run1_tiers)"
if strata dataset ls | grep -q staged; then fail "the ended staging was not cleared: $(strata dataset ls)"; fi
expect_fail_with 1 "dataset 'run1' is not staged" -- strata unstage run1
strata stage -q run2 --tier capacity
[[ "$(tier_of lab/run2/data.bin)" == capacity ]] || fail "stage run2 did not move it"
strata unstage -q run2
[[ "$(tier_of lab/run2/data.bin)" == hot ]] || fail "unstage run2 did not bring it back to the write tier"
expect_fail_with 3 "dataset 'nope' does not exist" -- strata stage nope --tier hot
expect_fail_with 2 "duration '3 weeks'" -- strata stage run2 --tier hot --for '3 weeks'
all_intact "after staging"
check "stage --for keeps run1 on capacity until the time runs out, then apply brings it back; unstage ends a staging now"

# ---- the server's scheduler moves a dataset while it is read.
cp good.toml "$STORE/strata.toml"
cat >>"$STORE/strata.toml" <<'EOF'

[[policies]]
name = "run1-capacity"
prefix = "lab/run1/"
tier = "capacity"
EOF
sed -i 's/^move_rate = .*/move_rate = "2MiB"/; s/^log_level = .*/log_level = "info"/' "$STORE/strata.toml"
start_server "$STORE"
sigv4=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY"
  -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)")
reads=0 done_moving=0
for i in $(seq 1 150); do
  for k in run1/big3.bin run1/s2.bin; do
    curl -sf "${sigv4[@]}" -o got.bin "$ENDPOINT/lab/$k" || fail "GET lab/$k during the move failed"
    [[ "$(md5 got.bin)" == "$(md5 "src/$k")" ]] || fail "GET lab/$k during the move returned different bytes"
    reads=$((reads + 1))
  done
  curl -sf "${sigv4[@]}" -o plan.json "$ENDPOINT/api/v1/plan" || fail "GET /api/v1/plan failed"
  if [[ "$(jget 'len(d["moves"])' < plan.json)" == 0 ]]; then done_moving=1; break; fi
  sleep 0.2
done
(( done_moving )) || fail "the scheduler did not finish moving run1: $(cat plan.json); $(tail -5 "$WORK/server.log")"
code=$(curl -s -o denied.json -w '%{http_code}' "$ENDPOINT/api/v1/plan")
[[ $code == 403 ]] || fail "anonymous GET /api/v1/plan: $code"
stop_server
grep -q 'placement: dataset run1 (11 object(s)' "$WORK/server.log" || fail "server log: $(grep placement "$WORK/server.log")"
[[ "$(run1_tiers)" == "capacity:11 " ]] || fail "after the scheduler run1 is on $(run1_tiers)"
all_intact "after the scheduler"
check_clean "after the scheduler"
check "the server's scheduler moved run1 to capacity at 2 MiB/s while $reads GETs returned the right bytes"

finish_test
