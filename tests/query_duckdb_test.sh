#!/usr/bin/env bash
# `strata query` against DuckDB on the same data. Particle tables (cell order,
# random order, and both under one prefix) answer a battery of queries, with
# pushdown and with --no-pushdown, exactly as DuckDB answers them on the
# exported files; so do tables that DuckDB wrote (NULLs, strings, booleans,
# int32, double; dictionary, ZSTD, SNAPPY, several row groups, v2 pages with
# delta encodings; and a CSV) once ingested. Bad SQL, unknown columns and
# tables, type mismatches, truncated or foreign Parquet and ragged CSV are
# refused with a clear message and change nothing. JSON and Parquet outputs
# equal the CSV output. Finally two of the six drives are deleted and every
# query answers as before.
#
# Comparisons: counts and integer sums exactly; AVG and SUM of floating point
# within a relative 1e-9; every other float after rounding both sides to
# float32 (DuckDB prints a FLOAT widened to double); rows as multisets. A
# query that disagrees prints "not ok" with both answers and the test goes on
# (so one run shows every disagreement); it fails at the end.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DUCKDB_JS="$(dirname "$(realpath "${BASH_SOURCE[0]}")")/js/duckdb_query.mjs"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }
# duckdb SQL: DuckDB's answer to the last statement, as JSON on stdout.
duckdb() { node "$DUCKDB_JS" "$1"; }

FAILED=0
# fail_later MESSAGE: a failed check that does not stop the test.
fail_later() {
  FAILED=$((FAILED + 1))
  echo "not ok - $*"
}
# lib.sh's fail, counting the failures reported so far.
fail() {
  echo "not ok - $*"
  echo "$PASSED passed, $((FAILED + 1)) failed"
  exit 1
}

# ------------------------------------------------------------------ compare.py
# compare.py MANIFEST: each line of MANIFEST (tab-separated) is one comparison
#   GROUP  TITLE  MODE  EXPECTED  ACTUAL  LABEL
# MODE is agg, rows, or limit:N. EXPECTED and ACTUAL name a result:
#   csv:PATH, json:PATH   Strata's output (PATH.rc and PATH.err, when there,
#                         hold its exit status and standard error)
#   duck:PATH#KEY         column KEY of a batched DuckDB answer: a list of
#                         row structs (see duck_batch)
#   duckrows:PATH         a plain DuckDB answer {"columns","rows"}
# Prints one "ok - TITLE ..." or "not ok - TITLE ..." per group, the latter
# followed by every failed comparison and both answers of the first; "END"
# last.
cat > compare.py <<'PYTHON'
import collections, csv, io, json, os, re, struct, sys

INT_TEXT = re.compile(r'-?[0-9]+\Z')
SHOW = 6  # rows shown on each side of a disagreement


def f32(v):
    try:
        return struct.unpack('f', struct.pack('f', v))[0]
    except OverflowError:
        return v


def csv_field(text):
    if text == '':
        return None  # NULL (CSV cannot tell it from an empty string)
    if INT_TEXT.match(text):
        return int(text)
    if text in ('true', 'false'):
        return text == 'true'
    try:
        return float(text)
    except ValueError:
        return text


def norm(v, empty_is_null=False):
    """A value as rows are compared: floats rounded to float32; booleans kept
    apart from 0 and 1."""
    if isinstance(v, bool):
        return ('bool', v)
    if isinstance(v, float):
        return f32(v)
    if empty_is_null and v == '':
        return None
    return v


class Result:
    def __init__(self, names=None, rows=None, error=None):
        self.names, self.rows, self.error = names, rows or [], error


def load(spec):
    kind, _, where = spec.partition(':')
    path = where.partition('#')[0]
    rc = open(path + '.rc').read().strip() if os.path.exists(path + '.rc') else '0'
    if rc != '0':
        err = open(path + '.err').read().strip() if os.path.exists(path + '.err') else ''
        return Result(error=f'exit {rc}: {err}')
    if kind in ('csv', 'json'):
        text = open(where, encoding='utf-8').read()
        if kind == 'json':
            names, rows = None, []
            for n, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as e:
                    return Result(error=f'JSON line {n} does not parse ({e}): {line[:200]}')
                if names is None:
                    names = list(obj)
                rows.append(list(obj.values()))
            return Result(names, rows)
        table = list(csv.reader(io.StringIO(text)))
        if not table:
            return Result(error='no output at all (not even a header)')
        return Result(table[0], [[csv_field(t) for t in r] for r in table[1:]])
    if kind == 'duck':
        path, _, key = where.partition('#')
        doc = json.load(open(path))
        value = doc['rows'][0][doc['columns'].index(key)]
        structs = value or []
        names = list(structs[0]) if structs else None
        return Result(names, [list(s.values()) for s in structs])
    if kind == 'duckrows':
        doc = json.load(open(where))
        return Result(doc['columns'], doc['rows'])
    raise SystemExit(f'compare.py: unknown result kind in {spec}')


