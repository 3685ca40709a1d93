#!/usr/bin/env bash
# The HTTP query API of `strata serve` (POST /api/v1/query): signed requests
# return the same rows as `strata query`, with and without pushdown; a large
# result streams; errors come back as JSON with a status; callers need read
# access to the bucket the query names.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

"$STRATA" --store "$WORK/store" init -q >/dev/null
"$STRATA" --store "$WORK/store" mb data >/dev/null
"$STRATA" --store "$WORK/store" gen particles data/p.parquet --count 200000 --seed 7 -q
"$STRATA" --store "$WORK/store" query -q "SELECT id, ke FROM data/p.parquet WHERE ke > 1.0" >expected.csv
"$STRATA" --store "$WORK/store" query -q "SELECT COUNT(*), SUM(id), MAX(ke) FROM data/p.parquet WHERE ke > 0.3" \
  >expected_agg.csv
check "table generated; reference results from the command line"

start_server "$WORK/store"
# api BODY CONTENT-TYPE [QUERY]: a SigV4-signed POST; body in $WORK/out, status printed.
api() {
  local body="$1" type="$2" query="${3:-}"
  printf '%s' "$body" >request.body
  curl -s -o out -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "content-type: $type" -H "x-amz-content-sha256: $(sha256sum request.body | cut -d' ' -f1)" \
    --data-binary @request.body "$ENDPOINT/api/v1/query$query"
}

[[ "$(api 'SELECT id, ke FROM data/p.parquet WHERE ke > 1.0' text/plain)" == 200 ]] || fail "text query: $(cat out)"
cmp -s out expected.csv || fail "API rows differ from strata query: $(diff out expected.csv | head)"
[[ "$(api 'SELECT id, ke FROM data/p.parquet WHERE ke > 1.0' text/plain '?pushdown=false')" == 200 ]] ||
  fail "no-pushdown query: $(cat out)"
cmp -s out expected.csv || fail "API rows without pushdown differ"
check "CSV rows equal strata query's, with and without pushdown"

body='{"sql": "SELECT COUNT(*), SUM(id), MAX(ke) FROM data/p.parquet WHERE ke > 0.3", "format": "json"}'
[[ "$(api "$body" application/json)" == 200 ]] || fail "JSON query: $(cat out)"
python3 - out expected_agg.csv <<'EOF' || fail "JSON aggregate differs: $(cat out) vs $(cat expected_agg.csv)"
import csv, json, sys
row = json.loads(open(sys.argv[1]).read())
header, values = list(csv.reader(open(sys.argv[2])))
assert list(row.keys()) == header, (row, header)
assert [str(v) for v in row.values()] == values, (row, values)
EOF
check "JSON body and JSON Lines output; aggregates equal the command line's"

[[ "$(api 'SELECT * FROM data/p.parquet' text/plain)" == 200 ]] || fail "full scan: $(cat out)"
lines="$(wc -l <out)"
[[ "$lines" == 200001 ]] || fail "full scan returned $lines lines, not 200001"
check "a 200,000-row result streams whole"

[[ "$(api 'SELECT kee FROM data/p.parquet' text/plain)" == 400 ]] || fail "unknown column not 400: $(cat out)"
[[ "$(jget 'd["error"]["message"]' <out)" == *"column 8"*"unknown column 'kee'"* ]] || fail "unknown column error: $(cat out)"
[[ "$(api 'SELEC id FROM data/p.parquet' text/plain)" == 400 ]] || fail "syntax error not 400: $(cat out)"
[[ "$(api 'SELECT id FROM data/nothing.parquet' text/plain)" == 404 ]] || fail "missing table not 404: $(cat out)"
[[ "$(api 'SELECT id FROM nobucket/p.parquet' text/plain)" == 404 ]] || fail "missing bucket not 404: $(cat out)"
[[ "$(api '{"sql": 5}' application/json)" == 400 ]] || fail "malformed JSON body not 400: $(cat out)"
[[ "$(api 'SELECT id FROM data/p.parquet' text/plain '?format=xml')" == 400 ]] || fail "bad format not 400: $(cat out)"
check "errors: 400 with the position for bad SQL, 404 for missing tables and buckets, 400 for bad requests"

code="$(curl -s -o out -w '%{http_code}' --data-binary 'SELECT id FROM data/p.parquet' "$ENDPOINT/api/v1/query")"
[[ "$code" == 403 ]] || fail "anonymous query answered $code"
code="$(curl -s -o out -w '%{http_code}' "$ENDPOINT/api/v1/query")"
[[ "$code" == 403 || "$code" == 405 ]] || fail "GET on the API answered $code"
check "anonymous callers cannot query a private bucket"

stop_server
finish_test
