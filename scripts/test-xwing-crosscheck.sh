#!/usr/bin/env bash
# Cross-checks coffre's X-Wing against libsodium 1.0.22 (npm libsodium-wrappers-sumo 0.8.4, pinned by
# tests/xwing-crosscheck/package-lock.json) in node, both ways, on COUNT random seeds (tests/xwing-crosscheck/).
# Usage: scripts/test-xwing-crosscheck.sh [BUILD_DIR] [COUNT]   (defaults: build, 200)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
count=${2:-200}

# shellcheck source=lib/npm.sh
. scripts/lib/npm.sh
ensure_npm
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" --target coffre_xwing_tool >/dev/null
(cd tests/xwing-crosscheck && npm ci --ignore-scripts --no-audit --no-fund --silent)
node tests/xwing-crosscheck/crosscheck.mjs "$build/tests/xwing-crosscheck/coffre_xwing_tool" "$count"
