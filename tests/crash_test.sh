#!/usr/bin/env bash
# kill -9 of `strata put` at random moments. After each kill, the next command
# (which opens the store and recovers) must see either the previous version of
# the key or the new one, never anything else; get must return exactly the
# bytes of that version; no temporaries may remain in any drive's tmp/; and no
# leftover blocks may remain (a scrub afterwards removes no orphans). The same
# for `put -r` of many small files: each file is present and whole, or absent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

use_seed
ITERATIONS="${ITERATIONS:-25}"

STORE="$WORK/store"
DRIVES="$STORE/drives"
strata() { "$STRATA" --store "$STORE" "$@"; }

strata init -q --drives 6 --code 4+2 --unit-size 64KiB
strata mb crash

md5() { md5sum "$1" | cut -d' ' -f1; }
random_sleep() { # 0.01 .. 0.5 s
  sleep "$(printf '0.%03d' $((10 + RANDOM % 491)))"
}

# ---- Part 1: a large object overwritten by puts that are killed.
random_file v0.bin $((8 * 1048576))
strata put -q v0.bin crash/big
committed=v0.bin committed_md5=$(md5 v0.bin)
blocks_per_object=6   # 4+2 on six drives: one block per drive
[[ "$(count_blocks "$DRIVES")" == "$blocks_per_object" ]] || fail "one 8 MiB object is not 6 block files"
check "first version stored"

kept=0 replaced=0 recovered=0
for it in $(seq "$ITERATIONS"); do
  new="v$it.bin"
  random_file "$new" $(( (8 + RANDOM % 33) * 1048576 ))
  new_md5=$(md5 "$new")
  "$STRATA" --store "$STORE" -q put "$new" crash/big 2>/dev/null &
  pid=$!
  random_sleep
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  # The next command recovers and sees one version or the other.
  strata stat --json crash/big > stat.json 2> stat.err || fail "iteration $it: stat failed: $(cat stat.err)"
  grep -q 'cleaned up after an interrupted write' stat.err && recovered=$((recovered + 1))
  read -r etag size < <(jget '"%s %s" % (d["etag"], d["size"])' < stat.json)
  if [[ "$etag" == "$new_md5" ]]; then
    rm -f "$committed"
    committed="$new" committed_md5="$new_md5"
    replaced=$((replaced + 1))
  elif [[ "$etag" == "$committed_md5" ]]; then
    rm -f "$new"
    kept=$((kept + 1))
  else
    fail "iteration $it: etag $etag is neither the previous version's ($committed_md5) nor the new one's ($new_md5)"
  fi
  [[ "$size" == "$(stat -c %s "$committed")" ]] || fail "iteration $it: stat size $size is not the committed file's"
  tmp=$(count_tmp "$DRIVES")
  [[ "$tmp" == 0 ]] || fail "iteration $it: $tmp files remain in tmp/ after the next command"
  blocks=$(count_blocks "$DRIVES")
  [[ "$blocks" == "$blocks_per_object" ]] ||
    fail "iteration $it: $blocks block files after recovery, expected $blocks_per_object"

  strata get -q crash/big got.bin || fail "iteration $it: get failed"
  [[ "$(md5 got.bin)" == "$etag" ]] || fail "iteration $it: get returned bytes whose md5 is not the etag $etag"
  check_clean "iteration $it"
  check "iteration $it: $([[ $committed == "$new" ]] && echo "new" || echo "previous") version intact, store clean"
done
echo "# $ITERATIONS kills: $kept left the previous version, $replaced the new one; $recovered recoveries reported"
(( kept > 0 )) || fail "no kill interrupted a put: the test did not exercise a crash"
check "at least one put was interrupted before its commit ($kept of $ITERATIONS)"
[[ "$(strata status --json | jget 'd["health"]')" == healthy ]] || fail "status not healthy after the kills"
check "status healthy after $ITERATIONS kills"

# ---- Part 2: kill -9 during put -r of many small files.
mkdir many
python3 - "$SEED" <<'EOF'
import os, random, sys
rng = random.Random(int(sys.argv[1]))
for d in range(10):
    os.makedirs(f"many/d{d}")
    for i in range(300):
        with open(f"many/d{d}/f{i}", "wb") as f:
            f.write(rng.randbytes(rng.randint(1, 16000)))
EOF
# The md5 of every source file, to check each listed object.
python3 - > many.md5 <<'EOF'
import hashlib, os
for root, _, files in os.walk("many"):
    for name in files:
        path = os.path.join(root, name)
        print(os.path.relpath(path, "many"), hashlib.md5(open(path, "rb").read()).hexdigest())
EOF
check "3000 small files ready ($(du -sh many | cut -f1))"

# Time one complete put -r (several packs), then kill the others anywhere
# from early on to just past their expected end.
start=$(date +%s%N)
strata put -q -r many crash/reference/
duration_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# a complete put -r takes $duration_ms ms"
partial=0
for it in $(seq 8); do
  prefix="run$it"
  "$STRATA" --store "$STORE" -q put -r many "crash/$prefix/" 2>/dev/null &
  pid=$!
  delay_ms=$(( duration_ms / 10 + (RANDOM * 32768 + RANDOM) % (duration_ms + 1) ))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true

  strata ls -q -r --json "crash/$prefix/" > ls.json || fail "put -r iteration $it: ls failed"
  python3 - "$prefix" many.md5 ls.json <<'EOF' || fail "put -r iteration $it: listed objects do not match their files"
import json, sys
prefix, sums = sys.argv[1] + "/", dict(line.split() for line in open(sys.argv[2]))
listed = json.load(open(sys.argv[3]))["objects"]
for o in listed:
    rel = o["key"][len(prefix):]
    if rel not in sums:
        sys.exit(f"unexpected key {o['key']}")
    if o["etag"] != sums[rel]:
        sys.exit(f"{o['key']}: etag {o['etag']} is not the file's md5 {sums[rel]}")
print(f"# put -r run {sys.argv[1]}: {len(listed)} of {len(sums)} files present")
EOF
  present=$(jget 'len(d["objects"])' < ls.json)
  (( present > 0 && present < 3000 )) && partial=$((partial + 1))
  rm -rf got && mkdir got
  if (( present > 0 )); then
    strata get -q -r "crash/$prefix/" got || fail "put -r iteration $it: get -r failed"
    python3 - "$present" <<'EOF' || fail "put -r iteration $it: files read back differ from their sources"
import os, sys
got = [os.path.relpath(os.path.join(r, f), "got") for r, _, fs in os.walk("got") for f in fs]
if len(got) != int(sys.argv[1]):
    sys.exit(f"get -r returned {len(got)} files, {sys.argv[1]} are listed")
for rel in got:
    if open(os.path.join("got", rel), "rb").read() != open(os.path.join("many", rel), "rb").read():
        sys.exit(f"{rel} differs from its source")
EOF
  fi
  check_clean "put -r iteration $it"
  check "put -r iteration $it: $present of 3000 files present, each whole; store clean"
done

echo "# $partial of 8 killed put -r runs left some but not all files"

# A complete put -r afterwards still works, and replaces partial runs.
strata put -q -r many crash/run1/
strata get -q -r crash/run1/ full
diff -r many full > /dev/null || fail "a complete put -r after the kills does not read back identical"
check "a complete put -r after the kills reads back identical"
check_clean "after the complete put -r"
check "store clean after the complete put -r"

finish_test
