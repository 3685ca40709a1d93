#!/usr/bin/env bash
# S3 Select (SelectObjectContent) with the aws CLI against `strata serve`:
# CSV with and without a header (quotes, ragged rows, CAST), a large CSV
# uploaded in parts, an aligned particle table (scanned on the nodes) and a
# Parquet file DuckDB wrote (not aligned: scanned at the gateway), with CSV
# and JSON output. Answers are compared with DuckDB's or with hand-computed
# values; the raw event stream is decoded with botocore's own decoder
# (Records, Progress, Stats, End; an error message and no End when a query
# fails mid-stream). Errors: bad SQL, unknown columns, missing keys, JSON
# input, unsigned requests, malformed XML.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TESTS="$(dirname "$(realpath "${BASH_SOURCE[0]}")")"
CLIENT="$TESTS/s3_client.py"
DUCKDB_JS="$TESTS/js/duckdb_query.mjs"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }
duckdb() { node "$DUCKDB_JS" "$1"; }

# ------------------------------------------------------------------ data
strata init >/dev/null
# Info logs: the server's line for each select says where the scan ran.
sed -i 's/^log_level = .*/log_level = "info"/' "$STORE/strata.toml"
strata mb data
strata gen particles data/p.parquet --count 200000 --seed 7
strata get data/p.parquet p.parquet
strata query "SELECT id, ke FROM data/p.parquet WHERE ke > 2.5" | tail -n +2 >particles_rows.csv
[[ -s particles_rows.csv ]] || fail "the particle reference query returned no rows"

printf 'name,age,city\nada,36,london\nbob,7,paris\n"smith, jo",51,"new\nyork"\ncy,,rome\ndee,29\n' >people.csv
printf '1,alpha,3.5\n2,beta,10\n3,gamma,-1.25\n4,delta\n' >plain.csv
# 600,000 rows, about 12.5 MB: several batches, and uploaded in parts (over 8 MiB).
python3 - <<'EOF'
with open("big.csv", "w") as f:
    f.write("id,v,tag,note\n")
    for i in range(600000):
        note = f'"a, {i % 97}"' if i % 10 == 0 else f"n{i % 13}"
        f.write(f"{i},{(i * 7919) % 100000 / 8},{'xyz'[i % 3]},{note}\n")
EOF
duckdb "CREATE TABLE t AS SELECT i::BIGINT AS i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'n' || (i % 7) END AS s,
          (i * 0.25)::DOUBLE AS d FROM range(300000) r(i);
        COPY t TO '$WORK/duck.parquet' (FORMAT parquet, ROW_GROUP_SIZE 40000); SELECT 1" >/dev/null ||
  fail "DuckDB could not write duck.parquet"
check "data: particles (aligned), people.csv, plain.csv, big.csv (600,000 rows), duck.parquet from DuckDB"

start_server "$STORE"
export ENDPOINT ACCESS_KEY SECRET_KEY
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export AWS_ACCESS_KEY_ID="$ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SECRET_KEY"
unset AWS_CA_BUNDLE AWS_PROFILE
aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }
for f in people.csv plain.csv big.csv duck.parquet; do
  aws s3 cp "$f" "s3://data/$f" >/dev/null || fail "upload of $f"
