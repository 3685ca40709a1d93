#!/usr/bin/env bash
# S3 protocol details checked with raw signed requests (tests/s3_client.py):
# conditional writes, stored system headers, sub-resources Strata does not
# keep, refused headers, ListBuckets paging, a repeated multipart completion,
# keys that are not UTF-8, CORS preflights without an Origin.
set -euo pipefail
CLIENT="$(dirname "$(realpath "${BASH_SOURCE[0]}")")/s3_client.py"
source "$(dirname "$0")/lib.sh"
start_test "$@"
raw() { /usr/bin/python3 "$CLIENT" "$@"; }
# req METHOD PATH [ARGS]: the status of a signed request; the response is in $WORK/resp.
req() { raw request "$@" >"$WORK/resp"; head -1 "$WORK/resp"; }
expect() {  # expect STATUS [TEXT] -- METHOD PATH [ARGS]
  local want="$1" text="$2"
  shift 3
  local got
  got="$(req "$@")"
  [[ "$got" == "$want" ]] || fail "$*: status $got, expected $want: $(tail -c 400 resp)"
  [[ -z "$text" ]] || grep -q -- "$text" resp || fail "$*: response lacks '$text': $(tail -c 400 resp)"
}

start_server "$WORK/store"
export ENDPOINT ACCESS_KEY SECRET_KEY
expect 200 "" -- PUT /proto

# ---------------------------------------------------------------- conditional writes
expect 200 "" -- PUT /proto/once --data first -H 'If-None-Match: *'
expect 412 PreconditionFailed -- PUT /proto/once --data second -H 'If-None-Match: *'
expect 200 "" -- GET /proto/once
[[ "$(tail -c 5 resp)" == first ]] || fail "If-None-Match: * let an overwrite through"
etag="$(sed -n 's/^etag: //p' resp | tr -d '\r')"
expect 412 PreconditionFailed -- PUT /proto/once --data third -H 'If-Match: "0123456789abcdef0123456789abcdef"'
expect 200 "" -- PUT /proto/once --data fourth -H "If-Match: $etag"
expect 404 NoSuchKey -- PUT /proto/never --data x -H 'If-Match: "abc"'
check "If-None-Match: * and If-Match on PutObject"

# ---------------------------------------------------------------- system headers
expect 200 "" -- PUT /proto/page.html --data '<p>hi</p>' -H 'Content-Type: text/html' -H 'Cache-Control: max-age=60' \
  -H 'Content-Disposition: attachment; filename="page.html"' -H 'Content-Language: en' \
  -H 'Expires: Thu, 01 Dec 2094 16:00:00 GMT'
expect 200 "" -- HEAD /proto/page.html
for h in 'cache-control: max-age=60' 'content-disposition: attachment; filename="page.html"' 'content-language: en' \
  'expires: Thu, 01 Dec 2094 16:00:00 GMT' 'content-type: text/html'; do
  grep -qi "^$h" resp || fail "HEAD lacks '$h': $(cat resp)"
done
expect 200 "" -- PUT /proto/page2.html -H 'x-amz-copy-source: /proto/page.html'
expect 200 "" -- HEAD /proto/page2.html
grep -qi '^cache-control: max-age=60' resp || fail "CopyObject lost Cache-Control"
check "Cache-Control, Content-Disposition, Content-Language, Expires stored, returned and copied"

# ---------------------------------------------------------------- sub-resources and refused headers
expect 404 NoSuchCORSConfiguration -- GET '/proto?cors'
expect 404 NoSuchBucketPolicy -- GET '/proto?policy'
expect 404 NoSuchTagSet -- GET '/proto?tagging'
expect 204 "" -- DELETE '/proto?cors'
expect 501 NotImplemented -- GET '/proto?policyStatus'
expect 501 NotImplemented -- GET '/proto/once?retention'
expect 501 NotImplemented -- PUT '/proto?cors' --data '<CORSConfiguration/>'
check "unset configurations are 404 with their codes; unsupported sub-resources 501, never a listing or a body"
expect 501 NotImplemented -- PUT /proto/acl.bin --data x -H 'x-amz-acl: public-read'
expect 400 InvalidArgument -- PUT /proto/acl.bin --data x -H 'x-amz-acl: bogus'
expect 200 "" -- PUT /proto/acl.bin --data x -H 'x-amz-acl: private'
expect 501 NotImplemented -- PUT /proto/tag.bin --data x -H 'x-amz-tagging: a=b'
expect 400 InvalidStorageClass -- PUT /proto/cold.bin --data x -H 'x-amz-storage-class: GLACIER'
expect 501 NotImplemented -- PUT /proto/enc.bin --data x -H 'x-amz-server-side-encryption: AES256'
expect 403 AccessDenied -- GET /proto -H 'x-amz-expected-bucket-owner: someone-else'
expect 404 "" -- GET /proto/tag.bin
check "object ACLs, tagging, storage classes and encryption are refused, and store nothing"

# ---------------------------------------------------------------- keys, preflight, bucket paging
expect 400 InvalidURI -- GET '/proto/%AE%8A-'
code="$(curl -s -o /dev/null -w '%{http_code}' -X OPTIONS "$ENDPOINT/proto/once")"
[[ "$code" == 400 ]] || fail "OPTIONS without Origin answered $code"
expect 200 "" -- PUT /proto2
expect 200 "" -- GET '/?max-buckets=1'
grep -q '<Name>proto</Name>' resp && grep -q '<ContinuationToken>' resp || fail "first page of buckets: $(cat resp)"
token="$(sed -n 's:.*<ContinuationToken>\([^<]*\)</ContinuationToken>.*:\1:p' resp)"
expect 200 "" -- GET "/?max-buckets=1&continuation-token=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$token")"
grep -q '<Name>proto2</Name>' resp && ! grep -q '<ContinuationToken>' resp || fail "second page of buckets: $(cat resp)"
check "non-UTF-8 keys are InvalidURI; OPTIONS without Origin is 400; ListBuckets pages"

# ---------------------------------------------------------------- repeated completion
expect 200 "" -- POST '/proto/mp?uploads'
upload="$(sed -n 's:.*<UploadId>\([^<]*\)</UploadId>.*:\1:p' resp)"
expect 200 "" -- PUT "/proto/mp?partNumber=1&uploadId=$upload" --data part-one
etag="$(sed -n 's/^etag: //p' resp | tr -d '\r')"
body="<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>$etag</ETag></Part></CompleteMultipartUpload>"
expect 200 "" -- POST "/proto/mp?uploadId=$upload" --data "$body"
first="$(grep -o '<ETag>[^<]*</ETag>' resp)"
expect 200 "" -- POST "/proto/mp?uploadId=$upload" --data "$body"
[[ "$(grep -o '<ETag>[^<]*</ETag>' resp)" == "$first" ]] || fail "a repeated completion answered another ETag"
expect 200 "" -- PUT /proto/mp --data replaced
expect 404 NoSuchUpload -- POST "/proto/mp?uploadId=$upload" --data "$body"
check "a repeated completion gets the same answer until the object changes"
finish_test
