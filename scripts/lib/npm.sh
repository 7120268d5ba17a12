# Shared by the scripts that take material from the npm registry. Source it; it defines functions only.

# npm comes with NodeSource's node on some images: installing Debian's npm over it breaks it, so only when absent.
ensure_npm() {
  if ! command -v npm >/dev/null; then
    apt-get update -q >&2
    apt-get install -y --no-install-recommends npm >&2
  fi
}

# npm_pack_pinned DIR PKG TGZ SHA256: DIR/TGZ is `npm pack PKG` (no install, no scripts), checked against SHA256,
# pinned independently of the registry's own integrity field. Downloads only when the file is absent or differs.
npm_pack_pinned() {
  local dir=$1 pkg=$2 tgz=$3 sha=$4
  mkdir -p "$dir"
  if ! (cd "$dir" && echo "$sha  $tgz" | sha256sum -c --quiet - >/dev/null 2>&1); then
    ensure_npm
    rm -f "$dir/$tgz"
    (cd "$dir" && npm pack "$pkg" --pack-destination "$dir" --silent >&2)
  fi
  (cd "$dir" && echo "$sha  $tgz" | sha256sum -c --quiet -) >&2
}
