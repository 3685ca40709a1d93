#!/usr/bin/env bash
# The main job on the embedded default: a store under ./var with six directory
# drives and a 4+2 code; put and get a sample file; show status.
set -euo pipefail
strata=${1:-build/strata}
store=var

if [ ! -f "$store/strata.toml" ]; then
  "$strata" --store "$store" init --drives 6 --code 4+2
fi
"$strata" --store "$store" ls demo >/dev/null 2>&1 || "$strata" --store "$store" mb demo

sample=$(mktemp -d)
trap 'rm -rf "$sample"' EXIT
head -c $((24 * 1024 * 1024 + 12345)) /dev/urandom > "$sample/sample.bin"
echo "Strata demo: hello from $(hostname) at $(date -u +%FT%TZ)" > "$sample/hello.txt"

echo "== put"
"$strata" --store "$store" put "$sample/sample.bin" demo/sample.bin
"$strata" --store "$store" put "$sample/hello.txt" demo/hello.txt
echo "== get"
"$strata" --store "$store" get demo/sample.bin "$sample/sample.out"
cmp "$sample/sample.bin" "$sample/sample.out" && echo "sample.bin: 24 MiB round trip, bytes identical"
"$strata" --store "$store" get demo/hello.txt -
echo "== ls"
"$strata" --store "$store" ls demo
echo "== status"
"$strata" --store "$store" status
echo
echo "Try: $strata --store $store stat demo/sample.bin   (and see README.md for the tour)"
