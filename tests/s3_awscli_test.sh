#!/usr/bin/env bash
# The aws CLI (Debian's v2, /usr/bin/aws) against `strata serve`: buckets,
# small and multipart copies, sync, listing, ranges, copy, multipart listing,
# presigned URLs, public-read buckets, several users, and the errors S3
# clients rely on. Downloads are compared by hash.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CLIENT="$(dirname "$(realpath "${BASH_SOURCE[0]}")")/s3_client.py"
start_test "$@"

start_server "$WORK/store"
export ENDPOINT ACCESS_KEY SECRET_KEY
# Keep the user's own aws configuration out of the test.
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export AWS_ACCESS_KEY_ID="$ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$SECRET_KEY"
unset AWS_CA_BUNDLE AWS_PROFILE
aws() { /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }
# Pipes end in `grep PATTERN >/dev/null`, not `grep -q`: grep -q stops reading
# at the first match, and the writer's SIGPIPE would fail the pipe (pipefail).
raw() { /usr/bin/python3 "$CLIENT" "$@"; }
status_of() { head -1; }
# slice FILE OFFSET LENGTH: those bytes of FILE, on stdout.
slice() { dd if="$1" bs=1M iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none; }
check "server started at $ENDPOINT"

# ---------------------------------------------------------------- buckets
aws s3 mb s3://data >/dev/null || fail "s3 mb"
aws s3 ls | grep " data$" >/dev/null || fail "s3 ls does not list the new bucket"
check "mb and ls of buckets"
# Re-creating your own bucket is 200 in us-east-1, for S3's legacy reasons.
aws s3api create-bucket --bucket data >/dev/null || fail "re-creating an owned bucket in us-east-1 should succeed"
expect_fail_with 254 "InvalidBucketName" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api create-bucket --bucket Bad_Name
aws s3api head-bucket --bucket data >/dev/null || fail "head-bucket"
expect_fail_with 254 "404" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api head-bucket --bucket nothere
check "bucket errors: re-create (200 in us-east-1), invalid name, head of a missing bucket"

# ---------------------------------------------------------------- copies
random_file small.bin 100000
random_file large.bin $((40 << 20))   # over the CLI's 8 MiB threshold: multipart
aws s3 cp small.bin s3://data/dir/small.bin >/dev/null || fail "cp small"
aws s3 cp large.bin s3://data/dir/large.bin >/dev/null || fail "cp large (multipart)"
aws s3 cp s3://data/dir/small.bin small.out >/dev/null || fail "cp small back"
aws s3 cp s3://data/dir/large.bin large.out >/dev/null || fail "cp large back"
[[ "$(sha small.bin)" == "$(sha small.out)" ]] || fail "small object differs"
[[ "$(sha large.bin)" == "$(sha large.out)" ]] || fail "large object differs"
check "cp of 100 KB and 40 MiB (multipart) round-trips by hash"

