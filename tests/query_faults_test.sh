#!/usr/bin/env bash
# Queries over damaged units. Pushed-down scans read column chunks out of
# units without the unit checksum and trust them by their page CRCs: flipped
# bytes inside the chunks of one drive's blocks must be caught and the units
# rebuilt from parity, giving the same answers as before the damage, on both
# paths; scrub then finds and repairs the flipped blocks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }
strata init
strata mb data
strata gen particles data/p.parquet --count 400000 --seed 3 --order random
queries=(
  "SELECT COUNT(*), SUM(id), MIN(ke), MAX(ke) FROM data/p.parquet WHERE ke > 0.3"
  "SELECT * FROM data/p.parquet WHERE ke > 2.0"
  "SELECT COUNT(*), AVG(x), AVG(y), AVG(z) FROM data/p.parquet"
)
for i in "${!queries[@]}"; do strata query "${queries[$i]}" >"before$i.csv"; done
check "particles generated; answers recorded"

# Flip bytes across the unit data of every block on one drive: the page CRCs
# (and the unit checksums) no longer match there.
python3 - "$STORE/drives/d2/blocks" <<'EOF'
import os, sys
flipped = 0
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        path = os.path.join(root, name)
        size = os.path.getsize(path)
        if size < 4096 + 65536:
            continue
        with open(path, "r+b") as f:
            # Block header is 4096 bytes; flip one byte every 16 KiB of unit data.
            for offset in range(4096 + 1000, size - 4096, 16384):
                f.seek(offset)
                b = f.read(1)
                f.seek(offset)
                f.write(bytes([b[0] ^ 0x5A]))
                flipped += 1
print(flipped, file=sys.stderr)
if flipped == 0:
    sys.exit("no block to damage on d2")
EOF
check "bytes flipped throughout drive d2's blocks"

for i in "${!queries[@]}"; do
  strata query "${queries[$i]}" >"after$i.csv" || fail "query $i failed after the damage"
  cmp -s "before$i.csv" "after$i.csv" || fail "pushdown answer $i changed: $(diff "before$i.csv" "after$i.csv" | head -5)"
  strata query --no-pushdown "${queries[$i]}" >"host$i.csv" || fail "host query $i failed after the damage"
  cmp -s "before$i.csv" "host$i.csv" || fail "host answer $i changed: $(diff "before$i.csv" "host$i.csv" | head -5)"
done
check "every answer unchanged after the damage, with and without pushdown"

code=0
strata scrub --no-repair >scrub.out 2>&1 || code=$?
[[ $code == 4 ]] || fail "scrub --no-repair exited $code, expected 4 (damage found): $(cat scrub.out)"
strata scrub >/dev/null 2>&1 || fail "scrub did not repair the damage"
strata scrub --no-repair >/dev/null 2>&1 || fail "damage remains after repair"
for i in "${!queries[@]}"; do
  strata query "${queries[$i]}" >"repaired$i.csv"
  cmp -s "before$i.csv" "repaired$i.csv" || fail "answer $i changed after repair"
done
check "scrub finds the damaged blocks and repairs them; answers unchanged"

finish_test
