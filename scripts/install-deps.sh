#!/usr/bin/env bash
# Installs every Debian package Strata needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and apt is only called
# when something is missing. Run as root (or with sudo available).
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

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