def show(result, limit=SHOW):
    lines = [','.join(result.names or [])] if result.names else []
    lines += [json.dumps(r) for r in result.rows[:limit]]
    if len(result.rows) > limit:
        lines.append(f'... ({len(result.rows)} rows)')
    return lines


def close(a, b):
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def compare_agg(expected, actual):
    if len(actual.rows) != 1 or len(expected.rows) != 1:
        return f'{len(actual.rows)} rows, DuckDB {len(expected.rows)} (expected one each)'
    names = actual.names or expected.names
    e, a = expected.rows[0], actual.rows[0]
    if len(e) != len(a):
        return f'{len(a)} columns, DuckDB {len(e)}'
    bad = []
    for name, d, s in zip(names, e, a):
        lname = name.lower()
        if d is None or s is None or isinstance(d, (bool, str)) or isinstance(s, (bool, str)):
            same = norm(d) == norm(s) and type(d) is type(s) if d is not None else s is None
        elif lname.startswith('avg(') or (lname.startswith('sum(') and (isinstance(d, float) or isinstance(s, float))):
            same = close(float(d), float(s))
        elif isinstance(d, int) and isinstance(s, int):
            same = d == s
        else:
            same = f32(float(d)) == f32(float(s))
        if not same:
            bad.append(f'{name}: strata {s!r}, DuckDB {d!r}')
    return '; '.join(bad) or None


def multiset(rows, empty_is_null):
    return collections.Counter(tuple(norm(v, empty_is_null) for v in r) for r in rows)


def compare_rows(expected, actual, limit=None, empty_is_null=False):
    if expected.rows and actual.rows and len(expected.rows[0]) != len(actual.rows[0]):
        return f'{len(actual.rows[0])} columns, DuckDB {len(expected.rows[0])}'
    e, a = multiset(expected.rows, empty_is_null), multiset(actual.rows, empty_is_null)
    if limit is None:
        if e == a:
            return None
        extra, missing = a - e, e - a
        msg = f'{len(actual.rows)} rows, DuckDB {len(expected.rows)}'
        if extra:
            msg += f'; only in strata ({sum(extra.values())}): ' + ' '.join(json.dumps(list(r)) for r in list(extra)[:SHOW])
        if missing:
            msg += f'; only in DuckDB ({sum(missing.values())}): ' + ' '.join(json.dumps(list(r)) for r in list(missing)[:SHOW])
        return msg
    want = min(limit, len(expected.rows))
    if len(actual.rows) != want:
        return f'LIMIT {limit}: {len(actual.rows)} rows, expected {want} ({len(expected.rows)} match without LIMIT)'
    extra = a - e
    if extra:
        return f'LIMIT {limit}: rows that do not satisfy the query: ' + ' '.join(json.dumps(list(r)) for r in list(extra)[:SHOW])
    return None


def main():
    groups = collections.OrderedDict()
    for line in open(sys.argv[1], encoding='utf-8'):
        group, title, mode, expected, actual, label = line.rstrip('\n').split('\t')
        groups.setdefault(group, (title, []))[1].append((mode, expected, actual, label))
    for group, (title, checks) in groups.items():
        failures, counts = [], collections.OrderedDict()
        for mode, expected_spec, actual_spec, label in checks:
            expected, actual = load(expected_spec), load(actual_spec)
            if expected.error:
                problem = f'the reference failed: {expected.error}'
            elif actual.error:
                problem = actual.error
            elif mode == 'agg':
                problem = compare_agg(expected, actual)
            elif mode.startswith('limit:'):
                problem = compare_rows(expected, actual, limit=int(mode[6:]))
            elif mode == 'rows_csv_nulls':  # a CSV output: '' and NULL are one
                problem = compare_rows(expected, actual, empty_is_null=True)
            else:
                problem = compare_rows(expected, actual)
            where = label.split(' ')[0]
            counts.setdefault(where, len(actual.rows))
            if problem:
                failures.append((label, problem, expected, actual))
        if not failures:
            what = ', '.join(f'{w} {n} row{"s" if n != 1 else ""}' for w, n in counts.items())
            print(f'ok - {title} [{what}]')
            continue
        labels = ', '.join(label.split(':')[0] for label, _, _, _ in failures)
        print(f'not ok - {title}: wrong on {labels}')
        for label, problem, _, _ in failures:
            print(f'#   {label}: {problem[:700]}')
        label, problem, expected, actual = failures[0]
        print(f'#   {label.split(":")[0]}, strata:')
        print('\n'.join('#     ' + line for line in show(actual)) or '#     (no rows)')
        print(f'#   DuckDB:')
        print('\n'.join('#     ' + line for line in show(expected)) or '#     (no rows)')
    print('END')


