#!/usr/bin/env bash
# The S3 benchmark: starts `strata serve` on a fresh store and nginx (Debian's,
# WebDAV PUT) with its root beside it, both on loopback ports and on the same
# disk, runs strata_s3_bench against the two, and stops them and removes
# everything whatever happens. Called by bench/run.sh; builds nothing.
#
#   bash bench/s3_bench.sh BUILD_DIR [--dir DIR] [strata_s3_bench ARGS...]
#
# --dir DIR: where the work directory goes (default $TMPDIR, else /var/tmp).
set -euo pipefail

if [[ $# -lt 1 || "$1" == -* ]]; then
  echo "usage: bash bench/s3_bench.sh BUILD_DIR [--dir DIR] [strata_s3_bench ARGS...]" >&2
  exit 2
fi
build=$1
shift
parent="${TMPDIR:-/var/tmp}"
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) parent=${2:?--dir needs a directory}; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

strata="$(realpath "$build/strata")"
bench="$(realpath "$build/bench/strata_s3_bench")"
for f in "$strata" "$bench"; do
  [[ -x "$f" ]] || { echo "s3_bench.sh: $f is missing; build it first (make bench)" >&2; exit 1; }
done
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$nginx_bin" ]] || { echo "s3_bench.sh: nginx is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }

work="$(mktemp -d "$parent/strata-s3-bench.XXXXXX")"
strata_pid=""
nginx_pid=""
stop() {
  local pid
  for pid in $strata_pid $nginx_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $strata_pid $nginx_pid; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_port PORT PID NAME LOG: until 127.0.0.1:PORT accepts connections.
wait_for_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()' \
      "$1" 2>/dev/null; then
      return 0
    fi
    kill -0 "$2" 2>/dev/null || { echo "s3_bench.sh: $3 exited: $(cat "$4")" >&2; exit 1; }
    sleep 0.1
  done
  echo "s3_bench.sh: $3 did not listen on 127.0.0.1:$1: $(cat "$4")" >&2
  exit 1
}

# Strata: a fresh store with an administrator, made by `strata serve` itself.
strata_port="$(free_port)"
"$strata" --store "$work/store" serve --listen "127.0.0.1:$strata_port" > "$work/strata.log" 2>&1 &
strata_pid=$!
wait_for_port "$strata_port" "$strata_pid" "strata serve" "$work/strata.log"
read -r access_key secret_key < <(python3 -c 'import sys, tomllib
u = tomllib.load(open(sys.argv[1], "rb"))["users"][0]
print(u["access_key"], u["secret_key"])' "$work/store/strata.toml")

# nginx: in the foreground of its own process group, a generated config, files
# under $work/nginx/root.
mkdir -p "$work/nginx/root" "$work/nginx/tmp"
nginx_port="$(free_port)"
user_line=""
if [[ "$(id -u)" == 0 ]]; then user_line="user root root;"; fi  # workers write where root can
cat > "$work/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
$user_line
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_max_body_size 0;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/nginx/root;
    location / {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
EOF
"$nginx_bin" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" > "$work/nginx/stdout.log" 2>&1 &
nginx_pid=$!
wait_for_port "$nginx_port" "$nginx_pid" "nginx" "$work/nginx/error.log"

echo "work directory: $work ($(df -T "$work" | awk 'NR == 2 {print $2 " on " $1}'))"
echo "strata serve:   http://127.0.0.1:$strata_port (pid $strata_pid); nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///'): http://127.0.0.1:$nginx_port (pid $nginx_pid)"
"$bench" --strata "127.0.0.1:$strata_port" --access-key "$access_key" --secret-key "$secret_key" \
  --strata-pid "$strata_pid" --nginx "127.0.0.1:$nginx_port" --nginx-pid "$nginx_pid" \
  --nginx-root "$work/nginx/root" "${args[@]+"${args[@]}"}"
