#!/usr/bin/env bash
# Fetch the BIP-39 English wordlist (2048 words) from the npm package bip39@3.1.2 (`npm pack`, no install, no package
# scripts run) into OUTDIR, check the pinned sha256 of the tarball, turn its src/wordlists/english.json into the
# canonical english.txt (one word per line, "\n" after each) and check that file's pinned sha256 too, which is the
# sha256 of english.txt in the BIP-39 repository (bitcoin/bips, bip-0039/english.txt). Prints the path of
# english.txt on stdout.
# Nothing third-party lives in the repo: lib/bip39.cmake runs this at configure time and generates a C++ source
# from english.txt in the build directory. Idempotent; once the tarball is in OUTDIR/dl no network is needed.
# Usage: scripts/fetch-bip39-wordlist.sh OUTDIR
set -euo pipefail
# shellcheck source=lib/npm.sh
. "$(dirname "$0")/lib/npm.sh"

PKG=bip39@3.1.2
TGZ=bip39-3.1.2.tgz
TGZ_SHA256=0fcf279971d7de685f1c61b9557bf87f599db60937a7805e09753cbde0cab6aa
WORDLIST_SHA256=2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda

out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
dir=$out/bip39-3.1.2
txt=$dir/english.txt
stamp=$dir/.coffre-verified   # written last: its presence means "extracted and verified"

# Several build directories may configure at once (each runs this script): one fetch at a time.
exec 9>"$out/.bip39.lock"
flock 9

if [ -f "$stamp" ] && grep -qx "$TGZ_SHA256" "$stamp" && echo "$WORDLIST_SHA256  $txt" | sha256sum -c --quiet - \
    >/dev/null 2>&1; then
  echo "$txt"
  exit 0
fi

dl=$out/dl
npm_pack_pinned "$dl" "$PKG" "$TGZ" "$TGZ_SHA256"

# english.json is a JSON array of lowercase ASCII words, one per line. Taking every "[a-z]+" string in file order
# needs no JSON parser (no node or python at configure time); any mistake would fail the wordlist's sha256 below.
tmp=$dir.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
tar -xzf "$dl/$TGZ" -C "$tmp" --no-same-owner package/src/wordlists/english.json package/LICENSE
grep -o '"[a-z]*"' "$tmp/package/src/wordlists/english.json" | tr -d '"' > "$tmp/english.txt"
(cd "$tmp" && echo "$WORDLIST_SHA256  english.txt" | sha256sum -c --quiet -) >&2
if [ "$(wc -l < "$tmp/english.txt")" -ne 2048 ]; then
  echo "fetch-bip39-wordlist.sh: english.txt does not have 2048 lines" >&2
  exit 1
fi
mv "$tmp/package/LICENSE" "$tmp/LICENSE.bip39"
rm -rf "$tmp/package"
rm -rf "$dir"
mv "$tmp" "$dir"
{ echo "$TGZ_SHA256"; echo "$WORDLIST_SHA256"; echo "$PKG"; } > "$stamp"
echo "$txt"