main()
PYTHON

# run_compare MANIFEST: runs compare.py and tallies its ok / not ok lines.
run_compare() {
  local line ended=0
  while IFS= read -r line; do
    case "$line" in
      "ok - "*) PASSED=$((PASSED + 1)); echo "$line" ;;
      "not ok - "*) FAILED=$((FAILED + 1)); echo "$line" ;;
      END) ended=1 ;;
      *) echo "$line" ;;
    esac
  done < <(python3 compare.py "$1" 2>&1)
  [[ $ended == 1 ]] || fail "compare.py did not finish on $1"
}

# A battery is an array of "KEY|MODE|SQL[|DUCKDB_SQL]" with {T} where the
# table goes; MODE is agg, rows, or limit:N (Strata runs SQL LIMIT N, DuckDB
# runs SQL and the rows must be N of its rows). DUCKDB_SQL, when given, is what
# DuckDB runs instead of SQL.
battery_sql() { # ENTRY -> KEY MODE SQL DUCK_SQL in globals
  KEY="${1%%|*}"
  local rest="${1#*|}"
  MODE="${rest%%|*}"
  SQL="${rest#*|}"
  DUCK_SQL="$SQL"
  if [[ "$SQL" == *"|"* ]]; then
    DUCK_SQL="${SQL#*|}"
    SQL="${SQL%%|*}"
  fi
}

# duck_batch BATTERY_ARRAY SOURCE OUT: DuckDB answers every query of the
# battery over SOURCE (a FROM clause) in one run; column KEY of OUT holds the
# rows of query KEY as a list of structs.
duck_batch() {
  local -n queries="$1"
  local source="$2" out="$3" entry select=""
  for entry in "${queries[@]}"; do
    battery_sql "$entry"
    select+="${select:+, }(SELECT list(r) FROM (${DUCK_SQL//\{T\}/$source}) r) AS \"$KEY\""
  done
  duckdb "SELECT $select" > "$out" || fail "DuckDB could not answer the battery $1 over $source"
}

# strata_run FILE FORMAT SQL [OPTIONS...]: Strata's answer in FILE, its exit
# status in FILE.rc and its standard error in FILE.err.
strata_run() {
  local file="$1" format="$2" sql="$3" rc=0
  shift 3
  strata query "$sql" --format "$format" "$@" > "$file" 2> "$file.err" || rc=$?
  echo "$rc" > "$file.rc"
}

