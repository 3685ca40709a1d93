// DuckDB as a reference peer for query tests: runs SQL in an in-memory DuckDB
// and prints the last statement's result as one line of JSON,
//
//   {"columns":["a","b"],"rows":[[1,"x"],[2,null]]}
//
// so a test can compare Strata's answer with DuckDB's. Several statements may
// be given separated by ';' (for example a COPY ... TO 'f.parquet' and then a
// SELECT); they run in order and only the last one's result is printed.
//
//   node tests/js/duckdb_query.mjs [--json] "SQL"
//
// Numbers are printed so that nothing is lost on the way: integers of every
// width (BIGINT, HUGEINT, ...) and DECIMALs as their exact decimal digits,
// floating-point values as the shortest decimal that reads back as the same
// double (a FLOAT is widened to double first), NaN and infinities as the
// strings "NaN", "Infinity", "-Infinity" (JSON has no spelling for them).
// NULL is null; strings are JSON strings; LIST and ARRAY are arrays, STRUCT
// an object, MAP an array of {"key","value"} objects, UNION {"tag": value};
// every other type (dates, times, intervals, UUIDs, blobs, bit strings) is
// the string DuckDB's own rendering gives. An SQL error prints its message on
// stderr and exits 1; a usage error exits 2.
import {
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBUnionValue,
} from '@duckdb/node-api';

const usage = 'usage: node duckdb_query.mjs [--json] "SQL"';

function parseArguments(argv) {
  const sql = [];
  for (const argument of argv) {
    if (argument === '--json') continue;  // the only output format there is
    if (argument.startsWith('--')) return { error: `unknown option '${argument}'` };
    sql.push(argument);
  }
  if (sql.length !== 1) return { error: 'expected exactly one SQL argument' };
  return { sql: sql[0] };
}

async function main() {
  const { sql, error } = parseArguments(process.argv.slice(2));
  if (error) {
    console.error(`duckdb_query.mjs: ${error}\n${usage}`);
    return 2;
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await runAll(connection, sql);
    process.stdout.write(resultJson(reader) + '\n');
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// Statements are prepared one at a time, each after the previous one ran, so
// a later statement may use a table or file an earlier one created.
async function runAll(connection, sql) {
  const statements = await connection.extractStatements(sql);
  let reader = null;
  for (let i = 0; i < statements.count; i++) {
    let prepared = null;
    try {
      prepared = await statements.prepare(i);
      reader = await prepared.runAndReadAll();
    } catch (e) {
      if (statements.count === 1) throw e;
      throw new Error(`statement ${i + 1} of ${statements.count}: ${e instanceof Error ? e.message : e}`);
    } finally {
      prepared?.destroySync();
    }
  }
  return reader;
}

function resultJson(reader) {
  const columns = reader.columnNames().map((name) => JSON.stringify(name));
  const rows = reader.getRows().map((row) => '[' + row.map(valueJson).join(',') + ']');
  return `{"columns":[${columns.join(',')}],"rows":[${rows.join(',')}]}`;
}

// JSON text is built by hand rather than with JSON.stringify because a bigint
// has no JSON form there, and converting it to a Number would round it.
function valueJson(value) {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return numberJson(value);
    case 'string':
      return JSON.stringify(value);
  }
  if (value instanceof DuckDBDecimalValue) return decimalJson(value.value, value.scale);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return '[' + value.items.map(valueJson).join(',') + ']';
  }
  if (value instanceof DuckDBStructValue) {
    const fields = Object.entries(value.entries).map(([k, v]) => `${JSON.stringify(k)}:${valueJson(v)}`);
    return '{' + fields.join(',') + '}';
  }
  if (value instanceof DuckDBMapValue) {
    const entries = value.entries.map(({ key, value: v }) => `{"key":${valueJson(key)},"value":${valueJson(v)}}`);
    return '[' + entries.join(',') + ']';
  }
  if (value instanceof DuckDBUnionValue) return `{${JSON.stringify(value.tag)}:${valueJson(value.value)}}`;
  return JSON.stringify(String(value));
}

// Number's own toString is already the shortest round-trip form (and its
// exponent form, 1e+21, is valid JSON); only -0 and non-finite values need care.
function numberJson(number) {
  if (Number.isFinite(number)) return Object.is(number, -0) ? '-0' : String(number);
  if (Number.isNaN(number)) return '"NaN"';
  return number > 0 ? '"Infinity"' : '"-Infinity"';
}

// DuckDB's own decimal rendering follows the locale; this one never does.
function decimalJson(scaled, scale) {
  const negative = scaled < 0n;
  let digits = (negative ? -scaled : scaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return (negative ? '-' : '') + digits;
}

process.exitCode = await main();
