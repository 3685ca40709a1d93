#!/usr/bin/env bash
# A store whose six drives share one small tmpfs (12 MiB): a put that does not
# fit fails cleanly, with a message about space, the previous version of the
# key stays intact, no temporaries or blocks of the failed put remain (the
# space comes back), status still works, and puts that fit still succeed.
# Needs `mount -t tmpfs` (root, and a container that allows it); otherwise the
# test prints "skipped: ..." and passes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

MNT="$WORK/small-fs"
mkdir "$MNT"
if ! mount -t tmpfs -o size=12m tmpfs "$MNT" 2>/dev/null; then
  echo "skipped: cannot mount tmpfs here"
  exit 0
fi
on_exit "umount '$MNT'"
check "mounted a 12 MiB tmpfs"

STORE="$WORK/store"   # settings and catalog on the ordinary disk, drives on the tmpfs
strata() { "$STRATA" --store "$STORE" -q "$@"; }
drive_args=()
for i in 1 2 3 4 5 6; do drive_args+=(--drive "$MNT/d$i"); done
strata init "${drive_args[@]}" --code 4+2 --unit-size 64KiB
strata mb space
used_kib() { df -k --output=used "$MNT" | tail -1 | tr -d ' '; }

random_file v1.bin 1000000
strata put v1.bin space/key
random_file small.bin 3000
strata put small.bin space/small
check "previous versions stored on the tmpfs drives"
snapshot snap.before
used_before=$(used_kib)

# ---- A put that cannot fit (20 MB is 30 MB of blocks at 4+2).
random_file v2.bin 20000000
expect_fail_with 1 "No space left on device" -- strata put v2.bin space/key
echo "# $(tail -c 400 <<<"$LAST_STDERR")"
[[ "$LAST_STDERR" == *"put space/key"* ]] || fail "the message does not name the object: $LAST_STDERR"
check "put of a 20 MB file on a 12 MiB file system fails: exit 1, 'No space left on device', names space/key"
[[ "$(count_tmp "$MNT")" == 0 ]] || fail "temporaries remain after the failed put: $(find "$MNT"/*/tmp -type f)"
check "no temporaries remain"
refused_unchanged "the failed put"
used_after=$(used_kib)
(( used_after <= used_before + 64 )) || fail "the failed put left space in use: $used_before KiB before, $used_after KiB after"
check "the space of the failed put is free again ($used_before KiB used before, $used_after KiB after)"
{ strata get space/key got.bin && cmp -s v1.bin got.bin; } || fail "the previous version of space/key is not intact"
check "the previous version of space/key reads back identical"

# ---- The same through standard input, for a new key: the key stays absent.
expect_fail_with 1 "No space left on device" -- strata put - space/streamed < v2.bin
expect_fail_with 3 "space/streamed not found" -- strata stat space/streamed
[[ "$(count_tmp "$MNT")" == 0 ]] || fail "temporaries remain after the failed put from stdin"
refused_unchanged "a put from standard input that does not fit (key stays absent)"
[[ "$(strata status --json | jget '[d["health"], d["drives_down"], d["blocks_needing_repair"]]')" == '["healthy", 0, 0]' ]] ||
  fail "status is not healthy after failed puts that committed nothing"
check "status healthy after the failed puts"

# ---- A bulk load that does not fit, as packs of small objects.
mkdir bulk
python3 - <<'EOF'
import os
for i in range(700):
    with open(f"bulk/f{i:03d}", "wb") as f:
        f.write(os.urandom(30000))
EOF
rc=0
strata put -r bulk space/bulk/ 2> bulk.err || rc=$?
[[ $rc != 0 ]] || fail "put -r of 21 MB onto 12 MiB succeeded"
grep -q "No space left on device" bulk.err || fail "put -r failure does not mention space: $(cat bulk.err)"
[[ "$(count_tmp "$MNT")" == 0 ]] || fail "temporaries remain after the failed put -r"
export STRATA STORE
python3 - <<'EOF' || fail "objects of the failed put -r do not match their files"
import hashlib, json, subprocess, sys, os
out = subprocess.run([os.environ["STRATA"], "--store", os.environ["STORE"], "-q", "ls", "-r", "--json", "space/bulk/"],
                     check=True, capture_output=True, text=True).stdout
for o in json.loads(out)["objects"]:
    name = o["key"].split("/")[-1]
    if o["etag"] != hashlib.md5(open(f"bulk/{name}", "rb").read()).hexdigest():
        sys.exit(f"{o['key']} has a wrong etag")
print(f"# {len(json.loads(out)['objects'])} of 700 bulk files stored before the file system filled up")
EOF
check "put -r that does not fit fails with a message about space; what it stored is whole"

# What the failed bulk load committed reads back identical.
if [[ "$(strata ls -r --json space/bulk/ | jget 'len(d["objects"])')" != 0 ]]; then
  strata get -r space/bulk/ bulk.out || fail "get -r of what the failed put -r stored fails"
  for f in bulk.out/*; do cmp -s "$f" "bulk/${f##*/}" || fail "$f differs from its source"; done
fi
check "what the failed put -r stored reads back identical"

# ---- The store is still usable. A pack sealed while one drive was already
# full is committed with five of its six blocks (writes need k+1) and waits
# for repair: status may then say degraded, but no drive is down.
strata status --json > status.json || fail "status fails after ENOSPC"
read -r health down repairs < <(jget '"%s %s %s" % (d["health"], d["drives_down"], d["blocks_needing_repair"])' < status.json)
[[ "$down" == 0 ]] || fail "status after ENOSPC shows $down drives down"
[[ "$health" == healthy || ( "$health" == degraded && "$repairs" -gt 0 ) ]] ||
  fail "status after ENOSPC: health $health with $repairs blocks needing repair"
strata status > /dev/null || fail "status (text) fails after ENOSPC"
check "status works after ENOSPC: $health, no drive down, $repairs blocks awaiting repair"
strata rm -r space/bulk/ > /dev/null
strata repair > /dev/null || fail "repair after removing the bulk objects fails"
[[ "$(strata status --json | jget 'd["health"]')" == healthy ]] || fail "not healthy once the bulk objects are gone"
check "healthy again once the bulk objects are removed"
rc=0
scrub=$(strata scrub --no-repair --json) || rc=$?
[[ $rc == 0 ]] || fail "scrub after ENOSPC exited $rc: $scrub"
[[ "$(jget '[d["blocks_damaged"], d["orphans_removed"], d["temporaries_removed"]]' <<<"$scrub")" == "[0, 0, 0]" ]] ||
  fail "scrub after ENOSPC found damage or leftovers: $scrub"
check "scrub after ENOSPC: no damage, no orphans, no temporaries"
(( $(used_kib) <= used_before + 64 )) || fail "space not returned after removing the bulk objects: $(used_kib) KiB used, $used_before before"
check "all space returned ($(used_kib) KiB used)"
random_file v3.bin 2000000
strata put v3.bin space/key || fail "a put that fits fails after ENOSPC"
{ strata get space/key got3.bin && cmp -s v3.bin got3.bin; } || fail "the new version does not read back identical"
{ strata get space/small got-small.bin && cmp -s small.bin got-small.bin; } || fail "space/small changed"
check "a put that fits succeeds afterwards and reads back identical"

finish_test
