#!/usr/bin/env bash
# rclone (Debian's) against `strata serve`: a directory tree of nested
# folders, 200 small files (some empty), one 30 MiB file sent as a multipart
# upload, and names with spaces and non-ASCII characters is copied up, checked
# by `rclone check` (sizes and MD5s), copied back byte-identical, synced after
# a change, and removed with `rclone delete` and `rclone purge`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

command -v rclone >/dev/null || fail "rclone is not installed (scripts/install-deps.sh installs it)"
# rclone 1.60 refuses to start an S3 remote when AWS_CA_BUNDLE is set (even
# for plain HTTP); nothing here uses TLS.
unset AWS_CA_BUNDLE
check "$(rclone version | head -n 1)"

start_server "$WORK/store"
check "strata serve at $ENDPOINT"

# A config of its own, so nothing from the user's rclone.conf takes part.
# Uploads above 8 MiB go multipart in 5 MiB parts, so the 30 MiB file does.
cat > rclone.conf <<EOF
[strata]
type = s3
provider = Other
env_auth = false
access_key_id = $ACCESS_KEY
secret_access_key = $SECRET_KEY
region = us-east-1
endpoint = $ENDPOINT
force_path_style = true
upload_cutoff = 8Mi
chunk_size = 5Mi
EOF
for v in $(compgen -e | grep '^RCLONE_' || true); do unset "$v"; done

# rc ARGS...: rclone with a time limit and its log in rclone.log; a failure
# shows the end of that log.
rc() {
  local status=0
  timeout 300 rclone --config "$WORK/rclone.conf" --log-level ERROR --transfers 4 --checkers 8 "$@" \
    > rclone.out 2> rclone.log || status=$?
  if [[ "$status" != 0 ]]; then
    echo "# rclone $* exited $status; its log:"
    tail -n 30 rclone.log | sed 's/^/#   /'
    echo "# the server's log:"
    tail -n 30 "$WORK/server.log" | sed 's/^/#   /'
  fi
  return "$status"
}

# The tree: 200 small files over nested folders (5 of them empty), one 30 MiB
# file, names with spaces, accents, CJK and an emoji.
python3 - <<'EOF'
import os, random
rng = random.Random(20240611)
dirs = ["tree", "tree/a", "tree/a/b", "tree/a/b/c", "tree/with space", "tree/données/été",
        "tree/日本語/フォルダ", "tree/deep/1/2/3/4/5"]
names = ["plain", "with space", "naïve café", "ファイル", "emoji 🚀", "dash-and_underscore", "UPPER.Case"]
for d in dirs:
    os.makedirs(d, exist_ok=True)
for i in range(200):
    d = dirs[i % len(dirs)]
    name = f"{names[i % len(names)]} {i:03d}.dat"
    size = 0 if i % 40 == 7 else rng.choice([1, 100, 4096, 5000, 65535, 65536, 100000])
    with open(os.path.join(d, name), "wb") as f:
        f.write(os.urandom(size))
with open("tree/a/b/big file 30MiB.bin", "wb") as f:
    for _ in range(30):
        f.write(os.urandom(1 << 20))
EOF
files=$(find tree -type f | wc -l)
empty=$(find tree -type f -empty | wc -l)
[[ "$files" == 201 && "$empty" == 5 ]] || fail "the tree has $files files ($empty empty), expected 201 (5 empty)"
check "local tree: 201 files (5 empty, one of 30 MiB) in 8 nested folders, non-ASCII names"

rc mkdir strata:rclone-test || fail "rclone mkdir strata:rclone-test"
rc lsd strata: || fail "rclone lsd strata:"
grep -q ' rclone-test$' rclone.out || fail "rclone lsd does not list the bucket: $(cat rclone.out)"
check "rclone mkdir creates the bucket; lsd lists it"

rc copy --log-level DEBUG tree strata:rclone-test/tree || fail "rclone copy tree strata:rclone-test/tree"
grep -q 'big file 30MiB.bin: multipart upload starting chunk 6 size 5Mi' rclone.log ||
  fail "rclone did not upload the 30 MiB file in six 5 MiB parts: $(grep -i 'big file' rclone.log | head -n 5)"
