#!/usr/bin/env bash
# Fetch libsodium 1.0.18 source from Debian (`apt-get source`) into OUTDIR, check the
# pinned sha256 of the upstream tarball, unpack it with Debian's patches (incl. the
# security fix of 1.0.18-1+deb12u1) and print the source dir on stdout.
# Nothing third-party lives in the repo: this runs at build time. Idempotent.
# Usage: scripts/fetch-libsodium-source.sh OUTDIR
set -euo pipefail

ORIG=libsodium_1.0.18.orig.tar.gz
ORIG_SHA256=d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4

out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/libsodium-1.0.18
stamp=$src/.coffre-verified   # written last: its presence means "extracted and verified"

if [ -f "$stamp" ] && grep -qx "$ORIG_SHA256" "$stamp"; then
  echo "$src"
  exit 0
fi

# dpkg-source comes with dpkg-dev (absent from minimal images, which also have no lists).
if ! command -v dpkg-source >/dev/null; then
  apt-get update -q >&2
  apt-get install -y --no-install-recommends dpkg-dev >&2
fi

# Private apt configuration: the system may have no deb-src entry and we must not edit
# /etc/apt. Mirror the system's `deb` entries (same URIs/Suites/Components/Signed-By)
# as `deb-src`, with private lists/cache so the system apt state is untouched.
apt=$out/apt
rm -rf "$apt"
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  # deb822 (Debian 12 default): same stanzas, Types rewritten.
  sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
    > "$apt/sources.list.d/debian-src.sources"
fi
if [ -f /etc/apt/sources.list ]; then
  # One-line format: `deb [opts] uri suite comps` -> `deb-src [opts] uri suite comps`.
  sed -nE 's/^[[:space:]]*deb[[:space:]]+/deb-src /p' /etc/apt/sources.list \
    > "$apt/sources.list.d/debian-src.list"
fi
if ! grep -qsE '^(deb-src|Types: deb-src)' "$apt"/sources.list.d/*; then
  echo "no Debian 'deb' entry in /etc/apt/sources.list{,.d/debian.sources}" >&2
  exit 1
fi
aptopts=(
  -o Dir::Etc::SourceList=/dev/null
  -o Dir::Etc::SourceParts="$apt/sources.list.d"
  -o Dir::State::Lists="$apt/lists"
  -o Dir::Cache="$apt/cache"
  -o APT::Sandbox::User=root   # OUTDIR may not be writable by the _apt user
)
apt-get "${aptopts[@]}" -q update >&2

# Download only (apt checks the files against the signed Sources index); unpack ourselves.
dl=$out/dl
rm -rf "$dl"
mkdir -p "$dl"
(cd "$dl" && apt-get "${aptopts[@]}" -q source --download-only libsodium >&2)

# Pin the upstream tarball independently of Debian's index.
(cd "$dl" && echo "$ORIG_SHA256  $ORIG" | sha256sum -c --quiet -) >&2

# dpkg-source -x applies debian/patches; it refuses an existing target, so unpack
# beside it and swap in.
dsc=$(ls "$dl"/libsodium_1.0.18-*.dsc)
tmp=$src.tmp
rm -rf "$tmp"
dpkg-source --no-copy -x "$dsc" "$tmp" >&2
rm -rf "$src"
mv "$tmp" "$src"
{ echo "$ORIG_SHA256"; basename "$dsc"; } > "$stamp"
rm -rf "$apt"   # ~20 MB of package lists, only needed to download
echo "$src"
