#!/usr/bin/env bash
# Installs what building and testing coffre needs on Debian 12 (as root; uses sudo otherwise). Idempotent: packages
# already present are not reinstalled, and nothing is done when everything is there.
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config git ca-certificates
  libsodium-dev libutf8proc-dev                               # native library (utf8proc: Unicode NFKD)
  nlohmann-json3-dev libcli11-dev doctest-dev                 # CLI, tests
  libcurl4-openssl-dev                                        # the CLI's HTTP store (--store URL)
  clang libclang-rt-14-dev                                    # libFuzzer
  dpkg-dev emscripten                                         # apt-get source libsodium; WebAssembly
  chromium                                                    # browser tests (driven by playwright-core)
  age time                                                    # benchmark peer; /usr/bin/time for peak RSS
  doxygen                                                     # API reference (scripts/build-docs.sh)
  python3                                                     # CLI transcript tests (not registered without it)
  groff-base zsh fish)                                        # the generated man page and completions, checked
# npm: Debian's npm conflicts with a NodeSource nodejs that bundles its own npm, so only install it when missing.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
