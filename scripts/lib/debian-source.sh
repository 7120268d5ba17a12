# Shared by the scripts that build third-party C sources from Debian's source packages (`apt-get source`) for
# WebAssembly. Source it; it defines functions only. Nothing third-party lives in the repo: this runs at build time.

# debian_source_pinned OUTDIR PACKAGE VERSION ORIG_SHA256: unpacks Debian's source package PACKAGE (upstream VERSION,
# with Debian's patches) into OUTDIR/PACKAGE-VERSION and prints that directory on stdout. The upstream tarball
# (PACKAGE_VERSION.orig.tar.*) is checked against ORIG_SHA256, pinned independently of Debian's signed index.
# Idempotent: a tree already extracted and verified is reused.
debian_source_pinned() {
  local out=$1 pkg=$2 version=$3 orig_sha256=$4
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  local src=$out/$pkg-$version
  local stamp=$src/.coffre-verified   # written last: its presence means "extracted and verified"
  if [ -f "$stamp" ] && grep -qx "$orig_sha256" "$stamp"; then
    echo "$src"
    return 0
  fi

  # dpkg-source comes with dpkg-dev (absent from minimal images, which also have no lists).
  if ! command -v dpkg-source >/dev/null; then
    apt-get update -q >&2
    apt-get install -y --no-install-recommends dpkg-dev >&2
  fi

  # Private apt configuration: the system may have no deb-src entry and we must not edit /etc/apt. Mirror the
  # system's `deb` entries (same URIs/Suites/Components/Signed-By) as `deb-src`, with private lists/cache so the
  # system apt state is untouched.
  local apt=$out/apt-$pkg
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
    return 1
  fi
  local aptopts=(
    -o Dir::Etc::SourceList=/dev/null
    -o Dir::Etc::SourceParts="$apt/sources.list.d"
    -o Dir::State::Lists="$apt/lists"
    -o Dir::Cache="$apt/cache"
    -o APT::Sandbox::User=root   # OUTDIR may not be writable by the _apt user
  )
  apt-get "${aptopts[@]}" -q update >&2

  # Download only (apt checks the files against the signed Sources index); unpack ourselves.
  local dl=$out/dl-$pkg
  rm -rf "$dl"
  mkdir -p "$dl"
  (cd "$dl" && apt-get "${aptopts[@]}" -q source --download-only "$pkg" >&2)

  # Pin the upstream tarball independently of Debian's index.
  local orig
  orig=$(cd "$dl" && ls "${pkg}_${version}".orig.tar.*)
  (cd "$dl" && echo "$orig_sha256  $orig" | sha256sum -c --quiet -) >&2

  # dpkg-source -x applies debian/patches; it refuses an existing target, so unpack beside it and swap in.
  local dsc
  dsc=$(ls "$dl/${pkg}_${version}"-*.dsc)
  local tmp=$src.tmp
  rm -rf "$tmp"
  dpkg-source --no-copy -x "$dsc" "$tmp" >&2
  rm -rf "$src"
  mv "$tmp" "$src"
  { echo "$orig_sha256"; basename "$dsc"; } > "$stamp"
  rm -rf "$apt"   # ~20 MB of package lists, only needed to download
  echo "$src"
}
