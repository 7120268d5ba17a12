#!/usr/bin/env bash
# Runs the reference store server (server/, docs/STORE.md) on a throwaway PostgreSQL cluster: initdb in a temporary
# directory, loopback only; builds what it needs (the wasm module and the JS package, the server); prints the URL;
# Ctrl-C stops both and removes the cluster. Flags go to the server, e.g.:
#   scripts/serve.sh --port 8080 --invite        (--invite: also creates one token and prints it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/pg.sh"
. "$root/scripts/lib/server-build.sh"

server_build "$root"

args=("$@")
token=
for a in "$@"; do
  if [ "$a" = --invite ]; then
    token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    args+=(--add-invite "$token")
  fi
done
have_port=
for a in "$@"; do [ "$a" = --port ] && have_port=1; done
[ -n "$have_port" ] || args+=(--port 8080)

server_pid=
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  pg_throwaway_stop
}
trap cleanup EXIT INT TERM

pg_throwaway_start
echo "PostgreSQL: $PG_URL (data in $PG_DIR, removed on exit)"
[ -z "$token" ] || echo "invite token: $token   (send it as Coffre-Invite when creating an account)"
node "$root/server/dist/src/main.js" --database "$PG_URL" "${args[@]}" &
server_pid=$!
echo "Ctrl-C stops the server and PostgreSQL."
wait "$server_pid"
