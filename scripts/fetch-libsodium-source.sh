#!/usr/bin/env bash
# Fetch libsodium 1.0.18 source from Debian (`apt-get source`) into OUTDIR, check the
# pinned sha256 of the upstream tarball, unpack it with Debian's patches (incl. the
# security fix of 1.0.18-1+deb12u1) and print the source dir on stdout.
# Nothing third-party lives in the repo: this runs at build time. Idempotent.
# Usage: scripts/fetch-libsodium-source.sh OUTDIR
set -euo pipefail
. "$(dirname "$0")/lib/debian-source.sh"

debian_source_pinned "${1:?usage: $0 OUTDIR}" libsodium 1.0.18 \
  d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4
