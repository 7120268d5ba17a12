#!/usr/bin/env bash
# Build the WebAssembly module and the JS package (bindings/js), then run its tests: node's test runner, headless
# Chromium (a page and a Web Worker, under a strict CSP; both replay vectors/*.json), and the packed package in an
# app bundled by esbuild, vite and webpack (test/bundlers/).
# Works on a fresh Debian 12 as root: installs what is missing (emscripten, cmake, dpkg-dev via the build scripts;
# nodejs/npm, chromium here). Exit status: non-zero on any failure.
# Environment: COFFRE_CHROMIUM (default /usr/bin/chromium), COFFRE_TEST_SEED (reproduce random chunking).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

apt_updated=
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "test-js.sh: missing $*; install them (apt-get install $*) or run as root" >&2
    exit 1
  fi
  if [ -z "$apt_updated" ]; then
    apt-get update -q
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

pkgs=()
command -v node >/dev/null || pkgs+=(nodejs)
# npm only if absent: NodeSource's node bundles its own npm, and Debian's npm package would conflict with it.
command -v npm >/dev/null || pkgs+=(npm)
[ -x "${COFFRE_CHROMIUM:-/usr/bin/chromium}" ] || pkgs+=(chromium)
[ -f /etc/ssl/certs/ca-certificates.crt ] || pkgs+=(ca-certificates)   # npm ci over https
if [ ${#pkgs[@]} -gt 0 ]; then apt_install "${pkgs[@]}"; fi

echo "== wasm build (incremental)"
"$root/scripts/build-wasm.sh"

cd "$root/bindings/js"
echo "== npm ci"
npm ci --no-audit --no-fund
echo "== npm run build"
npm run build
echo "== npm ci (test/bundlers: esbuild, vite, webpack for the bundled-app test)"
(cd test/bundlers && npm ci --no-audit --no-fund)
echo "== npm test (node $(node --version), $("${COFFRE_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | head -1))"
npm test