# strata_battery PHASE BATTERY_ARRAY FORMAT MANIFEST LABEL TABLE DUCK_JSON:
# runs every query of the battery on TABLE with pushdown and without, and adds
# the comparisons with DuckDB's answers in DUCK_JSON to MANIFEST.
strata_battery() {
  local phase="$1" format="$3" manifest="$4" label="$5" table="$6" duck_json="$7" entry sql path dir
  local -n queries="$2"
  dir="out/$phase/$label"
  mkdir -p "$dir"
  for entry in "${queries[@]}"; do
    battery_sql "$entry"
    sql="${SQL//\{T\}/$table}"
    [[ $MODE == limit:* ]] && sql+=" LIMIT ${MODE#limit:}"
    for path in pushdown no-pushdown; do
      if [[ $path == pushdown ]]; then
        strata_run "$dir/$KEY.$path.$format" "$format" "$sql"
      else
        strata_run "$dir/$KEY.$path.$format" "$format" "$sql" --no-pushdown
      fi
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$phase/$2/$KEY" "$phase, pushdown and --no-pushdown = DuckDB: ${SQL//\{T\}/T}" "$MODE" \
        "duck:$duck_json#$KEY" "$format:$dir/$KEY.$path.$format" "$label ($path): $sql" >> "$manifest"
    done
  done
}

# =================================================================== particles
strata init --drives 6 --code 4+2 >/dev/null  # one 4+2 tier: the drive-loss checks below count on it
strata mb parts
count=400000
strata gen particles parts/all/cell.parquet --count $count --seed 11 --order cell
strata gen particles parts/all/rand.parquet --count $count --seed 12 --order random
strata get parts/all/cell.parquet cell.parquet
strata get parts/all/rand.parquet rand.parquet
strata gen particles cell.local.parquet --file --count $count --seed 11 --order cell
cmp -s cell.parquet cell.local.parquet || fail "gen particles --file and the exported object differ (same seed)"
n=$(duckdb "SELECT (SELECT COUNT(*) FROM read_parquet('$WORK/cell.parquet')) + (SELECT COUNT(*) FROM read_parquet('$WORK/rand.parquet'))" | jget 'd["rows"][0][0]')
[[ "$n" == $((2 * count)) ]] || fail "DuckDB reads $n rows from the two exported tables, expected $((2 * count))"
check "two particle tables of $count rows (cell and random order) under parts/all/, exported; DuckDB reads them"

# The value Strata prints for one particle's ke, to be used as a literal.
ke_of() { strata query "SELECT ke FROM parts/all/$1 WHERE id = 31337" | sed -n 2p; }
ke_cell=$(ke_of cell.parquet)
ke_rand=$(ke_of rand.parquet)
[[ -n "$ke_cell" && -n "$ke_rand" ]] || fail "no particle with id 31337"

particle_battery=(
  "ke03|rows|SELECT * FROM {T} WHERE ke > 0.3"
  "ke1|rows|SELECT id, ke, x FROM {T} WHERE ke > 1.0"
  "ke2|rows|SELECT id, ke FROM {T} WHERE ke > 2.0"
  "ke3|agg|SELECT COUNT(*), SUM(id), MIN(ke), MAX(ke), AVG(ke), SUM(ke) FROM {T} WHERE ke > 3.0"
  "ke37|rows|SELECT * FROM {T} WHERE ke > 3.7"
  "ke37agg|agg|SELECT COUNT(*), COUNT(ke), SUM(ke), MIN(x), MAX(id), AVG(ke) FROM {T} WHERE ke > 3.7"
  "box|rows|SELECT * FROM {T} WHERE ke > 0.5 AND x < 0.1 AND y BETWEEN 0.2 AND 0.3"
  "aggs|agg|SELECT COUNT(*), COUNT(ke), AVG(ke), SUM(ke), MIN(x), MAX(x), MIN(ke), MAX(ke), SUM(id), AVG(id), MIN(id), MAX(id) FROM {T}"
  "aggwhere|agg|SELECT COUNT(*), AVG(x), SUM(z), MIN(y), MAX(z), SUM(id) FROM {T} WHERE x < 0.25 AND z > 0.5"
  "in|rows|SELECT * FROM {T} WHERE id IN (0, 1, 7, 4242, 123456, 299999, 399999, 400000, 987654)"
  "notin|agg|SELECT COUNT(*), SUM(id) FROM {T} WHERE id NOT IN (3, 5, 8, 13, 21, 34, 55)"
  "notbetween|agg|SELECT COUNT(*), SUM(id), AVG(ke), MAX(x) FROM {T} WHERE x NOT BETWEEN 0.01 AND 0.99"
  "notbetweenrows|rows|SELECT id, x, y FROM {T} WHERE x NOT BETWEEN 0.0005 AND 0.9995"
  "or|rows|SELECT * FROM {T} WHERE ke > 2.5 OR (x < 0.01 AND y < 0.01)"
  "not|agg|SELECT COUNT(*), SUM(id) FROM {T} WHERE NOT (ke < 1.0 OR x > 0.5)"
  "ne|agg|SELECT COUNT(*), SUM(id) FROM {T} WHERE id % 7 != 0 AND id % 11 <> 0 AND ke <= 0.05 AND ke >= 0.01"
  "mulwhere|agg|SELECT COUNT(*), SUM(id), AVG(ke) FROM {T} WHERE ke * 2 > 1.5"
  "addwhere|rows|SELECT id, x, y, x + y FROM {T} WHERE x + y < 0.02"
  "mod|agg|SELECT COUNT(*), SUM(id), MIN(id), MAX(id) FROM {T} WHERE id % 1000 = 7"
  "arith|rows|SELECT id, id % 1000, id * 3 - 1, ke * 2, x * y, ke / 2, id / 8 FROM {T} WHERE id % 1000 = 7 AND ke > 0.05"
  # Strata computes FLOAT arithmetic in DOUBLE, DuckDB in FLOAT: for one
  # operation the two agree after rounding to float32, for two they need not.
  "arith2|rows|SELECT id, x * y + z, (x + y + z) / 3 FROM {T} WHERE id % 997 = 1|SELECT id, CAST(x AS DOUBLE) * y + z, (CAST(x AS DOUBLE) + y + z) / 3 FROM {T} WHERE id % 997 = 1"
  "negate|rows|SELECT id, -ke FROM {T} WHERE -ke < -3.3"
  "cast|rows|SELECT id, CAST(ke * 100 AS BIGINT), CAST(id AS DOUBLE) / 2 FROM {T} WHERE ke > 1.5"
  "castwhere|agg|SELECT COUNT(*), SUM(id) FROM {T} WHERE CAST(id AS DOUBLE) / 4 < 1000.3"
  "limit|limit:25|SELECT id, ke FROM {T} WHERE ke > 0.3"
  "limitbig|limit:1000|SELECT * FROM {T} WHERE ke > 3.0"
  "limit0|limit:0|SELECT id FROM {T} WHERE ke > 1.0"
  "agglimit0|rows|SELECT COUNT(*), MAX(ke) FROM {T} WHERE ke > 3.0 LIMIT 0"
  "star|rows|SELECT * FROM {T} WHERE id BETWEEN 20000 AND 20150"
  "ideq|rows|SELECT * FROM {T} WHERE id = 31337"
  "keeq|rows|SELECT id, ke FROM {T} WHERE ke = $ke_cell OR ke = $ke_rand"
  "countall|agg|SELECT COUNT(*) FROM {T}"
  "pruneall|agg|SELECT COUNT(*), MAX(ke), SUM(id) FROM {T} WHERE ke > 100"
  "pruneallrows|rows|SELECT * FROM {T} WHERE x > 1.5 OR ke < 0"
)
particle_tables=(
  "cell|parts/all/cell.parquet|read_parquet('$WORK/cell.parquet')"
  "random|parts/all/rand.parquet|read_parquet('$WORK/rand.parquet')"
  "prefix|parts/all/|read_parquet(['$WORK/cell.parquet', '$WORK/rand.parquet'])"
)
mkdir -p duck out
for t in "${particle_tables[@]}"; do
  IFS='|' read -r label table source <<< "$t"
  duck_batch particle_battery "$source" "duck/particles.$label.json"
done
check "DuckDB answered ${#particle_battery[@]} queries on each of cell, random and the prefix"

# particle_phase PHASE: the particle battery on the three tables, compared.
particle_phase() {
  local t label table source
  : > "out/$1.particles.manifest"
  for t in "${particle_tables[@]}"; do
    IFS='|' read -r label table source <<< "$t"
    strata_battery "$1" particle_battery csv "out/$1.particles.manifest" "$label" "$table" "duck/particles.$label.json"
  done
  run_compare "out/$1.particles.manifest"
}
particle_phase intact

# A query that prunes every row group scans none.
explain=$(strata query "SELECT COUNT(*) FROM parts/all/cell.parquet WHERE ke > 100" --explain)
if [[ "$explain" =~ ([0-9]+)\ row\ groups,\ ([0-9]+)\ pruned && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && ${BASH_REMATCH[1]} -gt 1 ]]; then
  check "ke > 100: --explain prunes all ${BASH_REMATCH[1]} row groups by statistics"
else
  fail_later "ke > 100: --explain does not prune every row group: $explain"
fi
"$STRATA" --store "$STORE" query "SELECT COUNT(*) FROM parts/all/cell.parquet WHERE ke > 100" 2> summary.err > /dev/null
if grep -E ' pruned, 0 scanned; rows: 0 scanned' summary.err > /dev/null; then
  check "ke > 100: the summary shows 0 row groups and 0 rows scanned"
else
  fail_later "ke > 100: the summary does not show a scan of nothing: $(cat summary.err)"
fi

# ===================================================================== ingest
# One table with every feature, written by DuckDB five ways.
duckdb "CREATE TABLE t AS SELECT
    i::INTEGER AS i32,
    i::BIGINT * 1000003 - 2000000000 AS i64,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i * 0.37 - 5000.5 END::DOUBLE AS d,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 'name_' || (i % 13) END AS s,
    CASE WHEN i % 17 = 0 THEN NULL ELSE 'row-' || i END AS u,
    CASE WHEN i % 13 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
    CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 100)::FLOAT / 8 END AS f
  FROM range(60000) r(i);
  COPY t TO '$WORK/mix_zstd.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 10000);
  COPY t TO '$WORK/mix_snappy.parquet' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 7000);
  COPY t TO '$WORK/mix_plain.parquet' (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 25000);
  COPY t TO '$WORK/mix.csv' (FORMAT csv, HEADER);
  SELECT 1" > /dev/null || fail "DuckDB could not write the mixed tables"
