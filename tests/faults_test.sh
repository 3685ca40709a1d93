#!/usr/bin/env bash
# Faults on a 4+2 store of six drives: one drive directory deleted, one block
# made unreadable, bytes flipped in some blocks' unit data, one block truncated;
# never more than two damaged positions per blob. Every object must still read
# back byte-identical; scrub --no-repair must count exactly the damaged blocks
# and exit 4; scrub (with repair) must fix everything, after which a scrub finds
# nothing, status is healthy and every object is still identical.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

use_seed

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }

strata init --drives 6 --code 4+2 --unit-size 64KiB
strata mb faults
check "init 4+2 on six drives with 64 KiB units"

# Objects of assorted sizes: empty, around the unit and small-object thresholds,
# several units, several stripes, and random sizes.
mkdir src
sizes=(0 1 4095 4096 65535 65536 65537 262144 262145 $((1048576 + 7)) $((3 * 1048576)))
for i in $(seq 9); do sizes+=($(( (RANDOM * 32768 + RANDOM) % (2 * 1048576) ))); done
keys=()
for i in "${!sizes[@]}"; do
  random_file "src/obj$i" "${sizes[$i]}"
  strata put "src/obj$i" "faults/obj$i"
  keys+=("obj$i")
done
check "put ${#keys[@]} objects of sizes ${sizes[*]}"

mkdir -p small/a small/b
python3 - "$SEED" <<'EOF'
import os, random, sys
rng = random.Random(int(sys.argv[1]))
for i in range(200):
    with open(f"small/{'ab'[i % 2]}/s{i}", "wb") as f:
        f.write(rng.randbytes(rng.randint(1, 6000)))
EOF
strata put -r small faults/small/
[[ "$(strata ls -r faults/small/ --json | jget 'len(d["objects"])')" == 200 ]] || fail "put -r did not store 200 objects"
check "put -r of 200 small files"

verify_all() { verify_objects faults "$1"; }
verify_all "before faults"
[[ "$(strata scrub --no-repair --json | jget 'd["blocks_damaged"]')" == 0 ]] || fail "scrub finds damage before any fault"
check "scrub before faults finds no damage"

# ---- Inject faults.
DRIVES="$STORE/drives"
lost_drive=d4
lost_blocks=$(count_blocks "$DRIVES/$lost_drive")
(( lost_blocks > 0 )) || fail "drive $lost_drive holds no blocks"
rm -rf "${DRIVES:?}/$lost_drive"
echo "# deleted drive $lost_drive with $lost_blocks block files"

# Each further fault goes to a block of a different blob (the lost drive
# already took one position of every blob), never on the lost drive.
python3 - "$SEED" "$DRIVES" > injected.txt <<'EOF'
import os, random, struct, sys
rng = random.Random(int(sys.argv[1]) + 1)
drives = sys.argv[2]
by_blob = {}
for root, _, files in os.walk(drives):
    for name in files:
        if name.endswith(".blk"):
            path = os.path.join(root, name)
            by_blob.setdefault(name.split("-")[0], []).append(path)

def data_bytes(path):
    with open(path, "rb") as f:
        f.seek(-28, os.SEEK_END)
        tail = f.read(28)
    assert tail[20:28] == b"STRATAEN", path
    return struct.unpack("<QQ", tail[:16])[1]

blobs = sorted(by_blob)
rng.shuffle(blobs)
# Candidates with unit data, so that a flip or a cut lands in the units.
candidates = []
for blob in blobs:
    paths = [p for p in sorted(by_blob[blob]) if data_bytes(p) > 0]
    if paths:
        candidates.append(rng.choice(paths))
