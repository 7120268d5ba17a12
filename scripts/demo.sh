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

step "accounts, sharing and Drive, through the coffre CLI (two users, one untrusted store)"
st="$work/store"
A=(--home "$work/alice" --store "$st")
B=(--home "$work/bob" --store "$st")
user_of() { sed -n 's/^ *user id: *\([0-9a-f]\{32\}\)$/\1/p' "$1"; }
$coffre init --name alice-laptop --no-passphrase "${A[@]}" >"$work/alice-init" 2>&1
$coffre init --name bob-phone --no-passphrase "${B[@]}" >"$work/bob-init" 2>&1
alice=$(user_of "$work/alice-init")
bob=$(user_of "$work/bob-init")
echo "  alice ($alice) and bob ($bob) created their accounts; each saw a 24-word recovery phrase once"
$coffre fingerprint "$bob" "${A[@]}" | sed 's/^/    /'
$coffre encrypt -r "$bob" "$work/report.pdf" -o "$work/report.shared" "${A[@]}" 2>&1 | sed 's/^/  /'
$coffre decrypt "$work/report.shared" -o "$work/bob.pdf" "${B[@]}"
cmp "$work/report.pdf" "$work/bob.pdf" && echo "  bob decrypted alice's shared file: identical"
doc=$(find "$st/docs" -name '*.wrap' -path "*/$bob.wrap" | head -n 1)
cp "$doc" "$work/wrap.saved"
printf '\x01' | dd of="$doc" bs=1 seek=1300 conv=notrunc status=none
if $coffre decrypt "$work/report.shared" -o "$work/y" "${B[@]}" 2>"$work/err"; then
  echo "demo: a tampered wrap opened" >&2
  exit 1
fi
echo "  the store flipped a byte of bob's wrap: $(cat "$work/err")"
cp "$work/wrap.saved" "$doc"
$coffre drive mkdir /projects "${A[@]}"
$coffre drive put "$work/report.pdf" /projects/report.pdf "${A[@]}" 2>/dev/null
echo "  alice's drive, listed and decrypted client-side:"
$coffre drive ls -l /projects "${A[@]}" | sed 's/^/    /'
$coffre drive share /projects "$bob" "${A[@]}" | sed 's/^/  /'
shared=$($coffre drive ls --shared "${B[@]}" | awk '{print $1; exit}')
$coffre drive get "$shared/report.pdf" "$work/bob-drive.pdf" "${B[@]}" 2>/dev/null
cmp "$work/report.pdf" "$work/bob-drive.pdf" && echo "  bob opened $shared/report.pdf from the shared folder: identical"
echo "  what the store holds (public records, signed lists, wraps, ciphertext; no name, no key):"
(cd "$st" && find . -type f | sed 's|^\./||' | awk -F/ '{print $1"/"$2}' | sort | uniq -c | sed 's/^/    /')

step "WebAssembly, through @coffre/core in node"
node bindings/js/examples/demo.mjs

step "demo finished: everything above round-tripped, and every forgery was refused"