mix_files=(mix_zstd mix_snappy mix_plain)
if duckdb "COPY (FROM read_parquet('$WORK/mix_zstd.parquet')) TO '$WORK/mix_v2.parquet' (FORMAT parquet, PARQUET_VERSION V2, ROW_GROUP_SIZE 8192); SELECT 1" > /dev/null; then
  mix_files+=(mix_v2)
else
  echo "# DuckDB cannot write PARQUET_VERSION V2: v2 pages not tested"
fi
# What the files hold, by DuckDB's own account.
features=$(duckdb "SELECT file_name, COUNT(DISTINCT row_group_id), string_agg(DISTINCT compression, ' '), string_agg(DISTINCT encodings, ' ')
  FROM parquet_metadata([$(printf "'$WORK/%s.parquet'," "${mix_files[@]}")]) GROUP BY file_name ORDER BY file_name")
python3 - "$features" <<'PYTHON' || fail "the Parquet files DuckDB wrote lack a feature under test: $features"
import json, os, sys
want = {'mix_zstd': ('ZSTD', 'DICTIONARY'), 'mix_snappy': ('SNAPPY', 'DICTIONARY'),
        'mix_plain': ('UNCOMPRESSED', 'DICTIONARY'),
        'mix_v2': ('SNAPPY', 'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'BYTE_STREAM_SPLIT')}
for name, groups, codecs, encodings in json.loads(sys.argv[1])['rows']:
    base = os.path.basename(name).removesuffix('.parquet')
    assert groups >= 2, (name, groups)
    for w in want[base]:
        assert w in codecs or w in encodings, (name, w, codecs, encodings)
    print(f'# {base}: {groups} row groups; {codecs}; {encodings}')
PYTHON
check "DuckDB wrote 60000 rows with NULLs, VARCHAR, BOOLEAN, INTEGER, DOUBLE, FLOAT as ${mix_files[*]} (several row groups each) and mix.csv"

strata mb tabs
mix_tables=()
for f in "${mix_files[@]}"; do
  strata ingest table "$f.parquet" "tabs/$f.parquet" || fail "ingest table $f.parquet exited $?"
  mix_tables+=("$f|tabs/$f.parquet|read_parquet('$WORK/$f.parquet')")
done
strata ingest table mix.csv tabs/mix_csv.parquet || fail "ingest table mix.csv exited $?"
mix_tables+=("mix_csv|tabs/mix_csv.parquet|read_csv('$WORK/mix.csv')")
check "ingested ${mix_files[*]} and mix.csv"

mix_battery=(
  "counts|agg|SELECT COUNT(*), COUNT(i32), COUNT(i64), COUNT(d), COUNT(s), COUNT(u), COUNT(b), COUNT(f) FROM {T}"
  "sums|agg|SELECT SUM(i32), SUM(i64), MIN(i64), MAX(i64), AVG(i32), AVG(d), SUM(d), MIN(d), MAX(d), MIN(f), MAX(f), SUM(f) FROM {T}"
  "strminmax|agg|SELECT MIN(s), MAX(s), MIN(u), MAX(u) FROM {T}"
  "isnull|agg|SELECT COUNT(*), SUM(i32) FROM {T} WHERE s IS NULL"
  "isnotnull|agg|SELECT COUNT(*), SUM(i64), AVG(d) FROM {T} WHERE d IS NOT NULL AND f IS NOT NULL"
  "nullrows|rows|SELECT i32, s, d, b FROM {T} WHERE s IS NULL AND i32 < 300"
  "streq|rows|SELECT i32, s, u FROM {T} WHERE s = 'name_3' AND i32 < 2000"
  "strin|rows|SELECT i32, i64, s FROM {T} WHERE s IN ('name_1', 'name_12', 'nope') AND i32 BETWEEN 100 AND 900"
  "strne|agg|SELECT COUNT(*), COUNT(s) FROM {T} WHERE s != 'name_3'"
  "strnot|agg|SELECT COUNT(*) FROM {T} WHERE NOT (s = 'name_3')"
  "ueq|rows|SELECT * FROM {T} WHERE u = 'row-4242'"
  "bool|agg|SELECT COUNT(*), SUM(i32) FROM {T} WHERE b"
  "boolnot|agg|SELECT COUNT(*), SUM(i32) FROM {T} WHERE NOT b"
  "boolnull|agg|SELECT COUNT(*), SUM(i32) FROM {T} WHERE b IS NULL"
  "nullarith|rows|SELECT i32, d * 2, f + 1, i64 - i32 FROM {T} WHERE i32 BETWEEN 1000 AND 1060"
  "mixedwhere|agg|SELECT COUNT(*), SUM(i32), AVG(f) FROM {T} WHERE d > 100.5 AND f < 3 OR s = 'name_0'"
  "negative|rows|SELECT i32, i64, d FROM {T} WHERE i64 < -1990000000 AND d < -4996"
  "tail|rows|SELECT * FROM {T} WHERE i32 >= 59950"
)
for t in "${mix_tables[@]}"; do
  IFS='|' read -r label table source <<< "$t"
  duck_batch mix_battery "$source" "duck/mix.$label.json"
done

# mix_phase PHASE: the mixed battery on every ingested table, compared (JSON
# output, where NULL and '' differ).
mix_phase() {
  local t label table source
  : > "out/$1.mix.manifest"
  for t in "${mix_tables[@]}"; do
    IFS='|' read -r label table source <<< "$t"
    strata_battery "$1" mix_battery json "out/$1.mix.manifest" "$label" "$table" "duck/mix.$label.json"
  done
  run_compare "out/$1.mix.manifest"
}
mix_phase intact

# ===================================================================== errors
snapshot snap.before
# expect_error WHAT WORDS... -- COMMAND...: COMMAND fails (no crash) and its
# standard error holds every one of WORDS.
expect_error() {
  local what="$1" words=() word rc=0 err
  shift
  while [[ "$1" != "--" ]]; do words+=("$1"); shift; done
  shift
  "$@" > error.out 2> error.err || rc=$?
  err="$(cat error.err)"
  if [[ $rc == 0 || $rc -ge 128 ]]; then
    fail_later "$what: exited $rc (stderr: $err)"
    return
  fi
  for word in "${words[@]}"; do
    if [[ "$err" != *"$word"* ]]; then
      fail_later "$what: the message lacks '$word': $err"
      return
    fi
  done
  check "$what: exit $rc, '$(tail -1 error.err)'"
}
T=parts/all/cell.parquet
expect_error "misspelt SELECT" "column 1" "SELECT" "SELEC" -- strata query "SELEC * FROM $T"
expect_error "missing FROM" "FROM" "WHERE" -- strata query "SELECT * WHERE ke > 1"
expect_error "unterminated string" "unterminated string" -- strata query "SELECT id FROM $T WHERE ke = 'abc"
q="SELECT id FROM $T WHERE kee > 1"
rest="${q#*kee}"
col=$(( ${#q} - ${#rest} - 2 ))  # where 'kee' starts, from 1
expect_error "unknown column" "unknown column 'kee'" "column $col" -- strata query "$q"
expect_error "unknown column in SELECT" "unknown column 'energy'" "column 8" -- strata query "SELECT energy FROM $T"
expect_error "FLOAT compared with a string" "cannot compare" "FLOAT" "STRING" -- strata query "SELECT id FROM $T WHERE ke = 'abc'"
expect_error "VARCHAR compared with a number" "cannot compare" "STRING" -- strata query "SELECT i32 FROM tabs/mix_zstd.parquet WHERE s > 5"
expect_error "unknown table" "parts/nothere.parquet" -- strata query "SELECT * FROM parts/nothere.parquet"
expect_error "unknown bucket" "bucket 'nobucket' does not exist" -- strata query "SELECT * FROM nobucket/x.parquet"
head -c 30000 mix_zstd.parquet > truncated.parquet
expect_error "ingest of a truncated Parquet file" "truncated.parquet" "Parquet" -- strata ingest table truncated.parquet tabs/truncated.parquet
python3 -c 'import sys; d = open("mix_zstd.parquet", "rb").read(); open("holed.parquet", "wb").write(d[:4] + d[20004:])'
expect_error "ingest of a Parquet file with 20000 bytes cut out after its header" "holed.parquet" "row group" -- strata ingest table holed.parquet tabs/holed.parquet
head -c 200000 /dev/urandom > random.parquet
expect_error "ingest of random bytes named .parquet" "random.parquet" "not a Parquet file" -- strata ingest table random.parquet tabs/random.parquet
printf 'a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n' > ragged.csv
expect_error "ingest of a CSV with a short row" "ragged.csv" "line 4" -- strata ingest table ragged.csv tabs/ragged.parquet
printf 'a,b,c\n1,2,3\n4,5,6,7\n' > long.csv
expect_error "ingest of a CSV with a long row" "long.csv" "line 3" -- strata ingest table long.csv tabs/long.parquet
refused_unchanged "the bad queries and ingests"
out=$(strata query "SELECT COUNT(*), SUM(id) FROM parts/all/" 2>&1) || fail "the store no longer answers: $out"
want=$(jget '"count(*),sum(id)\n" + ",".join(str(x) for x in [d["rows"][0][0][0]["count_star()"], d["rows"][0][0][0]["sum(id)"]])' < <(
  duckdb "SELECT (SELECT list(r) FROM (SELECT COUNT(*), SUM(id) FROM read_parquet(['$WORK/cell.parquet', '$WORK/rand.parquet'])) r)"))
[[ "$out" == "$want" ]] || fail "after the errors: COUNT(*), SUM(id) over the prefix is '$out', DuckDB '$want'"
check "after the errors the store still answers (COUNT(*), SUM(id) over the prefix equal DuckDB's)"

# ===================================================================== formats
# Each query's CSV is the reference; its JSON and its Parquet (read by DuckDB)
# must hold the same rows, with the same column names.
format_queries=(
  "rows|parts/all/cell.parquet|SELECT id, x, ke, ke * 2, id % 7, id / 3 FROM parts/all/cell.parquet WHERE ke > 1.0"
  "agg|parts/all/|SELECT COUNT(*), AVG(ke), MIN(x), MAX(z), SUM(id) FROM parts/all/ WHERE ke > 0.5"
  "nullagg|parts/all/|SELECT COUNT(*), AVG(ke), MIN(x) FROM parts/all/ WHERE ke > 100"
  "empty|parts/all/rand.parquet|SELECT * FROM parts/all/rand.parquet WHERE ke > 100"
  "mixed|tabs/mix_zstd.parquet|SELECT * FROM tabs/mix_zstd.parquet WHERE i32 < 400 OR i32 > 59900"
)
: > out/formats.manifest
mkdir -p out/formats
for entry in "${format_queries[@]}"; do
  IFS='|' read -r key table sql <<< "$entry"
  base="out/formats/$key"
  strata_run "$base.csv" csv "$sql"
  strata_run "$base.json" json "$sql"
  strata_run "$base.pq.csv" parquet "$sql" -o "$WORK/$base.parquet"
  [[ -s "$base.pq.csv" ]] && fail_later "--format parquet -o wrote to stdout too: $(head -c 200 "$base.pq.csv")"
  if [[ -f "$base.parquet" ]]; then
    duckdb "SELECT * FROM read_parquet('$WORK/$base.parquet')" > "$base.parquet.json" || echo 1 > "$base.parquet.json.rc"
  else
    echo "--format parquet -o $base.parquet wrote no file" > "$base.parquet.json.err"; echo 1 > "$base.parquet.json.rc"
  fi
  mode=rows
  [[ $key == mixed ]] && mode=rows_csv_nulls
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "formats/$key" "formats: --format json equals the CSV: $sql" "$mode" "csv:$base.csv" "json:$base.json" "json" >> out/formats.manifest
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "formats/$key.pq" "formats: --format parquet -o, read by DuckDB, equals the CSV: $sql" "$mode" "csv:$base.csv" "duckrows:$base.parquet.json" "parquet" >> out/formats.manifest
  if [[ $key == mixed ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "formats/$key.pqjson" "formats: --format parquet -o, read by DuckDB, equals the JSON (NULL apart from ''): $sql" rows "json:$base.json" "duckrows:$base.parquet.json" "parquet" >> out/formats.manifest
  fi
  # Column names: the CSV header, the JSON keys and the Parquet columns agree.
  if [[ "$(cat "$base.csv.rc")" == 0 && -f "$base.parquet.json" ]]; then
    names=$(python3 - "$base.csv" "$base.json" "$base.parquet.json" <<'PYTHON'
import csv, json, sys
header = next(csv.reader(open(sys.argv[1])))
parquet = json.load(open(sys.argv[3]))['columns']
lines = [l for l in open(sys.argv[2]) if l.strip()]
keys = list(json.loads(lines[0])) if lines else header
print('same' if header == parquet == keys else f'CSV {header}, JSON {keys}, Parquet {parquet}')
PYTHON
)
    if [[ "$names" == same ]]; then
      check "formats: $key: CSV header, JSON keys and Parquet columns agree"
    else
      fail_later "formats: $key: column names differ: $names"
    fi
  fi
done
run_compare out/formats.manifest
rc=0
"$STRATA" --store "$STORE" query "SELECT id FROM parts/all/cell.parquet WHERE ke > 3" > stdout.txt 2> stderr.txt || rc=$?
if [[ $rc == 0 ]] && grep 'row groups:' stderr.txt > /dev/null && ! grep 'row groups' stdout.txt > /dev/null; then
  check "the summary line goes to standard error, not into the result"
else
  fail_later "summary line: exit $rc; stdout $(head -c 300 stdout.txt); stderr $(head -c 300 stderr.txt)"
fi

# ================================================================ drive loss
strata status --json > status.json
read -r lost1 lost2 < <(jget '" ".join(x["path"] for x in d["drives"] if x["name"] in ("d2", "d5"))' < status.json)
[[ "$lost1" == /* ]] || lost1="$STORE/$lost1"
[[ "$lost2" == /* ]] || lost2="$STORE/$lost2"
[[ -d "$lost1" && -d "$lost2" ]] || fail "drive directories of d2 and d5 not found: $lost1 $lost2"
blocks1=$(count_blocks "$lost1")
blocks2=$(count_blocks "$lost2")
(( blocks1 > 0 && blocks2 > 0 )) || fail "d2 or d5 holds no blocks ($blocks1, $blocks2): deleting them proves nothing"
rm -rf "$lost1" "$lost2"
[[ "$(strata status --json | jget 'd["drives_down"]')" == 2 ]] || fail "status does not show two drives down after deleting d2 and d5"
check "deleted drives d2 and d5 (two of six, holding $blocks1 and $blocks2 blocks); status shows two down"
particle_phase two-drives-lost
mix_phase two-drives-lost

if [[ $FAILED -gt 0 ]]; then
  echo "# $(basename "$0") took $((SECONDS - TEST_START)) s"
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi
finish_test
