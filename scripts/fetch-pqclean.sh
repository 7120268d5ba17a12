#!/usr/bin/env bash
# Fetch PQClean's ML-KEM-768 "clean" C sources from the npm package pqclean@0.8.1 (`npm pack`, no install, no
# package scripts run) into OUTDIR, check the pinned sha256 of the tarball, extract only what coffre compiles and
# print the source dir on stdout (it holds crypto_kem/ml-kem-768/clean/ and common/).
# Nothing third-party lives in the repo: lib/mlkem768.cmake runs this at configure time. Idempotent; once the
# tarball is in OUTDIR/dl no network is needed.
# Usage: scripts/fetch-pqclean.sh OUTDIR
set -euo pipefail
# shellcheck source=lib/npm.sh
. "$(dirname "$0")/lib/npm.sh"

PKG=pqclean@0.8.1
TGZ=pqclean-0.8.1.tgz
TGZ_SHA256=0ba5483b34b8d8dce03d569c8a8962049ff94723c26184fa84a0bc6b2b0f4a36

out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/pqclean-0.8.1
stamp=$src/.coffre-verified   # written last: its presence means "extracted and verified"

# Several build directories may configure at once (each runs this script): one fetch at a time.
exec 9>"$out/.pqclean.lock"
flock 9

if [ -f "$stamp" ] && grep -qx "$TGZ_SHA256" "$stamp"; then
  echo "$src"
  exit 0
fi

dl=$out/dl
npm_pack_pinned "$dl" "$PKG" "$TGZ" "$TGZ_SHA256"

# Only ML-KEM-768 (clean) and the common files it includes: fips202 (SHA3/SHAKE), compat.h, randombytes.h (the
# header only: coffre supplies PQCLEAN_randombytes, see lib/src/crypto/mlkem768/). PQClean's common/randombytes.c is
# never extracted.
pq=package/deps/PQClean
tmp=$src.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
tar -xzf "$dl/$TGZ" -C "$tmp" --no-same-owner \
  "$pq/crypto_kem/ml-kem-768/clean" \
  "$pq/common/fips202.c" "$pq/common/fips202.h" "$pq/common/compat.h" "$pq/common/randombytes.h" \
  package/LICENSE
mv "$tmp/$pq/crypto_kem" "$tmp/$pq/common" "$tmp/"
mv "$tmp/package/LICENSE" "$tmp/LICENSE.node-pqclean"
rm -rf "$tmp/package"
rm -rf "$src"
mv "$tmp" "$src"
{ echo "$TGZ_SHA256"; echo "$PKG"; } > "$stamp"
echo "$src"
