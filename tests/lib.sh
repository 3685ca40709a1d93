# Helpers shared by the end-to-end tests in tests/*_test.sh. A test script does
#
#   set -euo pipefail
#   source "$(dirname "$0")/lib.sh"
#   start_test "$@"          # STRATA=<absolute binary>, WORK=<fresh temp dir>, cd "$WORK"
#   ...                      # check / fail / expect_fail_with ...
#   finish_test              # prints "N passed, 0 failed"
#
# Every assertion prints "ok - ..." as it passes; the first failure prints
# "not ok - ..." with the tally and exits 1. WORK
# is removed on exit, whatever happens (unless KEEP_WORK is set, for
# debugging); a test may add its own clean-up (e.g. an unmount) with on_exit.

# The system python3 when there is one: version-manager shims on PATH can cost
# a good part of a second per start, and the tests start python3 often.
if [[ -x /usr/bin/python3 ]]; then
  python3() { /usr/bin/python3 "$@"; }
fi

PASSED=0
CLEANUPS=()

fail() {
  echo "not ok - $*"
  echo "$PASSED passed, 1 failed"
  exit 1
}

# use_seed: seeds $RANDOM from $SEED (random unless given) and prints how to
# rerun the same choices.
use_seed() {
  SEED="${SEED:-$RANDOM}"
  echo "# seed $SEED (rerun with SEED=$SEED)"
  RANDOM=$SEED
}

# verify_objects BUCKET WHAT: every key in the array `keys` reads back equal to
# src/KEY, and BUCKET/small/ equals the local directory small/.
verify_objects() {
  local bucket="$1" what="$2" k
  rm -rf out && mkdir out
  for k in "${keys[@]}"; do
    strata get "$bucket/$k" "out/$k" || fail "$what: get $bucket/$k failed"
    cmp -s "src/$k" "out/$k" || fail "$what: $bucket/$k differs"
  done
  strata get -r "$bucket/small/" out/small || fail "$what: get -r $bucket/small/ failed"
  diff -r small out/small >/dev/null || fail "$what: small files differ"
  check "$what: all ${#keys[@]} objects and the small files identical"
}

check() {
  PASSED=$((PASSED + 1))
  echo "ok - $*"
}

# sha FILE: the SHA-256 of a file's bytes.
sha() {
  sha256sum "$1" | cut -d' ' -f1
}

# expect_fail_with CODE SUBSTRING -- COMMAND...: runs COMMAND and asserts that
# it exits with CODE and that its standard error contains SUBSTRING. The
# standard error is kept in LAST_STDERR for further checks.
LAST_STDERR=""
expect_fail_with() {
  local want_code="$1" want_text="$2"
  shift 2
  [[ "${1:-}" == "--" ]] && shift
  local err_file rc=0
  err_file="$(mktemp "${WORK:-/tmp}/stderr.XXXXXX")"
  "$@" >/dev/null 2>"$err_file" || rc=$?
  LAST_STDERR="$(cat "$err_file")"
  rm -f "$err_file"
  if [[ "$rc" != "$want_code" ]]; then
    fail "'$*' exited $rc, expected $want_code (stderr: $LAST_STDERR)"
  fi
  if [[ "$LAST_STDERR" != *"$want_text"* ]]; then
    fail "'$*' stderr lacks '$want_text' (stderr: $LAST_STDERR)"
  fi
}

# jget EXPR: reads JSON on stdin and prints the Python expression EXPR, in
# which the document is `d` (e.g. jget 'd["health"]'). Fails on bad JSON.
jget() {
  python3 -c 'import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$1"
}

# is_json: succeeds when stdin is one JSON document.
is_json() {
  python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null
}

# count_blocks DIR: the number of published block files (*.blk) under DIR.
count_blocks() {
  find "$1" -type f -name '*.blk' 2>/dev/null | wc -l
}

