#!/usr/bin/env bash
# The browser tests: Debian's Chromium (installed from Debian's packages if missing), driven
# by playwright-core from tests/browser's committed lockfile, against HEARTH_BIN (by default
# the release binary, which must be built first).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium"
  sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed apt-get update -q
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -q chromium
fi
cd tests/browser
npm ci --no-audit --no-fund --ignore-scripts
# Every *.test.js here (the walk, the manager's pages, ...), each file in its own process.
HEARTH_BIN="${HEARTH_BIN:-$(pwd)/../../target/release/hearth}" CHROMIUM="$(command -v chromium)" node --test ./*.test.js
