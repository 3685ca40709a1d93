#!/usr/bin/env bash
# The main job on the embedded default: `strata serve` on ./var (created on
# first use: a hot tier 2+1 and a capacity tier 4+2 on nine directory drives,
# an administrator), a small
# sample loaded over S3 with the aws CLI, and commands to try. On a terminal
# the server keeps running until Ctrl-C; otherwise it stops after the demo.
set -euo pipefail
strata=$(realpath "${1:-build/strata}")
store=var
listen=${STRATA_LISTEN:-127.0.0.1:9000}
log=$store.serve.log

if ! command -v /usr/bin/aws >/dev/null; then
  echo "demo: /usr/bin/aws is missing; run scripts/install-deps.sh" >&2
  exit 1
fi

"$strata" --store "$store" serve --listen "$listen" >"$log" 2>&1 &
server=$!
stop_server() {
  if kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    wait "$server" || true
  fi
}
trap stop_server EXIT
for _ in $(seq 1 100); do
  grep -q "serving S3 at" "$log" 2>/dev/null && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
cat "$log"
endpoint=$(sed -n 's/.*serving S3 at \([^ ]*\).*/\1/p' "$log")
export AWS_ACCESS_KEY_ID=$(sed -n 's/^ *access key: //p' "$log")
export AWS_SECRET_ACCESS_KEY=$(sed -n 's/^ *secret key: //p' "$log")
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
aws() { /usr/bin/aws --endpoint-url "$endpoint" "$@"; }

sample=$(mktemp -d)
trap 'stop_server; rm -rf "$sample"' EXIT
mkdir -p "$sample/notes"
head -c $((24 * 1024 * 1024 + 12345)) /dev/urandom >"$sample/sample.bin"
echo "Strata demo: hello from $(hostname) at $(date -u +%FT%TZ)" >"$sample/notes/hello.txt"
printf 'run,energy_gev,events\n1,13.6,1200345\n2,13.6,1187702\n' >"$sample/notes/runs.csv"
for i in 1 2 3; do head -c 4096 /dev/urandom >"$sample/notes/chunk$i.bin"; done

echo
echo "== aws s3 mb, cp (the 24 MiB sample goes up in parts), sync"
aws s3 ls s3://demo >/dev/null 2>&1 || aws s3 mb s3://demo
aws s3 cp --only-show-errors "$sample/sample.bin" s3://demo/sample.bin
aws s3 sync --only-show-errors "$sample/notes" s3://demo/notes
echo "== aws s3 ls --recursive s3://demo"
aws s3 ls --recursive s3://demo
aws s3 cp --only-show-errors s3://demo/sample.bin "$sample/sample.out"
cmp "$sample/sample.bin" "$sample/sample.out" && echo "sample.bin: 24 MiB round trip over S3, bytes identical"
aws s3 cp --only-show-errors s3://demo/notes/hello.txt -

echo
echo "== a table: 1,000,000 particles as aligned Parquet, queried where it is stored (POST /api/v1/query)"
"$strata" gen particles "$sample/particles.parquet" --file --count 1000000 -q
# One PUT keeps the table in one blob, aligned to the erasure units (a
# multipart upload would be queried at the gateway instead).
aws s3api put-object --bucket demo --key tables/particles.parquet --body "$sample/particles.parquet" >/dev/null
query() {
  curl -sS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "content-type: text/plain" -H "x-amz-content-sha256: $(printf %s "$1" | sha256sum | cut -d' ' -f1)" \
    --data-binary "$1" "$endpoint/api/v1/query"
}
for sql in "SELECT COUNT(*), AVG(ke), MAX(ke) FROM demo/tables/particles.parquet WHERE ke > 1.0" \
           "SELECT * FROM demo/tables/particles.parquet WHERE ke > 3.0 LIMIT 5"; do
  echo "\$ $sql"
  query "$sql"
done
echo "\$ aws s3api select-object-content (S3 Select): COUNT(*) WHERE s.ke > 2.0"
aws s3api select-object-content --bucket demo --key tables/particles.parquet --expression-type SQL \
  --expression "SELECT COUNT(*) FROM S3Object s WHERE s.ke > 2.0" \
  --input-serialization '{"Parquet": {}}' --output-serialization '{"CSV": {}}' /dev/stdout
cat <<EOF

Try it (in another shell, while the server runs):
  export AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION=us-east-1
  aws --endpoint-url $endpoint s3 ls s3://demo/notes/
  aws --endpoint-url $endpoint s3api get-object --bucket demo --key sample.bin --range bytes=0-99 /tmp/first100
  aws --endpoint-url $endpoint s3 presign s3://demo/notes/hello.txt --expires-in 600
  curl -s "\$(aws --endpoint-url $endpoint s3 presign s3://demo/notes/runs.csv)"
  aws --endpoint-url $endpoint s3api select-object-content --bucket demo --key tables/particles.parquet \\
    --expression "SELECT s.id, s.ke FROM S3Object s WHERE s.ke > 3.0" --expression-type SQL \\
    --input-serialization '{"Parquet": {}}' --output-serialization '{"JSON": {}}' /dev/stdout
With the server stopped, the same tables answer \`$strata --store $store query "SELECT ..."\` (docs/api.md).
The credentials live in $store/strata.toml ([[users]]); see docs/api.md for what the S3 API covers.
The popularity engine on the real LHCb access histories, next to LRU (docs/popularity.md):
  $strata popularity evaluate --history ../shared/data/lhcb-popularity/weekly-accesses-78w.csv --horizon 26
Tiers (docs/tiers.md), with the server stopped: new objects are on hot; move the tables to capacity:
  $strata --store $store move demo/tables/ --tier capacity && $strata --store $store stat demo/tables/particles.parquet
EOF

if [ -t 0 ]; then
  echo
  echo "Serving at $endpoint; press Ctrl-C to stop."
  wait "$server" || true
else
  stop_server
  echo
  echo "Stopped the server (no terminal). Start it again with: $strata --store $store serve"
  "$strata" --store "$store" status
fi
