#!/usr/bin/env bash
# Bad input and misuse: each is refused with a clear message (naming the thing
# and, for settings, the line), the documented exit code, and no change to the
# store. Also: a foreign drive is never overwritten, a second process is kept
# out while one holds the store, and every --json output parses as JSON.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }

strata init --drives 6 --code 4+2 --unit-size 64KiB
strata mb bucket1
strata mb bucket2
printf 'hello\n' > hello.txt
random_file big.bin 300000
strata put hello.txt bucket1/hello.txt
strata put big.bin bucket1/dir/big.bin
check "store with two buckets and two objects"

snapshot snap.before

# ---- strata.toml: unknown key and bad values name the file and the line.
cp "$STORE/strata.toml" good.toml
line=$(grep -n '^unit_size' good.toml | cut -d: -f1)
sed "${line}a colour = \"blue\"" good.toml > "$STORE/strata.toml"
expect_fail_with 2 "strata.toml line $((line + 1)): unknown key 'colour'" -- strata status
expect_fail_with 2 "strata.toml line $((line + 1))" -- strata put hello.txt bucket1/new
cp good.toml "$STORE/strata.toml"
refused_unchanged "strata.toml with an unknown key (line $((line + 1)))"

sed 's/^unit_size = .*/unit_size = "lots"/' good.toml > "$STORE/strata.toml"
expect_fail_with 2 "strata.toml line $line: unit_size" -- strata ls bucket1
cp good.toml "$STORE/strata.toml"
refused_unchanged "strata.toml with unit_size = \"lots\" (line $line)"

ratio_line=$(grep -n '^compact_below_live_ratio' good.toml | cut -d: -f1)
sed 's/^compact_below_live_ratio = .*/compact_below_live_ratio = 7/' good.toml > "$STORE/strata.toml"
expect_fail_with 2 "strata.toml line $ratio_line: compact_below_live_ratio" -- strata get bucket1/hello.txt out.txt
[[ ! -e out.txt ]] || fail "get wrote a file although the settings are bad"
cp good.toml "$STORE/strata.toml"
refused_unchanged "strata.toml with compact_below_live_ratio = 7 (line $ratio_line)"

code_line=$(grep -n '^level2' good.toml | cut -d: -f1)
sed 's/^level2 = .*/level2 = "4+2/' good.toml > "$STORE/strata.toml"
expect_fail_with 2 "strata.toml line $code_line" -- strata status
cp good.toml "$STORE/strata.toml"
refused_unchanged "strata.toml with an unterminated string (line $code_line)"

# ---- Objects and buckets that do not exist, and bad names.
expect_fail_with 3 "no such file: missing.bin" -- strata put missing.bin bucket1/missing.bin
refused_unchanged "put of a missing local file (exit 3)"
expect_fail_with 3 "nosuchbucket" -- strata put hello.txt nosuchbucket/hello.txt
expect_fail_with 3 "bucket 'nosuchbucket' does not exist" -- strata get nosuchbucket/hello.txt out.txt
expect_fail_with 3 "bucket 'nosuchbucket' does not exist" -- strata ls nosuchbucket
expect_fail_with 3 "bucket 'nosuchbucket' does not exist" -- strata rb nosuchbucket
refused_unchanged "unknown bucket for put, get, ls, rb (exit 3)"
expect_fail_with 3 "bucket1/nokey not found" -- strata get bucket1/nokey out.txt
[[ ! -e out.txt && ! -e out.txt.strata-partial ]] || fail "get of an unknown key left a file behind"
expect_fail_with 3 "bucket1/nokey not found" -- strata stat bucket1/nokey
expect_fail_with 3 "bucket1/nokey not found" -- strata rm bucket1/nokey
refused_unchanged "unknown key for get, stat, rm (exit 3), no local file left"
expect_fail_with 2 "bucket name 'Bad_Name'" -- strata mb Bad_Name
expect_fail_with 2 "bucket name 'b'" -- strata mb b
expect_fail_with 2 "does not name a bucket" -- strata put hello.txt /key
refused_unchanged "invalid bucket names (exit 2)"
expect_fail_with 1 "bucket 'bucket1' already exists" -- strata mb bucket1
refused_unchanged "mb of an existing bucket"
expect_fail_with 1 "bucket 'bucket1' is not empty" -- strata rb bucket1
refused_unchanged "rb of a non-empty bucket"
expect_fail_with 2 "outside the object" -- strata get --range 100-200 bucket1/hello.txt out.txt
[[ ! -e out.txt ]] || fail "get with a bad range left a file behind"
expect_fail_with 2 "" -- strata frobnicate
expect_fail_with 2 "" -- strata put hello.txt
refused_unchanged "bad ranges, unknown commands and missing arguments (exit 2)"

