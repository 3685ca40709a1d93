#!/usr/bin/env bash
# Retention rules end to end: [[retention]] in strata.toml expires objects
# under a prefix N days after they were last written, with warnings M days
# before; the longest matching prefix applies. `strata retention --at DATE`
# looks ahead, --expire deletes what has expired, and the server lists the
# same at GET /api/v1/retention for the administrator. A rule whose warning
# is not shorter than its expiry is refused with its line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_test "$@"

STORE="$WORK/store"
strata() { "$STRATA" --store "$STORE" -q "$@"; }
strata init >/dev/null
strata mb scope
echo frame >frame.tif
for key in movies/a.tif movies/raw/b.tif papers/c.pdf; do strata put frame.tif "scope/$key"; done
cp "$STORE/strata.toml" strata.toml.orig
cat >>"$STORE/strata.toml" <<'TOML'
[[retention]]
prefix = "scope/movies/"
expire_after_days = 60
warn_days = 14

[[retention]]
prefix = "scope/movies/raw/"
expire_after_days = 7
TOML

# keys JSON LIST: the bucket/key names in report LIST, space-separated.
keys() { python3 -c 'import json,sys; print(" ".join(e["bucket"]+"/"+e["key"] for e in json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"; }
strata --json retention >now.json
[[ -z $(keys now.json warnings) && -z $(keys now.json expired) ]] || fail "fresh objects flagged: $(cat now.json)"
strata --json retention --at "$(date -u -d '+50 days' +%F)" >d50.json
[[ $(keys d50.json warnings) == "scope/movies/a.tif" ]] || fail "day 50 warnings: $(cat d50.json)"
[[ $(keys d50.json expired) == "scope/movies/raw/b.tif" ]] || fail "day 50 expired: $(cat d50.json)"
strata --json retention --at "$(date -u -d '+61 days' +%F)" >d61.json
[[ $(keys d61.json expired) == "scope/movies/a.tif scope/movies/raw/b.tif" ]] || fail "day 61: $(cat d61.json)"
check "warned 14 days ahead under the 60-day rule; raw/ expires after 7 under the longer prefix; papers/ never"

strata retention --at "$(date -u -d '+50 days' +%F)" >d50.txt
grep -E '^warning	scope/movies/a.tif	.*expires .*\(rule scope/movies/\)$' d50.txt >/dev/null || fail "text: $(cat d50.txt)"
expect_fail_with 2 "does not take --at" -- strata retention --expire --at 2030-01-01
expect_fail_with 2 "date 'soon' is not YYYY-MM-DD" -- strata retention --at soon
strata --json retention --expire >expire.json
[[ $(python3 -c 'import json;print(json.load(open("expire.json"))["deleted"])' ) == 0 ]] || fail "$(cat expire.json)"
for key in movies/a.tif movies/raw/b.tif papers/c.pdf; do strata stat "scope/$key" >/dev/null || fail "$key deleted early"; done
check "text listing; --expire deletes nothing before its time; --expire with --at refused"

cp strata.toml.orig "$STORE/strata.toml"
printf '\n[[retention]]\nprefix = "scope/movies/"\nexpire_after_days = 14\nwarn_days = 14\n' >>"$STORE/strata.toml"
line=$(grep -n '^warn_days = 14' "$STORE/strata.toml" | cut -d: -f1)
expect_fail_with 2 "strata.toml line $line: warn_days in [[retention]] must be less than expire_after_days (14)" -- strata retention
cp strata.toml.orig "$STORE/strata.toml"
printf '\n[[retention]]\nprefix = "movies"\nexpire_after_days = 5\n' >>"$STORE/strata.toml"
expect_fail_with 2 "prefix in [[retention]] must be bucket/ or bucket/prefix, got 'movies'" -- strata retention
check "bad rules refused with their line"

cp strata.toml.orig "$STORE/strata.toml"
printf '\n[[retention]]\nprefix = "scope/movies/"\nexpire_after_days = 60\nwarn_days = 14\n' >>"$STORE/strata.toml"
start_server "$STORE"
code=$(curl -s -o api.json -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
  -H "x-amz-content-sha256: $(printf '' | sha256sum | cut -d' ' -f1)" "$ENDPOINT/api/v1/retention")
[[ $code == 200 ]] || fail "GET /api/v1/retention: $code $(cat api.json)"
python3 -c 'import json,sys; d=json.load(open("api.json")); assert d["rules"] == 1 and d["warnings"] == [] and d["expired"] == [], d' ||
  fail "API body: $(cat api.json)"
code=$(curl -s -o denied.json -w '%{http_code}' "$ENDPOINT/api/v1/retention")
[[ $code == 403 ]] || fail "anonymous GET /api/v1/retention: $code $(cat denied.json)"
stop_server
check "GET /api/v1/retention for the administrator; anonymous callers refused"

finish_test