done
etag="$(aws s3api head-object --bucket data --key big.csv --query ETag --output text)"
[[ "$etag" == *-2\" ]] || fail "big.csv should be a multipart object, its ETag is $etag"
check "server at $ENDPOINT; CSV and Parquet objects uploaded with the aws CLI (big.csv in 2 parts)"

CSV_USE='{"CSV": {"FileHeaderInfo": "USE"}, "CompressionType": "NONE"}'
CSV_NONE='{"CSV": {"FileHeaderInfo": "NONE"}}'
PARQUET='{"Parquet": {}}'
OUT_CSV='{"CSV": {}}'
OUT_JSON='{"JSON": {}}'
# run_select KEY INPUT OUTPUT SQL: the records, in the file out; fails the test on an error.
run_select() {
  aws s3api select-object-content --bucket data --key "$1" --input-serialization "$2" \
    --output-serialization "$3" --expression "$4" --expression-type SQL out 2>err ||
    fail "select on $1 ($4) failed: $(cat err)"
}
# expect_out TEXT WHAT: out holds exactly TEXT (printf escapes).
expect_out() {
  printf "$1" >expected
  cmp -s out expected || fail "$2: got $(od -c out | head -5), expected $(od -c expected | head -5)"
}

# ------------------------------------------------------------------ CSV
run_select people.csv "$CSV_USE" "$OUT_CSV" "SELECT name, city FROM S3Object WHERE age = '7'"
expect_out 'bob,paris\n' "header names"
run_select people.csv "$CSV_USE" "$OUT_CSV" "SELECT s.name, s._3 FROM S3Object s WHERE CAST(s.age AS INT) > 30"
expect_out 'ada,london\n"smith, jo","new\nyork"\n' "CAST, aliases, positions, quoted fields"
run_select people.csv "$CSV_USE" "$OUT_CSV" "SELECT name FROM S3Object WHERE age > '4'"
expect_out 'bob\n"smith, jo"\n' "string comparison ('7' > '4', '36' < '4')"
run_select people.csv "$CSV_USE" "$OUT_JSON" "SELECT name, city FROM S3Object WHERE city IS NULL OR age IS NULL"
expect_out '{"name":"cy","city":"rome"}\n{"name":"dee","city":null}\n' "ragged row and empty field: NULL"
run_select people.csv "$CSV_USE" "$OUT_JSON" "SELECT COUNT(*), MAX(name) AS top FROM S3Object"
expect_out '{"_1":5,"top":"smith, jo"}\n' "aggregates named _1 and by alias"
check "CSV with a header: names and positions, quotes, string and numeric comparison, NULL for ragged rows"

run_select plain.csv "$CSV_NONE" "$OUT_CSV" "SELECT _2, _3 FROM S3Object WHERE _3 IS NOT NULL AND CAST(_3 AS FLOAT) > 3"
expect_out 'alpha,3.5\nbeta,10\n' "no header"
run_select plain.csv '{"CSV": {"FileHeaderInfo": "IGNORE"}}' "$OUT_CSV" "SELECT _1 FROM S3Object LIMIT 2"
expect_out '2\n3\n' "IGNORE skips the first line; LIMIT"
run_select plain.csv "$CSV_NONE" '{"CSV": {"FieldDelimiter": "|", "QuoteFields": "ALWAYS", "RecordDelimiter": ";"}}' \
  "SELECT _1, _2 FROM S3Object WHERE _1 < '3'"
expect_out '"1"|"alpha";"2"|"beta";' "output delimiters and QuoteFields ALWAYS"
run_select plain.csv "$CSV_NONE" '{"JSON": {"RecordDelimiter": ","}}' "SELECT _1, _4 FROM S3Object LIMIT 2"
expect_out '{"_1":"1","_4":null},{"_1":"2","_4":null},' "JSON output with a record delimiter; _4 past the fields"
printf 'a;b\n# comment;x\n"p;1";"q"\n' >semi.csv
aws s3 cp semi.csv s3://data/semi.csv >/dev/null
run_select semi.csv '{"CSV": {"FieldDelimiter": ";", "Comments": "#"}}' "$OUT_JSON" "SELECT * FROM S3Object"
expect_out '{"_1":"a","_2":"b"}\n{"_1":"p;1","_2":"q"}\n' "field delimiter and comments"
check "CSV without a header: positions, IGNORE, LIMIT, output delimiters and quoting, JSON, comments"

# The large CSV against DuckDB.
want="$(duckdb "SELECT COUNT(*), SUM(id), SUM(v), MIN(note), MAX(id) FROM read_csv('$WORK/big.csv') WHERE tag = 'y'" |
  jget 'd["rows"][0]')"
run_select big.csv "$CSV_USE" "$OUT_CSV" \
  "SELECT COUNT(*), SUM(CAST(id AS INT)), SUM(CAST(v AS DOUBLE)), MIN(note), MAX(CAST(id AS INT)) FROM S3Object WHERE tag = 'y'"
python3 - out "$want" <<'EOF' || fail "big.csv aggregates: got $(cat out), DuckDB says $want"
import csv, sys
import json
got = next(csv.reader(open(sys.argv[1])))
want = [str(v) for v in json.loads(sys.argv[2])]
assert got[0] == want[0] and got[1] == want[1] and got[3] == want[3] and got[4] == want[4], (got, want)
assert abs(float(got[2]) - float(want[2])) <= 1e-9 * abs(float(want[2])), (got, want)
EOF
run_select big.csv "$CSV_USE" "$OUT_CSV" "SELECT id, note FROM S3Object WHERE tag = 'x' AND CAST(id AS INT) >= 590000"
python3 - out <<'EOF' || fail "big.csv rows differ from the hand-computed ones"
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
want = [[str(i), f"a, {i % 97}" if i % 10 == 0 else f"n{i % 13}"] for i in range(590000, 600000) if i % 3 == 0]
assert rows == want, (rows[:3], want[:3], len(rows), len(want))
EOF
run_select big.csv "$CSV_USE" "$OUT_JSON" "SELECT * FROM S3Object"
[[ "$(wc -l <out)" == 600000 ]] || fail "SELECT * on big.csv returned $(wc -l <out) records"
check "a 12.5 MB CSV uploaded in parts: aggregates equal DuckDB's, rows as computed, 600,000 records stream whole"

# ------------------------------------------------------------------ Parquet
run_select p.parquet "$PARQUET" "$OUT_CSV" "SELECT id, ke FROM S3Object WHERE ke > 2.5"
cmp -s out particles_rows.csv || fail "particle rows differ from strata query's: $(diff out particles_rows.csv | head -5)"
want="$(duckdb "SELECT COUNT(*), SUM(id), MIN(id) FROM read_parquet('$WORK/p.parquet') WHERE ke > 1.0" |
  jget '",".join(str(x) for x in d["rows"][0])')"