plan = ["unreadable", "truncate", "flip", "flip", "flip", "flip"]
assert len(candidates) >= len(plan), f"only {len(candidates)} blobs with unit data"
for kind, path in zip(plan, candidates):
    n = data_bytes(path)
    if kind == "unreadable":
        os.remove(path)
        os.mkdir(path)
    elif kind == "truncate":
        os.truncate(path, 4096 + n // 2)
    else:
        with open(path, "r+b") as f:
            for _ in range(rng.randint(1, 5)):
                offset = 4096 + rng.randrange(n)
                f.seek(offset)
                old = f.read(1)[0]
                f.seek(offset)
                f.write(bytes([old ^ rng.randint(1, 255)]))
    print(kind, path)
EOF
sed 's/^/# /' injected.txt
injected=$(wc -l < injected.txt)
expected_damaged=$((lost_blocks + injected))
unreadable_dir=$(awk '$1 == "unreadable" {print $2}' injected.txt)
[[ -d "$unreadable_dir" ]] || fail "could not make a block unreadable"
check "injected $injected faults in distinct blobs plus a lost drive ($expected_damaged damaged blocks)"

# ---- Reads survive every fault.
verify_all "with faults"

# ---- Scrub without repair counts every damaged block, once, and exits 4.
rc=0
strata scrub --no-repair --json > scrub1.json || rc=$?
[[ $rc == 4 ]] || fail "scrub --no-repair with damage exited $rc, expected 4"
damaged=$(jget 'd["blocks_damaged"]' < scrub1.json)
[[ "$damaged" == "$expected_damaged" ]] ||
  fail "scrub --no-repair reports $damaged damaged blocks, expected $expected_damaged: $(jget 'd["problems"]' < scrub1.json)"
check "scrub --no-repair reports $damaged damaged blocks and exits 4"
[[ -d "$unreadable_dir" ]] || fail "scrub --no-repair changed the unreadable block"
[[ ! -e "$DRIVES/$lost_drive" ]] || fail "scrub --no-repair re-created the lost drive"
check "scrub --no-repair repaired nothing"
# A second look reports the same damage: nothing was hidden by the first.
rc=0
strata scrub --no-repair --json > scrub1b.json || rc=$?
[[ $rc == 4 && "$(jget 'd["blocks_damaged"]' < scrub1b.json)" == "$expected_damaged" ]] ||
  fail "second scrub --no-repair: exit $rc, $(jget 'd["blocks_damaged"]' < scrub1b.json) damaged"
check "a second scrub --no-repair reports the same damage"
[[ "$(strata status --json | jget 'd["health"]')" == degraded ]] || fail "status is not degraded with damage"
check "status degraded while damage remains"

# ---- Scrub with repair fixes everything. Repair must be able to replace the
# directory that stands where a block should be.
rc=0
strata scrub --json > scrub2.json || rc=$?
rebuilt=$(jget 'd["repair"]["blocks_rebuilt"]' < scrub2.json)
[[ $rc == 0 && -f "$unreadable_dir" ]] ||
  fail "scrub with repair could not replace a directory standing where a block belongs (exit $rc): $(jget 'd["repair"]["problems"]' < scrub2.json)"
check "scrub with repair exits 0 and replaces the unreadable block (a directory) with a file"
# Every damaged block is rebuilt, and only those.
(( rebuilt == expected_damaged )) || fail "repair rebuilt $rebuilt blocks, expected exactly $expected_damaged"
check "repair rebuilt $rebuilt blocks for $expected_damaged damaged ones"
[[ -d "$DRIVES/$lost_drive" && "$(count_blocks "$DRIVES/$lost_drive")" == "$lost_blocks" ]] ||
  fail "the lost drive has $(count_blocks "$DRIVES/$lost_drive") block files after repair, had $lost_blocks"
check "the lost drive $lost_drive is back with its $lost_blocks block files"

rc=0
strata scrub --no-repair --json > scrub3.json || rc=$?
[[ $rc == 0 ]] || fail "scrub --no-repair after repair exited $rc: $(jget 'd["problems"]' < scrub3.json)"
[[ "$(jget 'd["blocks_damaged"]' < scrub3.json)" == 0 ]] || fail "damage remains after repair"
check "scrub --no-repair after repair: 0 damaged, exit 0"
strata status --json > status.json
[[ "$(jget 'd["health"]' < status.json)" == healthy ]] || fail "status is not healthy after repair"
[[ "$(jget 'd["drives_down"]' < status.json)" == 0 ]] || fail "drives down after repair"
check "status --json healthy after repair"
verify_all "after repair"

# The rebuilt blocks are good on their own: lose two other drives and read.
rm -rf "${DRIVES:?}/d1" "${DRIVES:?}/d2"
verify_all "after repair, with d1 and d2 lost"

finish_test