# count_tmp DIR: files in the tmp/ directory of every drive directory in DIR.
count_tmp() {
  local n=0 d
  for d in "$1"/*/tmp; do
    [[ -d "$d" ]] || continue
    n=$((n + $(find "$d" -type f | wc -l)))
  done
  echo "$n"
}

# check_clean WHAT: the store at $STORE (drives under $DRIVES) after
# recovery: no temporaries, no blocks that no committed object needs (scrub
# would remove them as orphans), and nothing damaged.
check_clean() {
  local what="$1" tmp scrub
  tmp=$(count_tmp "$DRIVES")
  [[ "$tmp" == 0 ]] || fail "$what: $tmp files remain in the drives' tmp/ directories"
  scrub=$("$STRATA" --store "$STORE" scrub -q --no-repair --json) || fail "$what: scrub --no-repair failed: $scrub"
  [[ "$(jget '[d["orphans_removed"], d["temporaries_removed"], d["blocks_damaged"]]' <<<"$scrub")" == "[0, 0, 0]" ]] ||
    fail "$what: scrub after recovery removed orphans or temporaries, or found damage: $scrub"
}

# random_file PATH BYTES: a file of BYTES random bytes.
random_file() {
  head -c "$2" /dev/urandom >"$1"
}

# snapshot FILE: a semantic picture of the store at $STORE: settings, buckets,
# objects (key, etag, version, size) and every file on its drives (those not
# removed) with its hash. (catalog.db itself changes on any open: drive
# capacities are refreshed.)
snapshot() {
  local s="$STRATA --store $STORE -q" b p
  {
    sha256sum "$STORE/strata.toml"
    $s ls --json | jget '[b["name"] for b in d]'
    for b in $($s ls --json | jget '" ".join(b["name"] for b in d)'); do
      $s ls -r --json "$b" | jget '[(o["key"], o["etag"], o["version_id"], o["size"]) for o in d["objects"]]'
    done
    for p in $($s status --json | jget '" ".join(x["path"] for x in d["drives"] if x["state"] != "removed")'); do
      [[ "$p" == /* ]] || p="$STORE/$p"
      find "$p" -type f | sort | xargs -r sha256sum
    done
  } > "$1"
}

# refused_unchanged "what": the store is as it was at the last `snapshot
# snap.before`.
refused_unchanged() {
  snapshot snap.after
  diff snap.before snap.after > snap.diff || fail "$1 changed the store: $(cat snap.diff)"
  check "$1: refused, store unchanged"
}

on_exit() {
  CLEANUPS+=("$1")
}

run_cleanups() {
  local i
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUPS[$i]}" || true
  done
  cd /
  if [[ -n "${KEEP_WORK:-}" ]]; then
    echo "# kept $WORK" >&2
  elif [[ -n "${WORK:-}" && -d "$WORK" ]]; then
    rm -rf "$WORK"
  fi
  return 0
}

start_test() {
  [[ $# -ge 1 && -x "$1" ]] || { echo "usage: bash $0 /path/to/strata" >&2; exit 2; }
  STRATA="$(realpath "$1")"
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/strata-e2e.XXXXXX")"
  trap run_cleanups EXIT
  # A command that fails outside any assertion ends the test (set -e): say where.
  set -E
  trap 'echo "not ok - unexpected failure (exit $?) at ${BASH_SOURCE[0]##*/} line $LINENO: $BASH_COMMAND"
        echo "$PASSED passed, 1 failed"' ERR
  cd "$WORK" || exit 2
  TEST_START=$SECONDS
}

finish_test() {
  echo "# $(basename "$0") took $((SECONDS - TEST_START)) s"
  echo "$PASSED passed, 0 failed"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server STORE [ARGS...]: runs `strata --store STORE serve` on a free
# loopback port in the background, waits until it answers, and sets
# ENDPOINT, ACCESS_KEY, SECRET_KEY and SERVER_PID. The server is stopped when
# the test exits; its output is in $WORK/server.log.
start_server() {
  local store="$1"
  shift
  local port
  port="$(free_port)"
  "$STRATA" --store "$store" serve --listen "127.0.0.1:$port" "$@" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  on_exit "kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null || true"
  local i
  for i in $(seq 1 100); do
    if grep -q "serving S3 at" "$WORK/server.log" 2>/dev/null; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || fail "strata serve exited: $(cat "$WORK/server.log")"
    sleep 0.1
  done
  grep -q "serving S3 at" "$WORK/server.log" || fail "strata serve did not start: $(cat "$WORK/server.log")"
  ENDPOINT="$(sed -n 's/.*serving S3 at \([^ ]*\).*/\1/p' "$WORK/server.log" | head -1)"
  ACCESS_KEY="$(sed -n 's/^ *access key: //p' "$WORK/server.log" | head -1)"
  SECRET_KEY="$(sed -n 's/^ *secret key: //p' "$WORK/server.log" | head -1)"
}

# stop_server: SIGTERM, and waits for a clean exit.
stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || fail "strata serve exited with $? after SIGTERM: $(tail -5 "$WORK/server.log")"
}
