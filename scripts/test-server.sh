#!/usr/bin/env bash
# Tests of the reference store server (server/test/): a throwaway PostgreSQL cluster (scripts/lib/pg.sh, the code
# scripts/serve.sh uses), the real server processes the tests start and kill, real device lists made with
# @coffre/core. Builds what it needs (scripts/lib/server-build.sh). Exit status: non-zero on any failure.
# Usage: scripts/test-server.sh [node --test arguments, e.g. a test file under server/dist/test/]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/pg.sh"
. "$root/scripts/lib/server-build.sh"

server_build "$root"
trap pg_throwaway_stop EXIT
pg_throwaway_start
echo "== server tests on $PG_URL"
cd "$root/server"
export PG_URL PG_DIR PG_PORT COFFRE_ROOT="$root"
if [ $# -gt 0 ]; then
  node --test --test-concurrency=1 "$@"
else
  node --test --test-concurrency=1 dist/test/*.test.js
fi
