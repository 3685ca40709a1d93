#!/usr/bin/env bash
# Installs every Debian package Strata needs to build, test and benchmark,
# and the npm packages of the JavaScript S3 test (tests/js, with `npm ci`).
# Idempotent: packages already present are left alone, and apt and npm are
# only called when something is missing. Run as root (or with sudo available).
# Usage: scripts/install-deps.sh [--fuzz]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config g++
  libisal-dev            # Reed-Solomon erasure coding and CRC32C
  libsqlite3-dev sqlite3 # embedded catalog
  libssl-dev             # MD5 for S3 ETags, SHA-256
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  python3 util-linux     # used by the end-to-end tests (JSON checks, mount)
  libboost-dev           # Boost.Beast and Asio: the S3 server and the S3 benchmark's client
  libpugixml-dev         # S3 request documents (XML)
  libsnappy-dev libzstd-dev zlib1g-dev  # Parquet page codecs
  libroaring-dev         # compressed bitmaps of the table indexes
  libxgboost-dev         # gradient-boosted trees of the popularity engine
  curl openssl           # the S3 tests: presigned URLs, CORS, a TLS certificate
  awscli rclone          # S3 clients of the end-to-end tests
  nginx                  # the S3 benchmark's baseline web server
)

# `install-deps.sh --fuzz` adds clang and its libFuzzer runtime (make fuzz).
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js and npm for tests/js: Debian's, but only when there is no npm at all;
# a machine with node and npm from elsewhere keeps them (Debian's npm would
# conflict with them).
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The AWS SDK for JavaScript of tests/s3_js_sdk_test.sh, at the exact versions
# of tests/js/package-lock.json, when node_modules is missing or older than
# the lock file.
js_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/js"
if [ ! -d "$js_dir/node_modules" ] || [ "$js_dir/package-lock.json" -nt "$js_dir/node_modules" ]; then
  echo "install-deps: npm ci in tests/js"
  npm ci --prefix "$js_dir" --no-audit --no-fund
  touch "$js_dir/node_modules"
fi
