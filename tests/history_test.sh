#!/usr/bin/env bash
# Datasets and their access history end to end. Datasets are named
# prefixes; every object read (strata get, S3 GET) and every query over a
# table counts toward the dataset with the longest matching prefix, per day.
# `strata history export` rolls the days up into weeks (or days) as the CSV
# the popularity engine reads, and `strata popularity evaluate` accepts it.
# Counts made by the server reach the catalog when it stops. Bad dataset
# commands change nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }
# last_column CSV NAME: the last week's count of dataset NAME.
last_column() {
  python3 -c 'import csv,sys
rows = {r[1]: r for r in csv.reader(open(sys.argv[1]))}
print(rows[sys.argv[2]][-1])' "$1" "$2"
}

strata init >/dev/null
strata mb sim
echo "frame" >frame.txt
strata put frame.txt sim/run1/a.txt
strata put frame.txt sim/run2/b.txt
strata put frame.txt sim/other/c.txt
strata gen particles sim/run2/particles.parquet --count 20000 --seed 3 --no-index
strata dataset add run1 sim/run1/
strata dataset add run2 sim/run2/
strata dataset add everything sim
[[ $(strata dataset ls | wc -l) == 3 ]] || fail "dataset ls: $(strata dataset ls)"
check "three datasets, one inside the other"

expect_fail_with 1 "dataset 'run1' already exists" -- strata dataset add run1 sim/elsewhere/
expect_fail_with 1 "dataset 'run2' already covers sim/run2/" -- strata dataset add second sim/run2/
expect_fail_with 3 "bucket 'nobucket' does not exist" -- strata dataset add x nobucket/p/
expect_fail_with 3 "dataset 'ghost' does not exist" -- strata dataset rm ghost
[[ $(strata dataset ls | wc -l) == 3 ]] || fail "a refused command changed the datasets: $(strata dataset ls)"
check "duplicate names and prefixes, missing buckets and unknown datasets are refused"

for i in 1 2 3; do strata get sim/run1/a.txt - >/dev/null; done
strata get sim/run2/b.txt - >/dev/null
strata get sim/other/c.txt - >/dev/null
strata query "SELECT COUNT(*) FROM sim/run2/particles.parquet WHERE ke > 1.0" >/dev/null
strata query "SELECT MAX(ke) FROM sim/run2/particles.parquet" >/dev/null
# Planning and indexing are the system's own work: not counted.
strata query --explain "SELECT MAX(ke) FROM sim/run2/particles.parquet" >/dev/null
strata index sim/run2/particles.parquet >/dev/null
strata history export --weeks 4 -o week.csv
[[ $(head -1 week.csv) == ",Name,1,2,3,4" ]] || fail "export header: $(head -1 week.csv)"
[[ $(last_column week.csv run1) == 3 ]] || fail "run1 this week: $(cat week.csv)"
[[ $(last_column week.csv run2) == 3 ]] || fail "run2 this week (1 read + 2 queries): $(cat week.csv)"
[[ $(last_column week.csv everything) == 1 ]] || fail "everything this week (other/c.txt only): $(cat week.csv)"
grep -E '^[0-9]+,run1,0,0,0,3$' week.csv >/dev/null || fail "earlier weeks of run1 are not zero: $(cat week.csv)"
check "reads and queries counted to the longest prefix: run1 3, run2 1+2, everything 1"

strata history export --days 2 >day.csv
[[ $(head -1 day.csv) == ",Name,1,2" && $(last_column day.csv run1) == 3 ]] || fail "daily export: $(cat day.csv)"
yesterday_end=$(date -u -d yesterday +%F)
strata history export --weeks 1 --end "$yesterday_end" >before.csv
[[ $(last_column before.csv run1) == 0 ]] || fail "nothing was read before today: $(cat before.csv)"
expect_fail_with 2 "date '2026-02-30' does not exist" -- strata history export --end 2026-02-30
check "daily export; --end moves the window; impossible dates refused"

# The export is a history file the popularity engine reads (too short to
# train on, and it says so).
strata history export --weeks 30 -o long.csv
expect_fail_with 1 "too short" -- "$STRATA" popularity evaluate --history long.csv
# The engine reads the store's own history directly; a store this young
# has nothing to learn from yet, and says so.
expect_fail_with 1 "no dataset was read by week 52: nothing to train on" -- \
  "$STRATA" --store "$STORE" popularity predict --from-store
expect_fail_with 2 "give --history FILE or --from-store" -- "$STRATA" popularity evaluate
check "the export parses as a popularity history; --from-store reads the store's own"

start_server "$STORE"
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export AWS_ACCESS_KEY_ID="$ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SECRET_KEY"
unset AWS_CA_BUNDLE AWS_PROFILE
for i in 1 2; do
  /usr/bin/aws --endpoint-url "$ENDPOINT" s3 cp s3://sim/run1/a.txt - >/dev/null || fail "S3 GET of run1/a.txt"
done
stop_server
strata history export --weeks 1 -o after.csv
[[ $(last_column after.csv run1) == 5 ]] || fail "run1 after 2 S3 GETs: $(cat after.csv)"
check "S3 GETs through strata serve are counted and kept when it stops"

strata dataset rm run1
strata history export --weeks 1 -o removed.csv
if grep ',run1,' removed.csv >/dev/null; then fail "a removed dataset is still exported: $(cat removed.csv)"; fi
check "a removed dataset leaves the export"

finish_test
