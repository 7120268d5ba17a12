#!/usr/bin/env bash
# Build libsodium for wasm from Debian's source package and run wasm/smoke under node.
# Usage: scripts/build-wasm-smoke.sh [BUILD_DIR]   (default: build-wasm-smoke)
# Exit status: non-zero if fetching, building or any smoke check fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-wasm-smoke}

if ! command -v emcmake >/dev/null; then
  apt-get update -q >&2
  apt-get install -y --no-install-recommends emscripten >&2
fi
# The source lives outside the build dir so a clean rebuild does not re-download it.
src=$("$root/scripts/fetch-libsodium-source.sh" "$root/.deps")

# NODE_PATH: emcc's link step needs acorn, which Debian ships outside NodeSource node's
# search path. EM_CACHE stays unset: Debian's prebuilt system-library cache is read-only.
emcmake cmake -S "$root/wasm/smoke" -B "$build" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCOFFRE_LIBSODIUM_SRC="$src" \
  "-DCMAKE_C_LINKER_LAUNCHER=env;NODE_PATH=/usr/share/nodejs" >&2
start=$(date +%s)
cmake --build "$build" -j"$(nproc)" >&2
echo "wasm build: $(( $(date +%s) - start )) s" >&2

node "$build/smoke.js"