# ---- init refusals: nothing is created.
expect_fail_with 2 "too few drives for the code: 4+2 needs 6" -- "$STRATA" --store "$WORK/few" init --drives 5 --code 4+2
[[ ! -e "$WORK/few" ]] || fail "init with too few drives created $(find "$WORK/few")"
check "init --drives 5 --code 4+2: exit 2, too few drives, nothing created"
expect_fail_with 2 "unit size" -- "$STRATA" --store "$WORK/badunit" init --unit-size 3000
expect_fail_with 2 "" -- "$STRATA" --store "$WORK/badcode" init --code 4+x
[[ ! -e "$WORK/badunit" && ! -e "$WORK/badcode" ]] || fail "init with a bad unit size or code created something"
check "init with a bad unit size or code: exit 2, nothing created"
expect_fail_with 1 "a store already exists at $STORE" -- strata init --drives 6
refused_unchanged "init over an existing store"
mkdir -p "$WORK/busy/drives/d3"
printf 'keep me\n' > "$WORK/busy/drives/d3/notes.txt"
expect_fail_with 1 "drive directory $WORK/busy/drives/d3 is not empty" -- "$STRATA" --store "$WORK/busy" init --drives 6
[[ "$(cd "$WORK/busy" && find . | sort | tr '\n' ' ')" == ". ./drives ./drives/d3 ./drives/d3/notes.txt " ]] ||
  fail "init over a non-empty drive directory created: $(cd "$WORK/busy" && find .)"
[[ "$(cat "$WORK/busy/drives/d3/notes.txt")" == "keep me" ]] || fail "the non-empty drive directory was changed"
check "init with a non-empty drive directory: refused, nothing created"

# ---- A second process is kept out while one holds the store.
mkfifo stdin.fifo
exec 3<>stdin.fifo   # keeps the fifo open so the put blocks reading it
"$STRATA" --store "$STORE" -q put - bucket2/streamed < stdin.fifo 3>&- &
holder=$!
for _ in $(seq 100); do
  [[ "$(cat "$STORE/store.lock" 2>/dev/null)" == "$holder" ]] && break
  sleep 0.1
done
[[ "$(cat "$STORE/store.lock")" == "$holder" ]] || fail "the background put never took the store"
expect_fail_with 1 "in use by another strata process (pid $holder)" -- strata ls bucket1
expect_fail_with 1 "in use" -- strata put hello.txt bucket2/other
expect_fail_with 1 "in use" -- strata scrub
check "a second command while a put holds the store fails: in use (pid $holder)"
printf 'streamed data\n' >&3
exec 3>&-
wait "$holder" || fail "the put that held the store failed"
[[ "$(strata get bucket2/streamed -)" == "streamed data" ]] || fail "the streamed object is wrong"
expect_fail_with 3 "bucket2/other not found" -- strata stat bucket2/other
check "the holder finishes its put; the refused put stored nothing"
strata rm bucket2/streamed
snapshot snap.before

