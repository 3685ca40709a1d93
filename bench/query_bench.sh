#!/usr/bin/env bash
# The pushdown benchmark (issue 4): a VPIC-like particle table ingested as
# aligned Parquet, then selective queries timed four ways in the same run:
# pushed down to the storage nodes with their row-group index, pushed down
# without it (--no-index), the host-side baseline (--no-pushdown: row groups
# read through the normal read path and filtered at the gateway), and DuckDB
# reading the same Parquet file from local disk. Ingest is timed
# against writing the same bytes to the same disk with dd (conv=fsync).
#
#   bash bench/query_bench.sh BUILD_DIR [--count N] [--repeat R] [--dir DIR]
#
# --count defaults to 50,000,000 particles (1.2 GB); 500,000,000 is the
# seed's size. Times are the fastest of R runs after a warm-up run (the page
# cache holds the table: this measures CPU and memory traffic, not the disk).
set -euo pipefail

build=${1:?usage: bash bench/query_bench.sh BUILD_DIR [--count N] [--repeat R] [--dir DIR]}
shift
count=50000000
repeat=3
dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "query_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
root="$(cd "$(dirname "$0")/.." && pwd)"
strata="$(realpath "$build")/strata"
[[ -x "$strata" ]] || { echo "query_bench.sh: $strata is missing; build first" >&2; exit 1; }
if [[ -z "$dir" ]]; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/strata-query-bench.XXXXXX")"
  trap 'rm -rf "$dir"' EXIT
fi
store="$dir/store"
"$strata" --store "$store" init -q >/dev/null
"$strata" --store "$store" mb particles >/dev/null

seconds() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$@"; }
now() { date +%s.%N; }

echo "particles: $count rows ($(python3 -c "print(f'{$count * 24 / 1e9:.2f}')") GB of values), $(nproc) cores"
echo
printf '%-8s %10s %10s %10s %12s %8s %10s\n' order bytes gen_s raw_write_s ingest_s ratio index_s
for order in cell random; do
  file="$dir/$order.parquet"
  t0=$(now)
  "$strata" gen particles "$file" --file --count "$count" --seed 1 --order "$order" -q
  t1=$(now)
  bytes=$(stat -c %s "$file")
  # Raw disk: the same bytes copied to the store's disk and synced.
  t2=$(now)
  dd if="$file" of="$dir/raw.copy" bs=4M conv=fsync status=none
  t3=$(now)
  rm -f "$dir/raw.copy"
  "$strata" --store "$store" ingest table "$file" "particles/$order.parquet" --codec none --no-index -q
  t4=$(now)
  # The index nodes build after a table lands (in the server, in the background).
  "$strata" --store "$store" index "particles/$order.parquet" >/dev/null
  t5=$(now)
  raw=$(seconds "$t2" "$t3")
  ingest=$(seconds "$t3" "$t4")
  printf '%-8s %10s %10s %10s %12s %7.2fx %10s\n' "$order" "$bytes" "$(seconds "$t0" "$t1")" "$raw" "$ingest" \
    "$(python3 -c "print($raw / $ingest)")" "$(seconds "$t4" "$t5")"
done
echo "(ratio = raw write time / ingest time: ingest speed as a fraction of raw disk write speed;"
echo " index_s: building the row-group indexes afterwards, as the server does in the background)"
echo

queries=(
  "SELECT * FROM {T} WHERE ke > 0.3"
  "SELECT * FROM {T} WHERE ke > 1.0"
  "SELECT * FROM {T} WHERE ke > 2.0"
  "SELECT * FROM {T} WHERE ke > 3.0"
  "SELECT * FROM {T} WHERE ke > 3.7"
  "SELECT * FROM {T} WHERE ke > 0.5 AND x < 0.1 AND y BETWEEN 0.2 AND 0.3"
  "SELECT COUNT(*), AVG(ke) FROM {T} WHERE ke > 1.0"
  "SELECT COUNT(*), AVG(ke), MAX(ke) FROM {T}"
)

# strata_time ORDER SQL [--no-pushdown]: "<seconds> <rows> <bytes read>" (best of repeat).
strata_time() {
  local order=$1 sql=$2
  shift 2
  local times=() line rows bytes
  for i in $(seq 0 "$repeat"); do
    line=$("$strata" --store "$store" query "${sql//\{T\}/particles\/$order.parquet}" "$@" -o /dev/null 2>&1 | tail -1)
    [[ "$line" == row\ groups:* ]] || { echo "query failed: $line" >&2; exit 1; }
    rows=$(sed -n 's/.* scanned, \([0-9]*\) returned;.*/\1/p' <<<"$line")
    bytes=$(sed -n 's/.*bytes: \([0-9]*\) read on drives.*/\1/p' <<<"$line")
    # Run 0 warms the page cache and is not counted.
    [[ $i -gt 0 ]] && times+=("$(sed -n 's/.*time: \([0-9.e-]*\) s.*/\1/p' <<<"$line")")
  done
  echo "$(printf '%s\n' "${times[@]}" | sort -g | head -1) $rows $bytes"
}

for order in cell random; do
  echo "== $order order"
  printf '%-68s %8s %9s %9s %9s %8s %8s %9s %8s %9s %9s %9s\n' query rows index_s pushdn_s baseln_s speedup \
    no_index duckdb_s vs_duck ix_MB pd_MB bl_MB
  duck_input=""
  for q in "${queries[@]}"; do duck_input+="${q//\{T\}/read_parquet(\'$dir/$order.parquet\')}"$'\n'; done
  mapfile -t duck < <(printf '%s' "$duck_input" | node "$root/tests/js/duckdb_time.mjs" --repeat "$repeat")
  for i in "${!queries[@]}"; do
    q=${queries[$i]}
    read -r i_s i_rows i_bytes <<<"$(strata_time "$order" "$q")"
    read -r p_s p_rows p_bytes <<<"$(strata_time "$order" "$q" --no-index)"
    read -r b_s b_rows b_bytes <<<"$(strata_time "$order" "$q" --no-pushdown)"
    read -r d_s d_rows <<<"${duck[$i]}"
    [[ "$i_rows" == "$p_rows" && "$p_rows" == "$b_rows" && "$p_rows" == "$d_rows" ]] ||
      echo "WARNING: row counts differ: index $i_rows, pushdown $p_rows, baseline $b_rows, DuckDB $d_rows" >&2
    python3 - "$q" "$p_rows" "$i_s" "$p_s" "$b_s" "$d_s" "$i_bytes" "$p_bytes" "$b_bytes" <<'EOF'
import sys
q, rows, i, p, b, d, ib, pb, bb = sys.argv[1:]
i, p, b, d = float(i), float(p), float(b), float(d)
print(f"{q:<68} {rows:>8} {i:>9.4f} {p:>9.4f} {b:>9.4f} {b / i:>7.2f}x {b / p:>7.2f}x {d:>9.4f} {d / i:>7.2f}x "
      f"{int(ib) / 1e6:>9.1f} {int(pb) / 1e6:>9.1f} {int(bb) / 1e6:>9.1f}")
EOF
  done
  echo
done
echo "index_s: pushdown with the row-group index; pushdn_s: pushdown without it (--no-index); baseln_s: the"
echo "host-side baseline (--no-pushdown). speedup = baseline / index time; no_index = baseline / pushdown time"
echo "without the index; vs_duck = DuckDB time / index time (above 1: Strata faster)."
echo "ix_MB / pd_MB / bl_MB: bytes read on drives with the index / pushdown without it / the baseline."
