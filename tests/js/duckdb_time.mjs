// Times queries in DuckDB for the query benchmark (bench/query_bench.sh):
// each line of stdin is one query; each runs `--repeat` times (after one
// warm-up run) in one in-memory DuckDB with its default threads, and the
// fastest time and the row count are printed as "<seconds> <rows>" per line.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 3;
const queries = readFileSync(0, 'utf8').split('\n').filter((line) => line.trim() !== '');
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
for (const sql of queries) {
  let best = Infinity;
  let rows = 0;
  for (let i = 0; i <= repeat; i++) {
    const start = process.hrtime.bigint();
    const reader = await connection.runAndReadAll(sql);
    rows = reader.currentRowCount;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (i > 0) best = Math.min(best, seconds);  // run 0 warms the page cache
  }
  console.log(`${best.toFixed(4)} ${rows}`);
}