# ---- A foreign drive (another store's) in place of d2 is never overwritten.
"$STRATA" --store "$WORK/other" -q init --drives 6 --code 4+2 --unit-size 64KiB
"$STRATA" --store "$WORK/other" -q mb theirs
"$STRATA" --store "$WORK/other" -q put big.bin theirs/big.bin
other_cluster=$(jget 'd["cluster_id"]' < "$WORK/other/drives/d2/strata-drive.json")
rm -rf "$STORE/drives/d2"
cp -a "$WORK/other/drives/d2" "$STORE/drives/d2"
(cd "$STORE/drives/d2" && find . -type f | sort | xargs sha256sum) > foreign.before
(( $(count_blocks "$STORE/drives/d2") > 0 )) || fail "the foreign drive holds no blocks"
strata status --json > status.json
[[ "$(jget '[x["state"] for x in d["drives"] if x["name"] == "d2"][0]' < status.json)" == down ]] ||
  fail "status does not show the foreign d2 down"
error=$(jget '[x["error"] for x in d["drives"] if x["name"] == "d2"][0]' < status.json)
[[ "$error" == *"belongs to cluster $other_cluster"* ]] || fail "d2's error does not name the other cluster: $error"
[[ "$(jget 'd["health"]' < status.json)" == degraded ]] || fail "status is not degraded with a foreign drive"
strata status | grep -q "belongs to cluster $other_cluster" || fail "status text does not show d2's error"
check "status: foreign d2 down, error names the other cluster"
{ strata get bucket1/dir/big.bin big.out && cmp -s big.bin big.out; } || fail "reads fail with a foreign drive"
check "reads still work with the foreign drive"
rc=0
strata repair --json > repair.json || rc=$?
[[ $rc == 4 ]] || fail "repair with a foreign drive exited $rc, expected 4 (damage remains)"
[[ "$(jget 'd["drives_reformatted"]' < repair.json)" == 0 ]] || fail "repair re-initialised the foreign drive"
jget 'd["problems"]' < repair.json | grep -q "drive d2 .* stays down" || fail "repair does not say d2 stays down"
rc=0
strata scrub > /dev/null 2>&1 || rc=$?
[[ $rc == 4 ]] || fail "scrub with a foreign drive exited $rc, expected 4"
(cd "$STORE/drives/d2" && find . -type f | sort | xargs sha256sum) > foreign.after
diff foreign.before foreign.after > /dev/null || fail "repair or scrub changed the foreign drive: $(diff foreign.before foreign.after)"
check "repair and scrub leave the foreign drive (identity and blocks) untouched, exit 4"
{ "$STRATA" --store "$WORK/other" -q get theirs/big.bin theirs.out && cmp -s big.bin theirs.out; } ||
  fail "the other store cannot read its data from its own d2"
check "the other store's data is intact"
rm -rf "$STORE/drives/d2"
strata repair > /dev/null
[[ "$(strata status --json | jget 'd["health"]')" == healthy ]] || fail "not healthy after replacing the foreign drive"
[[ "$(jget 'd["cluster_id"]' < "$STORE/drives/d2/strata-drive.json")" != "$other_cluster" ]] || fail "d2 still foreign"
check "once the foreign drive is removed, repair re-creates d2 and the store is healthy"

# ---- --json outputs parse.
for cmd in "status" "stat bucket1/hello.txt" "ls" "ls bucket1" "ls -r bucket1" "scrub" "scrub --no-repair" "repair"; do
  # shellcheck disable=SC2086
  strata $cmd --json > out.json || fail "strata $cmd --json failed"
  is_json < out.json || fail "strata $cmd --json is not JSON: $(head -c 300 out.json)"
done
check "--json of status, stat, ls, scrub and repair parses"
[[ "$(strata stat --json bucket1/hello.txt | jget 'd["etag"]')" == "$(md5sum hello.txt | cut -d' ' -f1)" ]] ||
  fail "stat --json etag is not the md5 of the file"
[[ "$(strata stat --json bucket1/hello.txt | jget 'd["size"]')" == 6 ]] || fail "stat --json size is wrong"
check "stat --json: etag is the MD5, size is right"

finish_test