run_select p.parquet "$PARQUET" "$OUT_CSV" "SELECT COUNT(*), SUM(s.id), MIN(s.id) FROM S3Object s WHERE s.ke > 1.0"
[[ "$(cat out)" == "$want" ]] || fail "particle aggregates: got $(cat out), DuckDB says $want"
grep "select on data/p.parquet" server.log | tail -1 | grep "pushdown" >/dev/null ||
  fail "the aligned table was not scanned on the nodes: $(grep 'select on data/p.parquet' server.log | tail -1)"
check "aligned Parquet (pushdown): rows equal strata query's, aggregates equal DuckDB's"

want="$(duckdb "SELECT COUNT(*), SUM(i), COUNT(s), MAX(d) FROM read_parquet('$WORK/duck.parquet') WHERE d > 1000.5" |
  jget '",".join(str(x) for x in d["rows"][0])')"
run_select duck.parquet "$PARQUET" "$OUT_CSV" "SELECT COUNT(*), SUM(i), COUNT(s), MAX(d) FROM S3Object WHERE d > 1000.5"
[[ "$(cat out)" == "$want" ]] || fail "duck.parquet aggregates: got $(cat out), DuckDB says $want"
run_select duck.parquet "$PARQUET" "$OUT_JSON" "SELECT i, s, d FROM S3Object WHERE i < 3 OR i = 299999"
expect_out '{"i":0,"s":null,"d":0}\n{"i":1,"s":"n1","d":0.25}\n{"i":2,"s":"n2","d":0.5}\n{"i":299999,"s":"n0","d":74999.75}\n' \
  "duck.parquet rows as JSON"
grep "select on data/duck.parquet" server.log | tail -1 | grep "not aligned" >/dev/null ||
  fail "duck.parquet should be scanned at the gateway: $(grep 'select on data/duck.parquet' server.log | tail -1)"
check "Parquet written by DuckDB (not aligned, scanned at the gateway): aggregates equal DuckDB's, rows as JSON"

# ------------------------------------------------------------------ the raw event stream
raw() { /usr/bin/python3 "$CLIENT" "$@"; }
cat >events.py <<'EOF'
# events.py FILE: decodes the response s3_client.py saved, with botocore's
# event stream decoder (which checks both CRCs), one line per message.
import sys
sys.path.insert(0, "/usr/lib/python3/dist-packages/awscli")
from botocore.eventstream import EventStreamBuffer
data = open(sys.argv[1], "rb").read()
status, _, rest = data.partition(b"\n")
headers, _, body = rest.partition(b"\n\n")
print("status", status.decode())
buffer = EventStreamBuffer()
buffer.add_data(body)
records = 0
for message in buffer:
    h = message.headers
    if h.get(":message-type") == "error":
        print("error", h[":error-code"], h[":error-message"])
    elif h[":event-type"] == "Records":
        records += len(message.payload)
        print("Records", len(message.payload))
    else:
        print(h[":event-type"], message.payload.decode().replace("\n", ""))
print("records-bytes", records)
EOF
select_xml() {  # select_xml KEY SQL INPUT-XML [PROGRESS]
  cat <<XML
<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Expression>$2</Expression><ExpressionType>SQL</ExpressionType><InputSerialization>$3</InputSerialization><OutputSerialization><CSV/></OutputSerialization><RequestProgress><Enabled>${4:-false}</Enabled></RequestProgress></SelectObjectContentRequest>
XML
}
select_xml big.csv "SELECT id FROM S3Object WHERE tag = 'z'" "<CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV>" true >req.xml
raw request POST "/data/big.csv?select&select-type=2" --body req.xml >resp || fail "raw select request failed"
python3 events.py resp >events || fail "botocore cannot decode the event stream: $(head -c 300 resp)"
grep "^status 200" events >/dev/null || fail "raw select: $(head -3 events)"
grep "^Progress <?xml" events >/dev/null || fail "no Progress message: $(grep -v Records events | head)"
[[ "$(tail -2 events | head -1)" == End* ]] || fail "the stream does not end with End: $(tail -3 events)"
python3 - events "$(stat -c %s big.csv)" <<'EOF' || fail "Stats disagree with the records: $(grep -v '^Records' events)"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
stats = [l for l in lines if l.startswith("Stats ")]
assert len(stats) == 1, stats
returned = int(re.search(r"<BytesReturned>(\d+)</BytesReturned>", stats[0]).group(1))
scanned = int(re.search(r"<BytesScanned>(\d+)</BytesScanned>", stats[0]).group(1))
total = int(lines[-1].split()[1])
assert returned == total and total > 0, (returned, total)
assert scanned == int(sys.argv[2]), (scanned, sys.argv[2])
EOF
check "raw stream decoded by botocore: Records, Progress, one Stats (bytes returned = records sent), End last"

