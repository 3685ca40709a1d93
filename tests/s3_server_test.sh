#!/usr/bin/env bash
# `strata serve` as a server: many concurrent clients, graceful shutdown on
# SIGTERM (an upload in flight completes; new connections are refused), a
# server killed mid-upload leaves nothing visible, CORS preflights, TLS.
set -euo pipefail
CLIENT="$(dirname "$(realpath "${BASH_SOURCE[0]}")")/s3_client.py"
source "$(dirname "$0")/lib.sh"
start_test "$@"
raw() { /usr/bin/python3 "$CLIENT" "$@"; }
# req METHOD PATH [ARGS]: the status of a signed request; the response is in $WORK/resp.
req() { raw request "$@" >"$WORK/resp"; head -1 "$WORK/resp"; }

start_server "$WORK/store"
export ENDPOINT ACCESS_KEY SECRET_KEY
[[ "$(req PUT /data)" == 200 ]] || fail "create bucket: $(cat resp)"
random_file obj.bin $((3 << 20))
[[ "$(req PUT /data/obj.bin --body obj.bin)" == 200 ]] || fail "put obj.bin: $(cat resp)"
check "server up, bucket and object created"

# ---------------------------------------------------------------- concurrency
url="$(raw presign GET /data/obj.bin 600)"
pids=()
for i in $(seq 1 40); do
  curl -sf -o "get$i.out" "$url" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent GET failed"; done
for i in $(seq 1 40); do cmp -s obj.bin "get$i.out" || fail "concurrent GET $i returned other bytes"; done
check "40 concurrent GETs of a 3 MiB object all return identical bytes"

# ---------------------------------------------------------------- CORS
out="$(curl -s -i -X OPTIONS -H 'Origin: http://viewer.example' -H 'Access-Control-Request-Method: GET' \
  -H 'Access-Control-Request-Headers: range' "$ENDPOINT/data/obj.bin")"
[[ "$out" == *"200"* && "${out,,}" == *"access-control-allow-origin: http://viewer.example"* &&
   "${out,,}" == *"access-control-allow-headers: range"* ]] || fail "CORS preflight: $out"
out="$(curl -s -i -H 'Origin: http://viewer.example' -H 'Range: bytes=0-9' "$url")"
[[ "$out" == *"206"* && "${out,,}" == *"access-control-expose-headers:"*"content-range"* ]] ||
  fail "CORS headers on a range GET: $out"
check "CORS preflight answered; range responses expose Content-Range to browsers"

# ---------------------------------------------------------------- graceful shutdown
random_file upload.bin $((6 << 20))
put_url="$(raw presign PUT /data/inflight.bin 600)"
# About 3 s at 2 MiB/s: SIGTERM arrives in the middle.
curl -sf -X PUT --limit-rate 2M -T upload.bin -o put.out "$put_url" &
upload=$!
sleep 1
kill -TERM "$SERVER_PID"
sleep 0.3
code="$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)"
[[ "$code" == 000 ]] || fail "a new request was answered ($code) during shutdown"
wait "$upload" || fail "the upload in flight failed during a graceful shutdown"
wait "$SERVER_PID" || fail "server exited with $? after SIGTERM"
grep -q "stopped" "$WORK/server.log" || fail "no clean stop in the log"
check "SIGTERM: new connections refused, the upload in flight completes, clean exit"

start_server "$WORK/store"
url="$(raw presign GET /data/inflight.bin 600)"
curl -sf -o inflight.out "$url" || fail "the upload finished during shutdown is missing"
cmp -s upload.bin inflight.out || fail "the upload finished during shutdown differs"
check "the upload that finished during shutdown is there, intact"

# ---------------------------------------------------------------- killed mid-upload
put_url="$(raw presign PUT /data/killed.bin 600)"
curl -s -X PUT --limit-rate 2M -T upload.bin -o /dev/null "$put_url" &
upload=$!
sleep 1
kill -KILL "$SERVER_PID"
wait "$upload" || true
wait "$SERVER_PID" 2>/dev/null || true
start_server "$WORK/store"
[[ "$(req GET /data/killed.bin)" == 404 ]] || fail "a killed upload became visible: $(head -1 resp)"
tmp="$(count_tmp "$WORK/store/drives")"
[[ "$tmp" == 0 ]] || fail "$tmp temporary files left after restart"
check "kill -9 mid-upload: nothing visible, nothing left behind after restart"
stop_server

# ---------------------------------------------------------------- abandoned uploads
start_server "$WORK/store"
[[ "$(req POST '/data/abandoned.bin?uploads')" == 200 ]] || fail "create upload: $(cat resp)"
upload="$(sed -n 's:.*<UploadId>\([^<]*\)</UploadId>.*:\1:p' resp)"
random_file part.bin $((1 << 20))
[[ "$(req PUT "/data/abandoned.bin?partNumber=1&uploadId=$upload" --body part.bin)" == 200 ]] || fail "upload part"
blocks_with_part="$(count_blocks "$WORK/store/drives")"
stop_server
# Expire uploads after a second; the server's upkeep runs when it starts.
sed -i 's/^multipart_expiry_seconds = .*/multipart_expiry_seconds = 1/' "$WORK/store/strata.toml"
grep -q '^multipart_expiry_seconds = 1$' "$WORK/store/strata.toml" || fail "no multipart_expiry_seconds in strata.toml"
sleep 1.5
start_server "$WORK/store"
for _ in $(seq 1 50); do
  [[ "$(req GET '/data?uploads')" == 200 ]] && ! grep -q "<UploadId>" resp && break
  sleep 0.1
done
grep -q "<UploadId>" resp && fail "the abandoned upload is still listed: $(cat resp)"
blocks_now="$(count_blocks "$WORK/store/drives")"
(( blocks_now < blocks_with_part )) || fail "the abandoned part's blocks remain ($blocks_now, were $blocks_with_part)"
stop_server
check "an upload older than multipart_expiry_seconds is aborted and its part's blocks removed"

# ---------------------------------------------------------------- TLS
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
start_server "$WORK/store" --tls-cert cert.pem --tls-key key.pem
[[ "$ENDPOINT" == https://* ]] || fail "TLS endpoint should be https: $ENDPOINT"
url="$(raw presign GET /data/obj.bin 600)"
curl -sf --cacert cert.pem -o tls.out "$url" || fail "GET over TLS"
cmp -s obj.bin tls.out || fail "GET over TLS returned other bytes"
stop_server
check "TLS: the same object over https"
finish_test
