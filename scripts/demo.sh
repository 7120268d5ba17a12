#!/usr/bin/env bash
# The main job: builds everything (native and WebAssembly), then encrypts and decrypts a sample document and file
# natively (C ABI and CLI) and through the wasm module (JS package in node), showing what a server would store.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
step() { printf '\n=== %s\n' "$*"; }

step "build: native"
scripts/build-native.sh build -DCMAKE_BUILD_TYPE=Release >/dev/null
step "build: WebAssembly and the JS package"
scripts/build-wasm.sh >/dev/null
(cd bindings/js && npm ci --silent --no-audit --no-fund && npm run --silent build)

step "native, through the C ABI"
build/bindings/c/coffre_demo

step "native, through the coffre CLI"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
coffre=build/cli/coffre
head -c 3000000 /dev/urandom >"$work/report.pdf"
$coffre keygen --symmetric -o "$work/my.key"
$coffre encrypt --key-file "$work/my.key" --id drive:file/91ab -i "$work/report.pdf" -o "$work/report.pdf.coffre"
echo "  the server stores report.pdf.coffre; its public header:"
$coffre inspect "$work/report.pdf.coffre" | sed 's/^/    /'
$coffre decrypt --key-file "$work/my.key" --id drive:file/91ab -i "$work/report.pdf.coffre" -o "$work/back.pdf"
cmp "$work/report.pdf" "$work/back.pdf" && echo "  decrypted copy is identical"
if $coffre decrypt --key-file "$work/my.key" --id drive:file/other -i "$work/report.pdf.coffre" -o "$work/x" 2>"$work/err"; then
  echo "demo: a file opened under another id" >&2
  exit 1
fi
echo "  opened as another file id: $(cat "$work/err")"
test ! -e "$work/x" && echo "  and no output file was left behind"

step "WebAssembly, through @coffre/core in node"
node bindings/js/examples/demo.mjs

step "demo finished: everything above round-tripped, and every forgery was refused"
