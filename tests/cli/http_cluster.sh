#!/usr/bin/env bash
# The PostgreSQL cluster and server build the CLI tests' HTTP mode shares (CTest fixture cli_http, tests/cli/CMakeLists.txt):
#   http_cluster.sh start STATE_FILE   builds the server (scripts/lib/server-build.sh), starts a throwaway cluster
#                                       (scripts/lib/pg.sh) and writes "PG_DIR PG_PORT" to STATE_FILE
#   http_cluster.sh stop STATE_FILE    stops it and removes STATE_FILE
# tests/cli/store_mirror.py reads STATE_FILE (COFFRE_TEST_PG_STATE) and makes one database per store directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/lib/pg.sh"
. "$root/scripts/lib/server-build.sh"
case "$1" in
  start)
    if [ -f "$2" ]; then read -r PG_DIR PG_PORT <"$2"; export PG_DIR; pg_throwaway_stop; rm -f "$2"; fi
    server_build "$root"
    pg_throwaway_start >&2
    echo "$PG_DIR $PG_PORT" >"$2"
    ;;
  stop)
    if [ -f "$2" ]; then read -r PG_DIR PG_PORT <"$2"; export PG_DIR; pg_throwaway_stop; rm -f "$2"; fi
    ;;
  *) echo "usage: $0 start|stop STATE_FILE" >&2; exit 2 ;;
esac
