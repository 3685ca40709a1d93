#!/usr/bin/env bash
# Row-group indexes end to end. `strata gen particles --no-index` writes none;
# `strata index` builds one index file per data drive and says how many row
# groups it indexed; `strata ingest table` builds them unless --no-index; a
# prefix indexes every aligned table under it and names the ones it skips.
# Selective queries answer exactly the same with the indexes, with
# --no-index and with --no-pushdown, and the summary says how many row groups
# the indexes answered. With a drive deleted, and with every index file
# damaged, the answers do not change; after a repair `strata index` rebuilds
# them all. Deleting a table removes its index files. Under `strata serve`, a
# Parquet object PUT over S3 is indexed in the background, and the query API
# takes "index": false.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }
count_sidx() { find "$STORE/drives" -type f -name '*.blk.sidx' 2>/dev/null | wc -l; }

strata init --drives 6 --code 4+2 >/dev/null
strata mb data
strata gen particles data/rand.parquet --count 600000 --seed 5 --order random --no-index
[[ $(count_sidx) == 0 ]] || fail "gen particles --no-index wrote $(count_sidx) index files"
explain=$(strata query "SELECT COUNT(*) FROM data/rand.parquet" --explain)
[[ $explain =~ ([0-9]+)\ row\ groups, ]] || fail "no row-group count in --explain: $explain"
groups=${BASH_REMATCH[1]}
out=$(strata index data/rand.parquet)
[[ $out =~ ^indexed\ ([0-9]+)\ row\ groups\ of\ 1\ table ]] || fail "strata index printed: $out"
[[ ${BASH_REMATCH[1]} == "$groups" ]] || fail "strata index indexed ${BASH_REMATCH[1]} of $groups row groups: $out"
[[ $(count_sidx) == 4 ]] || fail "$(count_sidx) index files, expected one on each of the 4 data drives"
check "strata index: $out (one index file per data drive)"

strata gen particles cell.parquet --file --count 600000 --seed 6 --order cell
"$STRATA" --store "$STORE" ingest table cell.parquet data/cell.parquet --codec none 2>ingest.err
grep -E '^indexed [1-9][0-9]* row groups of 1 table' ingest.err >/dev/null ||
  fail "ingest table printed no index line: $(cat ingest.err)"
"$STRATA" --store "$STORE" ingest table cell.parquet data/cell2.parquet --no-index 2>ingest2.err
if grep indexed ingest2.err >/dev/null; then fail "ingest table --no-index built an index: $(cat ingest2.err)"; fi
# A table stored with half the unit size its row groups were written for:
# they cross units, so it is not aligned and cannot be indexed on the nodes.
sed -i 's/^unit_size = "1MiB"/unit_size = "512KiB"/' "$STORE/strata.toml"
strata put cell.parquet data/halves.parquet
sed -i 's/^unit_size = "512KiB"/unit_size = "1MiB"/' "$STORE/strata.toml"
out=$(strata index data/)
[[ $out == "indexed "*" row groups of 3 table(s)"* && $out == *"1 file(s) not aligned"* &&
   $out == *"skipped data/halves.parquet: not aligned"* ]] || fail "strata index data/ printed: $out"
check "ingest table indexes (and --no-index does not); a prefix indexes 3 tables and skips the unaligned one"

queries=(
  "SELECT * FROM data/rand.parquet WHERE ke > 2.0"
  "SELECT id, ke FROM data/rand.parquet WHERE ke > 1.5 AND x < 0.5"
  "SELECT COUNT(*), SUM(id), MIN(ke), MAX(ke) FROM data/rand.parquet WHERE ke > 1.0"
  "SELECT id, x, y, z FROM data/rand.parquet WHERE id < 40"
  "SELECT * FROM data/cell.parquet WHERE ke > 2.5"
  "SELECT COUNT(*), MAX(id) FROM data/ WHERE ke > 3.0"
  "SELECT id FROM data/rand.parquet WHERE ke > 0.3 LIMIT 7"
)
# Indexes that decide these filters: the first three and the fifth.
selective=(0 1 2 4)
# run_all PHASE: every query with the indexes, with --no-index and with
# --no-pushdown; their outputs must be identical (and equal to the intact
# answers once recorded). Sets INDEXED[i] to the row groups the index
# answered for query i.
run_all() {
  local phase="$1" i n
  for i in "${!queries[@]}"; do
    "$STRATA" --store "$STORE" query "${queries[$i]}" >"$phase.$i.csv" 2>"$phase.$i.err" ||
      fail "$phase: query $i failed: $(cat "$phase.$i.err")"
    strata query --no-index "${queries[$i]}" >"$phase.$i.noindex.csv" || fail "$phase: query $i --no-index failed"
    strata query --no-pushdown "${queries[$i]}" >"$phase.$i.host.csv" || fail "$phase: query $i --no-pushdown failed"
    cmp -s "$phase.$i.csv" "$phase.$i.noindex.csv" ||
      fail "$phase: query $i differs with --no-index: $(diff "$phase.$i.csv" "$phase.$i.noindex.csv" | head -5)"
    cmp -s "$phase.$i.csv" "$phase.$i.host.csv" ||
      fail "$phase: query $i differs with --no-pushdown: $(diff "$phase.$i.csv" "$phase.$i.host.csv" | head -5)"
    if [[ -f "intact.$i.csv" ]]; then
      cmp -s "intact.$i.csv" "$phase.$i.csv" || fail "$phase: query $i changed: $(diff "intact.$i.csv" "$phase.$i.csv" | head -5)"
    fi
    [[ $(cat "$phase.$i.err") =~ from\ the\ index:\ ([0-9]+)\ row\ groups ]] ||
      fail "$phase: query $i summary lacks the index count: $(cat "$phase.$i.err")"
    INDEXED[$i]=${BASH_REMATCH[1]}
  done
}

