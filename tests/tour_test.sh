#!/usr/bin/env bash
# The README's five-minute tour, command for command, with its claims checked:
# a 200 MiB file and a thousand 4 KiB files survive the loss of two of six
# drives (4+2), status reports the damage, repair rebuilds the drives, and the
# small files were packed into a few block files rather than one per file.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

PATH="$(dirname "$STRATA"):$PATH"
export PATH
[[ "$(command -v strata)" == "$STRATA" ]] || fail "strata on PATH is not the binary under test"
mkdir -p tour && cd tour

strata init --drives 6 --code 4+2
[[ -f var/strata.toml ]] || fail "init did not write var/strata.toml"
for d in 1 2 3 4 5 6; do [[ -f var/drives/d$d/strata-drive.json ]] || fail "drive d$d not formatted"; done
check "init creates ./var with six formatted drives"
strata mb data
check "mb data"

head -c 200M /dev/urandom > big.bin
mkdir small && for i in $(seq 1000); do head -c 4096 /dev/urandom > small/f$i; done
strata put big.bin data/big.bin
check "put of a 200 MiB file"
strata put -r small data/small/
check "put -r of a thousand 4 KiB files"
strata ls data > ls.out
cat ls.out
grep -q ' big.bin$' ls.out || fail "ls data does not show big.bin"
grep -q 'PRE small/' ls.out || fail "ls data does not show the small/ prefix"
check "ls data shows big.bin and small/"
[[ "$(strata ls -r data/small/ --json | jget 'len(d["objects"])')" == 1000 ]] || fail "ls -r data/small/ does not list 1000 objects"
check "all 1000 small objects are listed"

blocks=$(count_blocks var/drives)
(( blocks > 0 && blocks < 50 )) || fail "expected few block files for 1 large + 1000 small objects, found $blocks"
check "small files are packed: $blocks block files in all (far below 1000)"

rm -rf var/drives/d2 var/drives/d5    # lose two of the six drives
strata get data/big.bin big.out && cmp big.bin big.out && echo identical
check "big.bin identical with two drives lost"
strata get -r data/small/ small.out && diff -r small small.out && echo identical
check "small files identical with two drives lost"
strata status | tee status.out
grep -q 'health  degraded' status.out || fail "status does not say degraded"
grep -q '2 drive(s) down' status.out || fail "status does not say two drives are down"
check "status says degraded, two drives down"
strata status --json > status.json
[[ "$(jget 'd["health"]' < status.json)" == degraded ]] || fail "status --json health is not degraded"
[[ "$(jget 'd["drives_down"]' < status.json)" == 2 ]] || fail "status --json drives_down is not 2"
[[ "$(jget 'sorted(x["name"] for x in d["drives"] if x["state"] == "down")' < status.json)" == '["d2", "d5"]' ]] ||
  fail "the drives down are not d2 and d5: $(jget 'd["drives"]' < status.json)"
check "status --json: health degraded, drives_down 2 (d2 and d5)"

strata repair                         # re-creates the two drives, rebuilds their blocks
for d in d2 d5; do
  [[ -f var/drives/$d/strata-drive.json ]] || fail "repair did not re-create $d"
  (( $(count_blocks var/drives/$d) > 0 )) || fail "repair rebuilt no blocks on $d"
done
check "repair re-created d2 and d5 and rebuilt blocks on them"
strata status | tee status2.out
grep -q 'health  healthy' status2.out || fail "status after repair does not say healthy"
strata status --json > status2.json
[[ "$(jget 'd["health"]' < status2.json)" == healthy ]] || fail "status --json health is not healthy after repair"
[[ "$(jget 'd["drives_down"]' < status2.json)" == 0 ]] || fail "drives_down is not 0 after repair"
[[ "$(jget 'd["blocks_needing_repair"]' < status2.json)" == 0 ]] || fail "blocks still need repair after repair"
check "status after repair: healthy (json: health healthy, drives_down 0)"
strata get data/big.bin big2.out && cmp big.bin big2.out && echo identical
check "big.bin identical after repair"
strata get -r data/small/ small2.out && diff -r small small2.out && echo identical
check "small files identical after repair"

# The rebuilt drives must hold good data on their own: with two other drives
# gone, every read needs d2 and d5.
rm -rf var/drives/d1 var/drives/d6
strata get data/big.bin big3.out && cmp big.bin big3.out
strata get -r data/small/ small3.out && diff -r small small3.out
check "everything identical from the rebuilt d2 and d5 with d1 and d6 lost"
strata repair > /dev/null
[[ "$(strata status --json | jget 'd["health"]')" == healthy ]] || fail "second repair did not restore health"
check "second repair restores health"

finish_test
