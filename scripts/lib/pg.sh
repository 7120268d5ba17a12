# A throwaway PostgreSQL cluster from Debian's binaries, for scripts/serve.sh and the server tests. Source it; it
# defines functions only. initdb and postgres refuse to run as root, so they run as the `postgres` user the package
# creates, in a temporary directory that user owns, listening on loopback only (and a socket in that directory).
#
#   pg_throwaway_start [PORT]   sets PG_DIR, PG_PORT, PG_URL (postgres://coffre@127.0.0.1:PORT/coffre)
#   pg_throwaway_restart        stops and starts the same cluster (fast shutdown)
#   pg_throwaway_stop           stops it and removes its directory

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

pg_ensure_installed() {
  if ! pg_bin >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL is missing: apt-get install postgresql (as root)" >&2
      return 1
    fi
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
  fi
}

# Runs a PostgreSQL binary as the cluster's owner (postgres when we are root, else ourselves).
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_throwaway_start() {
  pg_ensure_installed || return 1
  local bin
  bin=$(pg_bin)
  PG_PORT=${1:-$(pg_free_port)}
  PG_DIR=$(mktemp -d /tmp/coffre-pg.XXXXXX)
  chmod 0755 "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DIR"; fi
  pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -A trust -U coffre -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
    cat "$PG_DIR/initdb.log" >&2
    return 1
  }
  pg_throwaway_launch || return 1
  pg_as_owner "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U coffre coffre
  PG_URL="postgres://coffre@127.0.0.1:$PG_PORT/coffre"
  export PG_DIR PG_PORT PG_URL
}

pg_throwaway_launch() {
  pg_as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" \
    -o "-k $PG_DIR -c listen_addresses=127.0.0.1 -p $PG_PORT -c fsync=on" start >/dev/null || {
    tail -n 20 "$PG_DIR/log" >&2
    return 1
  }
}

pg_throwaway_restart() {
  pg_as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -w -m fast stop >/dev/null
  pg_throwaway_launch
}

pg_throwaway_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -w -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
