#!/usr/bin/env bash
# The AWS SDK for JavaScript v3 against `strata serve`, at its defaults: CRC32
# request checksums (aws-chunked bodies with trailers for streams), path-style
# addressing. tests/js/s3_flows.mjs runs the flows of a real application
# (buckets, puts with metadata, whole and ranged gets, copies, listings with
# pagination, batch deletes, a 20 MiB multipart upload, checksum mode,
# presigned URLs, refused signatures, S3 errors) and asserts each; this script
# starts the server and counts its steps. The SDK is installed by
# scripts/install-deps.sh (npm ci into tests/js/node_modules).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
JS_DIR="$(cd "$(dirname "$0")/js" && pwd)"
start_test "$@"

command -v node >/dev/null || fail "node is not installed (scripts/install-deps.sh installs it)"
[[ -d "$JS_DIR/node_modules/@aws-sdk/client-s3" ]] ||
  fail "the AWS SDK is not installed in $JS_DIR/node_modules (run scripts/install-deps.sh)"
check "node $(node --version) and @aws-sdk/client-s3 $(node -p 'require(process.argv[1]).version' "$JS_DIR/node_modules/@aws-sdk/client-s3/package.json")"

start_server "$WORK/store"
[[ "$ENDPOINT" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "strata serve printed no endpoint: $(cat "$WORK/server.log")"
grep -q "(region us-east-1)" "$WORK/server.log" || fail "strata serve does not say region us-east-1"
# The administrator is the first [[users]] table of strata.toml.
toml_keys="$(python3 -c 'import sys, tomllib
u = tomllib.load(open(sys.argv[1], "rb"))["users"][0]
print(u["access_key"], u["secret_key"])' "$WORK/store/strata.toml")"
[[ "$toml_keys" == "$ACCESS_KEY $SECRET_KEY" ]] || fail "printed keys are not the first user's in strata.toml"
check "strata serve at $ENDPOINT: a new store, administrator keys printed and in strata.toml"

# The SDK's defaults are what is under test: nothing in the environment may
# turn checksums off or point the SDK elsewhere.
unset AWS_REQUEST_CHECKSUM_CALCULATION AWS_RESPONSE_CHECKSUM_VALIDATION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 \
  AWS_PROFILE AWS_DEFAULT_PROFILE AWS_S3_US_EAST_1_REGIONAL_ENDPOINT
rc=0
S3_ENDPOINT="$ENDPOINT" S3_ACCESS_KEY="$ACCESS_KEY" S3_SECRET_KEY="$SECRET_KEY" \
  timeout 600 node "$JS_DIR/s3_flows.mjs" 2>&1 | tee flows.out || rc=$?
steps=$(grep -c '^ok - ' flows.out || true)
PASSED=$((PASSED + steps))
if [[ "$rc" != 0 ]]; then
  echo "# the server's log:"
  tail -n 30 "$WORK/server.log" | sed 's/^/#   /'
  fail "s3_flows.mjs exited $rc after $steps steps (see above)"
fi
grep -q '^s3_flows.mjs: [0-9]* steps passed, 0 failed$' flows.out || fail "s3_flows.mjs printed no summary line"
check "s3_flows.mjs: all $steps steps passed"

stop_server
grep -q 'strata: stopped' "$WORK/server.log" || fail "strata serve did not say 'strata: stopped' after SIGTERM"
check "SIGTERM stops strata serve cleanly (exit 0)"
finish_test