check "rclone copy uploads the tree (the 30 MiB file as a multipart upload of 6 parts)"

rc lsf -R --files-only strata:rclone-test/tree || fail "rclone lsf -R"
[[ "$(wc -l < rclone.out)" == 201 ]] || fail "rclone lsf lists $(wc -l < rclone.out) files, expected 201"
(cd tree && find . -type f | sed 's|^\./||' | LC_ALL=C sort) > local.list
LC_ALL=C sort rclone.out > remote.list
diff local.list remote.list > names.diff || fail "remote names differ from local ones: $(head -n 20 names.diff)"
check "rclone lsf -R: the same 201 names, unicode and spaces intact"

rc lsl --log-level DEBUG --dump headers "strata:rclone-test/tree/a/b/big file 30MiB.bin" || fail "rclone lsl of the 30 MiB file"
[[ "$(awk '{print $1}' rclone.out)" == $((30 << 20)) ]] || fail "the 30 MiB object has size $(cat rclone.out)"
grep -qi '^Etag: "[0-9a-f]\{32\}-6"' rclone.log || fail "the 30 MiB object has no multipart ETag (md5-6): $(grep -i etag rclone.log)"
grep -qi '^X-Amz-Meta-Md5chksum: ' rclone.log || fail "the multipart upload lost rclone's md5chksum metadata"
check "the 30 MiB object: its size, a multipart ETag (-6), rclone's MD5 metadata kept"

rc check --log-level NOTICE tree strata:rclone-test/tree || fail "rclone check found differences"
grep -q ' 0 differences found' rclone.log && grep -q ' 201 matching files' rclone.log ||
  fail "rclone check did not report 201 matching files: $(cat rclone.log)"
! grep -q 'hashes could not be checked' rclone.log ||
  fail "rclone check could not compare every MD5 (multipart md5chksum metadata lost?): $(cat rclone.log)"
check "rclone check: sizes and MD5s match for all 201 files"

rc copy strata:rclone-test/tree back || fail "rclone copy back"
diff -r tree back > back.diff || fail "the tree copied back differs: $(head -n 20 back.diff)"
[[ "$(find back -type f | wc -l)" == 201 && "$(find back -type f -empty | wc -l)" == 5 ]] ||
  fail "the tree copied back does not have 201 files, 5 empty"
check "rclone copy back gives an identical tree (diff -r)"

# A change and a removal, then sync: the remote follows.
head -c 7777 /dev/urandom > "tree/a/with space 001.dat"
rm "tree/日本語/フォルダ/naïve café 030.dat"
rc sync tree strata:rclone-test/tree || fail "rclone sync"
rc check tree strata:rclone-test/tree || fail "rclone check after sync found differences"
rc lsf -R --files-only strata:rclone-test/tree || fail "rclone lsf -R after sync"
[[ "$(wc -l < rclone.out)" == 200 ]] || fail "after sync the remote has $(wc -l < rclone.out) files, expected 200"
check "rclone sync: a changed file replaced, a removed one deleted; check passes"

rc delete strata:rclone-test/tree || fail "rclone delete"
rc lsf -R --files-only strata:rclone-test || fail "rclone lsf after delete"
[[ ! -s rclone.out ]] || fail "objects left after rclone delete: $(head -n 5 rclone.out)"
check "rclone delete removes every object"

rc copy tree strata:rclone-test/again || fail "rclone copy before purge"
rc purge strata:rclone-test || fail "rclone purge"
rc lsd strata: || fail "rclone lsd after purge"
! grep -q ' rclone-test$' rclone.out || fail "the bucket is still listed after rclone purge"
check "rclone purge removes the objects and the bucket"

stop_server
grep -q 'strata: stopped' "$WORK/server.log" || fail "strata serve did not say 'strata: stopped' after SIGTERM"
check "SIGTERM stops strata serve cleanly (exit 0)"
finish_test
