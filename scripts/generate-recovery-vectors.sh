#!/usr/bin/env bash
# (Re)generates vectors/recovery.json with tests/recovery-vectors/generate.mjs: the reference BIP-39 package
# (npm bip39 3.1.2) and libsodium 1.0.22 (npm libsodium-wrappers-sumo 0.8.4), pinned by
# tests/recovery-vectors/package-lock.json; coffre itself is not involved, so coffre_tests replaying the file is a
# cross-check. --check: regenerate into a temporary file and fail if it differs from the committed one.
# Usage: scripts/generate-recovery-vectors.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."

# npm comes with NodeSource's node on some images: installing Debian's npm over it breaks it, so only when absent.
if ! command -v npm >/dev/null; then
  apt-get update -q >&2
  apt-get install -y --no-install-recommends npm >&2
fi
(cd tests/recovery-vectors && npm ci --ignore-scripts --no-audit --no-fund --silent)
out=vectors/recovery.json
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
node tests/recovery-vectors/generate.mjs > "$tmp"
if [ "${1:-}" = "--check" ]; then
  diff -q "$out" "$tmp" >/dev/null || { echo "$out differs from what the generator produces" >&2; exit 1; }
  echo "$out: up to date ($(grep -c '"name"' "$out") vectors)"
else
  cat "$tmp" > "$out"
  echo "wrote $out ($(grep -c '"name"' "$out") vectors)"
fi
