# Builds what the store server needs: the wasm module, the JS package (bindings/js, its dist/), then server/ (npm ci,
# tsc). Source it; it defines functions only. Incremental: cheap when nothing changed.
server_build() {
  local root=$1
  "$root/scripts/build-wasm.sh" >&2
  (cd "$root/bindings/js" && { [ -d node_modules ] || npm ci --no-audit --no-fund >&2; } && npm run build >&2)
  (cd "$root/server" && { [ -d node_modules ] || npm ci --no-audit --no-fund >&2; } && npm run build >&2)
}