# A CAST that fails after rows went out: an error message ends the stream, no End.
python3 - <<'EOF'
with open("late.csv", "w") as f:
    for i in range(150000):
        f.write(f"{i},{'oops' if i == 140000 else i}\n")
EOF
aws s3 cp late.csv s3://data/late.csv >/dev/null
select_xml late.csv "SELECT _1 FROM S3Object WHERE CAST(_2 AS INT) &gt;= 0" "<CSV/>" >req.xml
raw request POST "/data/late.csv?select&select-type=2" --body req.xml >resp || fail "raw select request failed"
python3 events.py resp >events || fail "botocore cannot decode the failed stream"
grep "^Records" events >/dev/null || fail "no records before the failure: $(head events)"
grep "^error CastFailed .*line 140001.*cannot cast 'oops'" events >/dev/null || fail "no CastFailed message: $(grep -v Records events)"
grep "^End" events >/dev/null && fail "a failed stream ended with End"
expect_fail_with 254 "CastFailed" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api select-object-content \
  --bucket data --key late.csv --input-serialization "$CSV_NONE" --output-serialization "$OUT_CSV" \
  --expression "SELECT _1 FROM S3Object WHERE CAST(_2 AS INT) >= 0" --expression-type SQL out
check "a failure mid-stream is an error message (CastFailed, naming line 140001) and no End; the CLI fails"

# ------------------------------------------------------------------ errors
fails() {  # fails CODE TEXT KEY INPUT SQL
  expect_fail_with 254 "$2" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api select-object-content \
    --bucket data --key "$3" --input-serialization "$4" --output-serialization "$OUT_CSV" --expression "$5" \
    --expression-type SQL out
  [[ "$LAST_STDERR" == *"$1"* ]] || fail "expected $1 in: $LAST_STDERR"
}
fails ParseUnexpectedToken "query at column 10" people.csv "$CSV_USE" "SELECT * FORM S3Object"
fails EvaluatorBindingDoesNotExist "unknown column 'nmae'" people.csv "$CSV_USE" "SELECT nmae FROM S3Object"
fails EvaluatorBindingDoesNotExist "unknown column 'kee'" p.parquet "$PARQUET" "SELECT kee FROM S3Object"
fails InvalidQuery "FROM S3Object" p.parquet "$PARQUET" "SELECT id FROM data/p.parquet"
fails InvalidQuery "cannot compare" people.csv "$CSV_USE" "SELECT name FROM S3Object WHERE age > 4"
fails NoSuchKey "no object nothing.csv" nothing.csv "$CSV_USE" "SELECT * FROM S3Object"
fails NotImplemented "JSON input is not supported" people.csv '{"JSON": {"Type": "LINES"}}' "SELECT * FROM S3Object"
fails NotImplemented "GZIP" people.csv '{"CSV": {}, "CompressionType": "GZIP"}' "SELECT * FROM S3Object"
fails ParquetParsingError "not a Parquet file" people.csv "$PARQUET" "SELECT * FROM S3Object"
check "errors: syntax (400 with the position), unknown columns, FROM other than S3Object, types, NoSuchKey, JSON and GZIP input, not Parquet"

select_xml people.csv "SELECT * FROM S3Object" "<CSV/>" >req.xml
out="$(raw request POST "/data/people.csv?select&select-type=2" --body req.xml --unsigned)"
[[ "$(head -1 <<<"$out")" == 403 ]] || fail "unsigned select answered $(head -1 <<<"$out")"
[[ "$out" == *"<Code>AccessDenied</Code>"* ]] || fail "unsigned select: $out"
printf '<SelectObjectContentRequest><Expression>SELECT' >bad.xml
out="$(raw request POST "/data/people.csv?select&select-type=2" --body bad.xml)"
[[ "$(head -1 <<<"$out")" == 400 && "$out" == *"<Code>MalformedXML</Code>"* ]] || fail "malformed XML: $out"
sed 's/<ExpressionType>SQL/<ExpressionType>PartiQL/' req.xml >type.xml
out="$(raw request POST "/data/people.csv?select&select-type=2" --body type.xml)"
[[ "$(head -1 <<<"$out")" == 400 && "$out" == *"<Code>InvalidExpressionType</Code>"* ]] || fail "expression type: $out"
check "unsigned requests 403 AccessDenied; malformed XML 400 MalformedXML; ExpressionType other than SQL 400"

stop_server
finish_test
