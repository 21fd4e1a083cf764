#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL 15 cluster on loopback for the tests and benchmarks.
# PostgreSQL refuses to run as root, so the cluster belongs to the `postgres` user.
# Usage: scripts/pg-test-server.sh start|stop|restart|destroy   (prints the DATABASE_URL on start)
set -euo pipefail
# Below the ephemeral range (32768–60999): a port the kernel hands to test servers and clients never collides.
PORT="${DANGJIAN_PG_PORT:-25432}"
DIR="${DANGJIAN_PG_DIR:-/tmp/dangjian-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$BIN" ] || { echo "PostgreSQL server binaries not found" >&2; exit 3; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
  start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
      as_pg "$BIN/initdb" -D "$DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >> "$DIR/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
CONF
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -o "-k /tmp -h 127.0.0.1 -p $PORT" start >/dev/null
    fi
    if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='dangjian'" | grep -q 1; then
      "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres dangjian
    fi
    echo "postgres://postgres@127.0.0.1:$PORT/dangjian"
    ;;
  stop)
    as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    ;;
  restart)  # the cluster test restarts the database under load
    as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -m fast -o "-k /tmp -h 127.0.0.1 -p $PORT" restart >/dev/null
    ;;
  destroy)
    as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
esac
