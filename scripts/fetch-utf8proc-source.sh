#!/usr/bin/env bash
# Fetch utf8proc 2.8.0 source from Debian (`apt-get source`, the release of Debian's libutf8proc-dev that native
# builds link) into OUTDIR, check the pinned sha256 of the upstream tarball, unpack it with Debian's patches and print
# the source dir on stdout. WebAssembly builds compile it (wasm/utf8proc.cmake), so that NFKD of passphrases and
# recovery phrases (docs/SPEC.md 5.1, 13) is the same code and Unicode version natively and in wasm.
# Nothing third-party lives in the repo: this runs at build time. Idempotent.
# Usage: scripts/fetch-utf8proc-source.sh OUTDIR
set -euo pipefail
. "$(dirname "$0")/lib/debian-source.sh"

debian_source_pinned "${1:?usage: $0 OUTDIR}" utf8proc 2.8.0 \
  a0a60a79fe6f6d54e7d411facbfcc867a6e198608f2cd992490e46f04b1bcecc
