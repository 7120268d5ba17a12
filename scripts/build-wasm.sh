#!/usr/bin/env bash
# Build the WebAssembly module of coffre (wasm/CMakeLists.txt: the C ABI + lib + libsodium and utf8proc from Debian's
# source packages) and copy it into bindings/js/wasm/, where the JS package's `npm run build` picks it up.
# Usage: scripts/build-wasm.sh [BUILD_DIR]   (default: build-wasm). Incremental: cheap when nothing changed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-wasm}

missing=()
command -v emcmake >/dev/null || missing+=(emscripten)
command -v cmake >/dev/null || missing+=(cmake)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q >&2
  apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

# libsodium 1.0.18 and utf8proc 2.8.0 sources from `apt-get source` (pinned sha256), outside the build dir so a clean
# build reuses them.
src=$("$root/scripts/fetch-libsodium-source.sh" "$root/.deps")
utf8proc_src=$("$root/scripts/fetch-utf8proc-source.sh" "$root/.deps")

# wasm/CMakeLists.txt points emcc's link step at Debian's acorn (NODE_PATH=/usr/share/nodejs) by itself.
# EM_CACHE stays unset: Debian's prebuilt system-library cache is read-only.
if [ ! -f "$build/CMakeCache.txt" ] || ! grep -q "^COFFRE_UTF8PROC_SRC:.*=$utf8proc_src\$" "$build/CMakeCache.txt"; then
  emcmake cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOFFRE_LIBSODIUM_SRC="$src" \
    -DCOFFRE_UTF8PROC_SRC="$utf8proc_src" >&2
fi
cmake --build "$build" --target coffre_wasm -j"$(nproc)" >&2

out=$root/bindings/js/wasm
mkdir -p "$out"
cp "$build/wasm/coffre.mjs" "$build/wasm/coffre.wasm" "$out/"
wasm_size=$(stat -c %s "$out/coffre.wasm")
gz_size=$(gzip -9c "$out/coffre.wasm" | wc -c)
echo "coffre.wasm: $wasm_size bytes ($gz_size gzipped), coffre.mjs: $(stat -c %s "$out/coffre.mjs") bytes -> $out" >&2