etag="$(aws s3api head-object --bucket data --key dir/large.bin --query ETag --output text)"
[[ "$etag" == *-5\" ]] || fail "multipart ETag should end in -5 (8 MiB parts), got $etag"
parts_md5="$(python3 -c '
import hashlib, sys
data = open("large.bin", "rb").read()
step = 8 << 20
digests = b"".join(hashlib.md5(data[i:i + step]).digest() for i in range(0, len(data), step))
print(hashlib.md5(digests).hexdigest() + "-" + str((len(data) + step - 1) // step))')"
[[ "$etag" == "\"$parts_md5\"" ]] || fail "multipart ETag $etag, S3 would give \"$parts_md5\""
check "multipart ETag is S3's: md5 of the part md5s, -5"

# ---------------------------------------------------------------- sync, ls, rm
mkdir -p tree/a/b tree/c
for i in $(seq 1 30); do random_file "tree/a/f$i" $((RANDOM * 3)); done
random_file "tree/a/b/deep file.txt" 5000
: >tree/c/empty
random_file "tree/c/ünïcødé+plus=eq&amp.bin" 777
aws s3 sync tree s3://data/tree >/dev/null || fail "sync up"
aws s3 sync s3://data/tree tree.out >/dev/null || fail "sync down"
diff -r tree tree.out >/dev/null || fail "synced tree differs"
check "sync of 33 files (spaces, unicode, '+', '=', '&', empty file) both ways"
n="$(aws s3 ls --recursive s3://data/tree/ | wc -l)"
[[ "$n" == 33 ]] || fail "ls --recursive shows $n objects, expected 33"
aws s3 ls s3://data/tree/ | grep "PRE a/" >/dev/null || fail "ls does not show the prefix a/"
check "ls recursive and by prefix"
aws s3 rm --recursive s3://data/tree/a >/dev/null || fail "rm --recursive"
n="$(aws s3 ls --recursive s3://data/tree/ | wc -l)"
[[ "$n" == 2 ]] || fail "after rm, $n objects remain under tree/, expected 2"
check "rm --recursive"

# ---------------------------------------------------------------- ranges and copy
aws s3api get-object --bucket data --key dir/large.bin --range bytes=1000-2999 part.out >/dev/null
cmp -s part.out <(tail -c +1001 large.bin | head -c 2000) || fail "range 1000-2999 differs"
aws s3api get-object --bucket data --key dir/large.bin --range bytes=-500 tail.out >/dev/null
cmp -s tail.out <(tail -c 500 large.bin) || fail "suffix range differs"
aws s3api get-object --bucket data --key dir/large.bin --range "bytes=$(((8 << 20) - 10))-$(((8 << 20) + 9))" edge.out >/dev/null
cmp -s edge.out <(tail -c +$(((8 << 20) - 9)) large.bin | head -c 20) || fail "range across parts differs"
check "ranges: middle, suffix, across a part boundary"
expect_fail_with 254 "InvalidRange" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api get-object --bucket data \
  --key dir/small.bin --range bytes=200000-300000 "$WORK/nothing"
check "a range past the end is InvalidRange"

aws s3api copy-object --bucket data --key copy.bin --copy-source data/dir/small.bin >/dev/null || fail "copy-object"
aws s3 cp s3://data/copy.bin copy.out >/dev/null
cmp -s small.bin copy.out || fail "copied object differs"
aws s3api put-object --bucket data --key meta.txt --body small.bin --metadata color=blue --content-type text/plain >/dev/null
aws s3api copy-object --bucket data --key meta2.txt --copy-source data/meta.txt >/dev/null
[[ "$(aws s3api head-object --bucket data --key meta2.txt --query Metadata.color --output text)" == blue ]] ||
  fail "COPY directive lost the metadata"
aws s3api copy-object --bucket data --key meta3.txt --copy-source data/meta.txt --metadata-directive REPLACE \
  --metadata color=red --content-type application/json >/dev/null
[[ "$(aws s3api head-object --bucket data --key meta3.txt --query Metadata.color --output text)" == red ]] ||
  fail "REPLACE directive did not replace the metadata"
[[ "$(aws s3api head-object --bucket data --key meta3.txt --query ContentType --output text)" == application/json ]] ||
  fail "REPLACE directive did not replace the content type"
check "copy-object with COPY and REPLACE metadata directives"

# ---------------------------------------------------------------- multipart by hand
upload="$(aws s3api create-multipart-upload --bucket data --key manual.bin --query UploadId --output text)"
head -c $((5 << 20)) large.bin >p1
slice large.bin $((5 << 20)) 1234 >p2
e1="$(aws s3api upload-part --bucket data --key manual.bin --upload-id "$upload" --part-number 1 --body p1 --query ETag --output text)"
e2="$(aws s3api upload-part --bucket data --key manual.bin --upload-id "$upload" --part-number 2 --body p2 --query ETag --output text)"
aws s3api list-multipart-uploads --bucket data --query 'Uploads[].UploadId' --output text | grep "$upload" >/dev/null ||
  fail "list-multipart-uploads does not show the upload"
[[ "$(aws s3api list-parts --bucket data --key manual.bin --upload-id "$upload" --query 'length(Parts)')" == 2 ]] ||
  fail "list-parts does not show 2 parts"
check "create-multipart-upload, upload-part, list-multipart-uploads, list-parts"
printf '{"Parts":[{"PartNumber":2,"ETag":%s},{"PartNumber":1,"ETag":%s}]}' "$e2" "$e1" >bad-order.json
expect_fail_with 254 "InvalidPartOrder" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api complete-multipart-upload \
  --bucket data --key manual.bin --upload-id "$upload" --multipart-upload "file://$WORK/bad-order.json"
printf '{"Parts":[{"PartNumber":1,"ETag":"\\"0123\\""},{"PartNumber":2,"ETag":%s}]}' "$e2" >bad-part.json
expect_fail_with 254 "InvalidPart" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api complete-multipart-upload \
  --bucket data --key manual.bin --upload-id "$upload" --multipart-upload "file://$WORK/bad-part.json"
check "complete refuses parts out of order and unknown ETags"
printf '{"Parts":[{"PartNumber":1,"ETag":%s},{"PartNumber":2,"ETag":%s}]}' "$e1" "$e2" >parts.json
aws s3api complete-multipart-upload --bucket data --key manual.bin --upload-id "$upload" \
  --multipart-upload "file://$WORK/parts.json" >/dev/null || fail "complete-multipart-upload"
aws s3 cp s3://data/manual.bin manual.out >/dev/null
cmp -s manual.out <(cat p1 p2) || fail "completed multipart object differs"
check "complete-multipart-upload joins the parts"
expect_fail_with 254 "NoSuchUpload" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api list-parts --bucket data \
  --key manual.bin --upload-id "$upload"
upload="$(aws s3api create-multipart-upload --bucket data --key small-parts.bin --query UploadId --output text)"
e1="$(aws s3api upload-part --bucket data --key small-parts.bin --upload-id "$upload" --part-number 1 --body p2 --query ETag --output text)"
e2="$(aws s3api upload-part --bucket data --key small-parts.bin --upload-id "$upload" --part-number 2 --body p2 --query ETag --output text)"
printf '{"Parts":[{"PartNumber":1,"ETag":%s},{"PartNumber":2,"ETag":%s}]}' "$e1" "$e2" >small.json
expect_fail_with 254 "EntityTooSmall" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api complete-multipart-upload \
  --bucket data --key small-parts.bin --upload-id "$upload" --multipart-upload "file://$WORK/small.json"
aws s3api abort-multipart-upload --bucket data --key small-parts.bin --upload-id "$upload" || fail "abort"
[[ "$(aws s3api list-multipart-uploads --bucket data --query 'length(Uploads || `[]`)')" == 0 ]] ||
  fail "uploads remain after complete and abort"
check "NoSuchUpload after completion, EntityTooSmall, abort"

# upload-part-copy: a part cut from an existing object.
upload="$(aws s3api create-multipart-upload --bucket data --key pc.bin --query UploadId --output text)"
e1="$(aws s3api upload-part-copy --bucket data --key pc.bin --upload-id "$upload" --part-number 1 \
  --copy-source data/dir/large.bin --copy-source-range "bytes=0-$(((5 << 20) - 1))" --query CopyPartResult.ETag --output text)"
e2="$(aws s3api upload-part-copy --bucket data --key pc.bin --upload-id "$upload" --part-number 2 \
  --copy-source data/dir/small.bin --query CopyPartResult.ETag --output text)"
printf '{"Parts":[{"PartNumber":1,"ETag":%s},{"PartNumber":2,"ETag":%s}]}' "$e1" "$e2" >pc.json
aws s3api complete-multipart-upload --bucket data --key pc.bin --upload-id "$upload" \
  --multipart-upload "file://$WORK/pc.json" >/dev/null
aws s3 cp s3://data/pc.bin pc.out >/dev/null
cmp -s pc.out <(head -c $((5 << 20)) large.bin; cat small.bin) || fail "upload-part-copy object differs"
check "upload-part-copy with and without a source range"

# ---------------------------------------------------------------- presigned URLs and anonymous access
url="$(aws s3 presign s3://data/dir/small.bin --expires-in 300)"
curl -sf -o presigned.out "$url" || fail "presigned GET refused"
cmp -s small.bin presigned.out || fail "presigned GET returned other bytes"
url="$(aws s3 presign s3://data/dir/small.bin --expires-in 1)"
sleep 2
code="$(curl -s -o expired.xml -w '%{http_code}' "$url")"
[[ "$code" == 403 ]] && grep -q "AccessDenied" expired.xml || fail "expired presigned URL: $code $(cat expired.xml)"
put_url="$(raw presign PUT /data/presigned-put.bin 300)"
curl -sf -X PUT --data-binary @small.bin "$put_url" >/dev/null || fail "presigned PUT refused"
aws s3 cp s3://data/presigned-put.bin pp.out >/dev/null && cmp -s small.bin pp.out || fail "presigned PUT stored other bytes"
check "presigned GET and PUT work; an expired URL is AccessDenied"

code="$(curl -s -o anon.xml -w '%{http_code}' "$ENDPOINT/data/dir/small.bin")"
[[ "$code" == 403 ]] && grep -q "AccessDenied" anon.xml || fail "anonymous GET of a private bucket: $code"
aws s3api put-bucket-acl --bucket data --acl public-read
curl -sf -o anon.out "$ENDPOINT/data/dir/small.bin" && cmp -s small.bin anon.out || fail "anonymous GET of a public-read bucket"
code="$(curl -s -o anon-put.xml -w '%{http_code}' -X PUT --data-binary @small.bin "$ENDPOINT/data/anon.bin")"
[[ "$code" == 403 ]] || fail "anonymous PUT to a public-read bucket answered $code"
aws s3api put-bucket-acl --bucket data --acl private
code="$(curl -s -o /dev/null -w '%{http_code}' "$ENDPOINT/data/dir/small.bin")"
[[ "$code" == 403 ]] || fail "bucket made private again still readable: $code"
check "anonymous access only to public-read buckets, and never writes"

# ---------------------------------------------------------------- signatures, keys, users
expect_fail_with 254 "SignatureDoesNotMatch" -- env AWS_SECRET_ACCESS_KEY=wrong-secret-key-123 \
  /usr/bin/aws --endpoint-url "$ENDPOINT" s3 ls s3://data
expect_fail_with 254 "InvalidAccessKeyId" -- env AWS_ACCESS_KEY_ID=SKNOSUCHKEY000000000 \
  /usr/bin/aws --endpoint-url "$ENDPOINT" s3 ls s3://data
out="$(raw request GET /data --tamper)"
[[ "$(echo "$out" | status_of)" == 403 && "$out" == *SignatureDoesNotMatch* ]] || fail "tampered signature: $out"
check "wrong secret, unknown access key and a tampered signature are refused"

# A second user: own buckets only.
stop_server
cat >>"$WORK/store/strata.toml" <<'TOML'

[[users]]
name = "bob"
access_key = "SKBOBBOBBOBBOBBOB000"
secret_key = "bob-secret-key-0123456789"
TOML
start_server "$WORK/store"
export ENDPOINT
bob() { env AWS_ACCESS_KEY_ID=SKBOBBOBBOBBOBBOB000 AWS_SECRET_ACCESS_KEY=bob-secret-key-0123456789 \
  /usr/bin/aws --endpoint-url "$ENDPOINT" "$@"; }
bob s3 mb s3://bobs >/dev/null || fail "bob cannot make a bucket"
bob s3 cp small.bin s3://bobs/x >/dev/null || fail "bob cannot write his bucket"
expect_fail_with 1 "(403)" -- env AWS_ACCESS_KEY_ID=SKBOBBOBBOBBOBBOB000 \
  AWS_SECRET_ACCESS_KEY=bob-secret-key-0123456789 /usr/bin/aws --endpoint-url "$ENDPOINT" s3 cp s3://data/dir/small.bin "$WORK/x"
bob s3 ls | grep " data$" >/dev/null && fail "bob sees the admin's bucket"
expect_fail_with 254 "BucketAlreadyExists" -- env AWS_ACCESS_KEY_ID=SKBOBBOBBOBBOBBOB000 \
  AWS_SECRET_ACCESS_KEY=bob-secret-key-0123456789 /usr/bin/aws --endpoint-url "$ENDPOINT" s3api create-bucket --bucket data
aws s3 ls s3://bobs/x >/dev/null || fail "the administrator cannot read bob's bucket"
check "a second user works in his own bucket and cannot read another's"

# ---------------------------------------------------------------- XML and body errors
out="$(raw request POST '/data?delete' --data '<Delete><Object><Key>a</Key></Obj')"
[[ "$(echo "$out" | status_of)" == 400 && "$out" == *MalformedXML* ]] || fail "malformed XML: $out"
out="$(raw request PUT /data/md5.bin --data hello -H 'Content-MD5: XrY7u+Ae7tCTyyK7j1rNww==')"
[[ "$(echo "$out" | status_of)" == 400 && "$out" == *BadDigest* ]] || fail "wrong Content-MD5: $out"
out="$(raw request PUT /data/crc.bin --data hello -H 'x-amz-checksum-crc32: AAAAAA==')"
[[ "$(echo "$out" | status_of)" == 400 && "$out" == *BadDigest* ]] || fail "wrong CRC32: $out"
out="$(raw request GET /data/md5.bin)"
[[ "$(echo "$out" | status_of)" == 404 && "$out" == *NoSuchKey* ]] || fail "an object that failed its digest exists: $out"
check "malformed XML, a wrong Content-MD5 and a wrong CRC32 are refused and store nothing"
out="$(raw request PUT /data/crc.bin --data hello -H 'x-amz-checksum-crc32: NhCmhg==')"
[[ "$(echo "$out" | status_of)" == 200 ]] || fail "right CRC32 refused: $out"
out="$(raw request HEAD /data/crc.bin -H 'x-amz-checksum-mode: ENABLED')"
[[ "$out" == *"x-amz-checksum-crc32: NhCmhg=="* ]] || fail "HEAD does not return the CRC32: $out"
check "x-amz-checksum-crc32 verified, stored and returned"

# ---------------------------------------------------------------- delete-objects, rb
aws s3api delete-objects --bucket data --delete '{"Objects":[{"Key":"copy.bin"},{"Key":"never-there"}]}' >/dev/null
aws s3 ls s3://data/copy.bin >/dev/null && fail "delete-objects left copy.bin"
expect_fail_with 254 "BucketNotEmpty" -- /usr/bin/aws --endpoint-url "$ENDPOINT" s3api delete-bucket --bucket data
aws s3 rb --force s3://data >/dev/null || fail "rb --force"
aws s3 ls | grep " data$" >/dev/null && fail "bucket data still listed"
check "delete-objects, BucketNotEmpty, rb --force"

stop_server
grep -q "stopped" "$WORK/server.log" || fail "the server did not report a clean stop"
check "SIGTERM stops the server cleanly"
finish_test
