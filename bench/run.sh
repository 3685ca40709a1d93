#!/usr/bin/env bash
# Runs the benchmarks of an already built tree and prints their tables.
# Builds nothing: `make bench` builds first, then calls this.
#
#   bash bench/run.sh BUILD_DIR [--only erasure|store|s3|query|popularity] [ARGS...]
#
# ARGS go to strata_store_bench (--dir, --size, --small-seconds, ...), except
# those spelled --erasure-NAME, which go to strata_erasure_bench as --NAME,
# --s3-NAME, which go to bench/s3_bench.sh (strata serve against nginx) as --NAME,
# and --query-NAME, which go to bench/query_bench.sh (pushdown against the host
# path and DuckDB) as --NAME:
#   bash bench/run.sh build --size 256MiB --erasure-seconds 0.1 --s3-seconds 2
set -euo pipefail

if [[ $# -lt 1 || "$1" == -* ]]; then
  echo "usage: bash bench/run.sh BUILD_DIR [--only erasure|store|s3|query|popularity] [ARGS...]" >&2
  exit 2
fi
build=$1
shift

only=""
erasure_args=()
s3_args=()
query_args=()
store_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only)
      only=${2:?--only needs erasure, store, s3, query or popularity}
      shift 2
      ;;
    --erasure-*)
      erasure_args+=("--${1#--erasure-}")
      if [[ $# -gt 1 && "$2" != --* ]]; then
        erasure_args+=("$2")
        shift
      fi
      shift
      ;;
    --query-*)
      query_args+=("--${1#--query-}")
      if [[ $# -gt 1 && "$2" != --* ]]; then
        query_args+=("$2")
        shift
      fi
      shift
      ;;
    --s3-*)
      s3_args+=("--${1#--s3-}")
      if [[ $# -gt 1 && "$2" != --* ]]; then
        s3_args+=("$2")
        shift
      fi
      shift
      ;;
    *)
      store_args+=("$1")
      shift
      ;;
  esac
done

run() {
  local name=$1
  shift
  local binary="$build/bench/$name"
  if [[ ! -x "$binary" ]]; then
    echo "run.sh: $binary is missing; build it first (make bench, or ninja -C $build $name)" >&2
    exit 1
  fi
  echo "== $name $*"
  echo
  "$binary" "$@"
  echo
}

if [[ -z "$only" || "$only" == erasure ]]; then
  run strata_erasure_bench "${erasure_args[@]+"${erasure_args[@]}"}"
fi
if [[ -z "$only" || "$only" == store ]]; then
  run strata_store_bench "${store_args[@]+"${store_args[@]}"}"
fi
if [[ -z "$only" || "$only" == s3 ]]; then
  echo "== strata_s3_bench (bench/s3_bench.sh) ${s3_args[*]+"${s3_args[*]}"}"
  echo
  bash "$(dirname "$0")/s3_bench.sh" "$build" "${s3_args[@]+"${s3_args[@]}"}"
  echo
fi
if [[ -z "$only" || "$only" == popularity ]]; then
  run strata_popularity_bench
fi
if [[ -z "$only" || "$only" == query ]]; then
  echo "== query pushdown (bench/query_bench.sh) ${query_args[*]+"${query_args[*]}"}"
  echo
  bash "$(dirname "$0")/query_bench.sh" "$build" "${query_args[@]+"${query_args[@]}"}"
  echo
fi