INDEXED=()
run_all intact
for i in "${selective[@]}"; do
  [[ ${INDEXED[$i]} -gt 0 ]] || fail "query $i (${queries[$i]}) used no index: $(cat "intact.$i.err")"
done
[[ $(wc -l <intact.0.csv) -gt 1 && $(wc -l <intact.1.csv) -gt 1 ]] || fail "the selective queries return no rows"
rows=$(($(wc -l <intact.0.csv) - 1))
check "${#queries[@]} queries equal with the indexes, --no-index and --no-pushdown; ke > 2.0: $rows rows, ${INDEXED[0]} row groups from the index"

# A drive with index files goes away: its units are rebuilt from parity and
# its indexes are not there; the others still answer.
first=$(find "$STORE/drives" -type f -name '*.blk.sidx' | sort | head -1)
drive=${first%%/blocks/*}
rm -rf "$drive"
run_all drive_lost
[[ ${INDEXED[0]} -gt 0 ]] || fail "no index used with one drive lost: $(cat drive_lost.0.err)"
check "drive ${drive##*/} deleted: every answer unchanged, ${INDEXED[0]} row groups still from the index"

# (The drive holds a data position of the table whose index file was found.)
code=0
strata index data/ >lost_index.out || code=$?
[[ $code == 4 ]] || fail "strata index with a drive lost exited $code, expected 4: $(cat lost_index.out)"
grep 'row groups skipped' lost_index.out >/dev/null || fail "strata index does not report skipped row groups: $(cat lost_index.out)"
check "strata index with a drive lost skips its row groups and says so (exit 4)"

# Every index file damaged: ignored.
while IFS= read -r f; do
  printf 'XXXXXXXX' | dd of="$f" bs=1 seek=0 conv=notrunc status=none
done < <(find "$STORE/drives" -type f -name '*.blk.sidx')
run_all damaged
for i in "${!queries[@]}"; do
  [[ ${INDEXED[$i]} == 0 ]] || fail "query $i used ${INDEXED[$i]} damaged indexes: $(cat "damaged.$i.err")"
done
check "every index file damaged: answers unchanged, nothing from the index"

strata scrub >/dev/null 2>&1 || fail "scrub did not repair the lost drive"
out=$(strata index data/) || fail "strata index after the repair failed: $out"
[[ $out == *"row groups of 3 table(s)"* && $out != *"row groups skipped"* ]] || fail "strata index after repair: $out"
run_all rebuilt
[[ ${INDEXED[0]} -gt 0 ]] || fail "the rebuilt indexes are not used: $(cat rebuilt.0.err)"
check "after repair, strata index rebuilds every index and queries use them again"

before=$(count_sidx)
strata rm data/cell2.parquet
[[ $(count_sidx) == $((before - 4)) ]] || fail "$(count_sidx) index files after deleting a table, expected $((before - 4))"
check "deleting a table removes its index files"

# Under the server: a PUT of aligned Parquet is indexed in the background.
start_server "$STORE"
before=$(count_sidx)
code=$(curl -s -o put.out -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
  -H "x-amz-content-sha256: $(sha256sum cell.parquet | cut -d' ' -f1)" -T cell.parquet "$ENDPOINT/data/put.Parquet")
[[ $code == 200 ]] || fail "PUT answered $code: $(cat put.out)"
for _ in $(seq 1 100); do
  [[ $(count_sidx) -ge $((before + 4)) ]] && break
  sleep 0.2
done
[[ $(count_sidx) == $((before + 4)) ]] || fail "$(count_sidx) index files 20 s after the PUT, expected $((before + 4))"
check "a PUT of data/put.Parquet is indexed in the background"

# api BODY CONTENT-TYPE [QUERY]: a SigV4-signed POST to the query API; body in out.
api() {
  printf '%s' "$1" >request.body
  curl -s -o out -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "content-type: $2" -H "x-amz-content-sha256: $(sha256sum request.body | cut -d' ' -f1)" \
    --data-binary @request.body "$ENDPOINT/api/v1/query${3:-}"
}
sql="SELECT * FROM data/put.Parquet WHERE ke > 2.5"
[[ $(api "$sql" text/plain) == 200 ]] || fail "API query: $(cat out)"
cp out api.csv
[[ $(api "$sql" text/plain '?index=false') == 200 ]] || fail "API query ?index=false: $(cat out)"
cmp -s out api.csv || fail "API rows differ with ?index=false"
[[ $(api "{\"sql\": \"$sql\", \"index\": false}" application/json) == 200 ]] || fail "API query index false: $(cat out)"
cmp -s out api.csv || fail "API rows differ with \"index\": false"
cmp -s api.csv intact.4.csv || fail "API rows over the PUT copy differ from data/cell.parquet's"
[[ $(api "{\"sql\": \"$sql\", \"index\": 1}" application/json) == 400 ]] || fail "\"index\": 1 not refused: $(cat out)"
check "the query API answers the same with ?index=false and \"index\": false"
stop_server

strata rm -r data/
[[ $(count_sidx) == 0 ]] || fail "$(count_sidx) index files left after deleting every table"
check "no index file left once every table is deleted"
finish_test
