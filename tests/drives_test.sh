#!/usr/bin/env bash
# Adding and removing drives on a 4+2 store of six drives. Removing a drive is
# refused while too few would remain for the code; adding one moves some (not
# all) blocks onto it and keeps every object identical; removing one then
# rebuilds its blocks elsewhere, leaves the store healthy, shows the drive as
# removed, and leaves nothing referencing it. Puts and gets keep working.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }

# ---- A store with no objects yet must refuse too, or it could not store any.
STORE="$WORK/empty"
strata init --drives 6 --code 4+2 --unit-size 64KiB
rc=0
strata drive remove d3 2> remove.err || rc=$?
[[ $rc != 0 ]] && grep -q "too few drives" remove.err ||
  fail "drive remove d3 on an empty 4+2 store of six drives exited $rc (stderr: $(cat remove.err)); it must be refused: too few drives would remain for 4+2"
check "drive remove d3 on an empty 4+2 store of six drives is refused (too few drives)"
STORE="$WORK/store"

strata init --drives 6 --code 4+2 --unit-size 64KiB
strata mb drives
mkdir src
sizes=(0 1 1000 65535 65536 65537 100000 262144 500000 $((1048576 + 7)) $((2 * 1048576 + 3)))
keys=()
for i in "${!sizes[@]}"; do
  random_file "src/obj$i" "${sizes[$i]}"
  strata put "src/obj$i" "drives/obj$i"
  keys+=("obj$i")
done
mkdir small
for i in $(seq 100); do random_file "small/s$i" $((RANDOM % 5000 + 1)); done
strata put -r small drives/small/
check "put ${#keys[@]} objects and 100 small files"

verify_all() { verify_objects drives "$1"; }
scrub_clean() {
  local what="$1" out rc=0
  out=$(strata scrub --no-repair --json) || rc=$?
  [[ $rc == 0 ]] || fail "$what: scrub --no-repair exited $rc: $out"
  [[ "$(jget '[d["blocks_damaged"], d["orphans_removed"]]' <<<"$out")" == "[0, 0]" ]] ||
    fail "$what: scrub found damage or orphans: $out"
  check "$what: scrub finds no damage and no orphans"
}
drive_id() { strata status --json | jget "[x['id'] for x in d['drives'] if x['name'] == '$1'][0]"; }
# Drive ids referenced by any object's placement, one per line.
referenced_drives() {
  local k
  for k in "${keys[@]}" small/s1 small/s50; do
    strata stat --json "drives/$k" | jget '"\n".join(i for n in d["blob"]["placement"] for i in n["drives"])'
  done | sort -u
}
verify_all "before drive changes"
blocks_before=$(count_blocks "$STORE/drives")

# ---- Too few drives would remain: refused, nothing changes.
snapshot snap.before
expect_fail_with 1 "too few drives for the code" -- strata drive remove d3
refused_unchanged "drive remove d3 with six drives for 4+2"
expect_fail_with 3 "no drive named 'd9'" -- strata drive remove d9
refused_unchanged "drive remove of an unknown drive (exit 3)"

# ---- Add a drive: some blocks move to it, not all.
strata drive add "$WORK/newdrive"
added="$WORK/newdrive"
[[ -f "$added/strata-drive.json" ]] || fail "drive add did not format $added"
new_name=$(strata status --json | jget '[x["name"] for x in d["drives"] if x["path"] == "'"$added"'"][0]')
[[ "$new_name" == d7 ]] || fail "the new drive is named '$new_name', expected d7"
[[ "$(strata status --json | jget '[d["health"], d["drives_down"]]')" == '["healthy", 0]' ]] || fail "not healthy after drive add"
check "drive add formats $added as d7; store healthy"
on_new=$(count_blocks "$added")
blocks_after_add=$(count_blocks "$STORE/drives")
echo "# $on_new of $blocks_before blocks moved to d7"
(( on_new > 0 )) || fail "no block moved to the new drive"
(( on_new < blocks_before )) || fail "every block moved to the new drive"
(( blocks_after_add + on_new == blocks_before )) ||
  fail "blocks were copied, not moved: $blocks_after_add left on d1-d6 + $on_new on d7 != $blocks_before"
check "some but not all blocks moved to d7 ($on_new of $blocks_before), none duplicated"
d7_id=$(drive_id d7)
referenced_drives | grep -qx "$d7_id" || fail "no object's placement uses d7"
check "placements now use d7"
verify_all "after drive add"
scrub_clean "after drive add"

# ---- Remove d1: its blocks are rebuilt elsewhere; nothing references it.
d1_id=$(drive_id d1)
d1_blocks=$(count_blocks "$STORE/drives/d1")
(( d1_blocks > 0 )) || fail "d1 holds no blocks before its removal"
strata drive remove d1
verify_all "after drive remove d1"
strata status --json > status.json
[[ "$(jget 'd["health"]' < status.json)" == healthy ]] || fail "status is not healthy after drive remove d1"
[[ "$(jget '[x["state"] for x in d["drives"] if x["name"] == "d1"][0]' < status.json)" == removed ]] ||
  fail "d1 is not shown as removed: $(jget 'd["drives"]' < status.json)"
[[ "$(jget 'd["drives_down"]' < status.json)" == 0 ]] || fail "drives down after drive remove d1"
strata status | grep -E '^d1 +n1 +removed' > /dev/null || fail "status text does not show d1 removed"
check "status healthy, d1 shown as removed"
if referenced_drives | grep -qx "$d1_id"; then fail "an object's placement still references d1"; fi
check "no object's placement references d1 any more"
scrub_clean "after drive remove d1"
# Proof that nothing needs d1's directory: take it away and read everything.
mv "$STORE/drives/d1" "$WORK/d1.retired"
verify_all "after drive remove d1, with d1's directory gone"
[[ "$(strata status --json | jget 'd["health"]')" == healthy ]] || fail "status not healthy without the removed d1 directory"
check "status still healthy without the removed d1 directory"
scrub_clean "without the removed d1 directory"

# ---- Six drives again (d2-d7): another removal is refused.
snapshot snap.before
expect_fail_with 1 "too few drives for the code" -- strata drive remove d2
refused_unchanged "drive remove d2 with six active drives"
expect_fail_with 3 "no drive named 'd1'" -- strata drive remove d1
check "a removed drive cannot be removed again"

# ---- Puts and gets still work, and new blobs avoid d1.
random_file src/after 777777
strata put src/after drives/after
keys+=(after)
random_file small/late 1234
strata put small/late drives/small/late
verify_all "after new puts"
placement=$(strata stat --json drives/after | jget '" ".join(i for n in d["blob"]["placement"] for i in n["drives"])')
[[ "$placement" != *"$d1_id"* ]] || fail "a new object is placed on the removed d1"
[[ "$placement" == *"$d7_id"* ]] || fail "a new 4+2 object on six drives does not use d7"
check "new objects are placed on d2-d7, not on d1"
scrub_clean "at the end"

finish_test
