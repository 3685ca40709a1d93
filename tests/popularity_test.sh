#!/usr/bin/env bash
# The popularity engine end to end on the real LHCb access histories
# (../shared/data/lhcb-popularity): `strata popularity evaluate` reproduces
# the file's published LRU reference (ROC AUC 0.78, 320 datasets moved before
# the 9th wrong move), scores the model out of time next to it, and reports
# the in-window cross-validation the seed used, which flatters. Without a
# recorded future the last horizon is held out. `strata popularity simulate`
# replays weeks 53..78 and writes an SVG plot that parses. Bad history files
# are refused with the line that is wrong.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# shared/ sits beside the repository, in a checkout and in CI alike.
LHCB="$(cd "$(dirname "$0")/../.." && pwd)/shared/data/lhcb-popularity/weekly-accesses-78w.csv"
start_test "$@"

[[ -f $LHCB ]] || fail "no $LHCB: the LHCb history is expected in shared/ beside the repository"
strata() { "$STRATA" "$@"; }

strata --json popularity evaluate --history "$LHCB" --horizon 26 >eval.json
python3 - eval.json <<'PY' || fail "evaluate --json: $(cat eval.json)"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["datasets"] == 5704 and e["weeks"] == 78, e
assert e["unused"] == 3271, e["unused"]                       # Label 1 rows, per the data's README
assert round(e["lru"]["roc_auc"], 2) == 0.78, e["lru"]
assert e["lru"]["moved_before_mistake"] == 320, e["lru"]      # the README's reference point
assert e["training_windows"][0] == 52, e["training_windows"]  # labels never reach past week 78
assert e["model"]["roc_auc"] > e["lru"]["roc_auc"] + 0.01, (e["model"], e["lru"])
assert e["in_window_auc"] > e["model"]["roc_auc"] + 0.03, e   # in-window CV flatters
assert 0 < e["kernel_mae"] < 1000, e
PY
check "evaluate: LRU 0.78 / 320 as published; model AUC $(python3 -c 'import json;print(round(json.load(open("eval.json"))["model"]["roc_auc"],3))') out of time"

strata popularity evaluate --history "$LHCB" --folds 0 >eval.txt
grep -E '^gradient-boosted model +\| 0\.[0-9]{3} ' eval.txt >/dev/null || fail "no model row: $(cat eval.txt)"
grep -E '^LRU \(weeks since last access\) +\| 0\.780 +\| 320 ' eval.txt >/dev/null || fail "no LRU row: $(cat eval.txt)"
if grep 'in one window' eval.txt >/dev/null; then fail "--folds 0 still cross-validated"; fi
check "evaluate: the side-by-side table"

# The same weeks without Label and Target: the last 26 weeks are the truth.
python3 - "$LHCB" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
with open("no_future.csv", "w", newline="") as f:
    w = csv.writer(f)
    for r in rows: w.writerow(r[:-2])
PY
strata --json popularity evaluate --history no_future.csv --folds 0 >holdout.json
python3 - holdout.json <<'PY' || fail "holdout: $(cat holdout.json)"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["weeks"] == 52 and e["truth"] == "weeks 53..78 held out", e
assert e["training_windows"][0] == 26, e["training_windows"]
PY
check "evaluate without a recorded future holds out weeks 53..78"

strata popularity simulate --history "$LHCB" --plot sim.svg >sim.txt
[[ $(grep -cE '^ *[0-9]+ \|' sim.txt) == 26 ]] || fail "simulate printed $(grep -cE '^ *[0-9]+ \|' sim.txt) weeks: $(cat sim.txt)"
python3 - sim.svg <<'PY' || fail "sim.svg is not a plot"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
lines = root.findall("{http://www.w3.org/2000/svg}polyline")
assert len(lines) == 6, len(lines)
for l in lines: assert len(l.get("points").split()) == 26, l.get("points")
PY
check "simulate: 26 weeks replayed, SVG with 3 panels x 2 policies"

# predict: one row per dataset; the risk matrix moves as many as evaluate
# said it would, and only the fast tier gets extra replicas.
risk_moves=$(python3 -c 'import json;print(json.load(open("eval.json"))["risk_moves"])')
strata popularity predict --history "$LHCB" --max-replicas 3 >advice.csv
python3 - advice.csv "$risk_moves" <<'PY' || fail "predict: $(head -5 advice.csv)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 5704, len(rows)
tiers = [r["tier"] for r in rows]
assert set(tiers) == {"hot", "capacity"}, set(tiers)
assert tiers.count("capacity") == int(sys.argv[2]), (tiers.count("capacity"), sys.argv[2])
for r in rows:
    assert 0 <= float(r["p_used"]) <= 1 and float(r["expected_reads_per_week"]) >= 0, r
    assert 1 <= int(r["replicas"]) <= (3 if r["tier"] == "hot" else 1), r
assert any(int(r["replicas"]) > 1 for r in rows), "no dataset got a replica"
PY
check "predict: 5704 datasets, $risk_moves to capacity as evaluate said, replicas 1..3 on hot only"

# Bad input changes nothing and names the line.
printf ',Name,1,2\n0,a,1,0\n1,b,3\n' >ragged.csv
expect_fail_with 2 "ragged.csv line 3: 3 fields, the header has 4" -- strata popularity evaluate --history ragged.csv
printf ',Name,1,2\n0,a,1,0\n1,b,3,-1\n' >negative.csv
expect_fail_with 2 "negative.csv line 3: week 2: negative count -1" -- strata popularity evaluate --history negative.csv
printf ',Dataset,1,2\n0,a,1,0\n' >noname.csv
expect_fail_with 2 "noname.csv line 1: missing column 'Name'" -- strata popularity simulate --history noname.csv
expect_fail_with 3 "open history missing.csv" -- strata popularity evaluate --history missing.csv
printf ',Name,1,2,3\n0,a,1,0,1\n' >short.csv
expect_fail_with 1 "too short" -- strata popularity evaluate --history short.csv
check "bad histories refused: ragged row, negative count, missing Name, missing file, too short"

finish_test
