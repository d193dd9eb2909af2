# Source this file: starts a throwaway PostgreSQL 15 cluster and exports WARRANTBOOK_TEST_PG.
# The server refuses to run as root, so as root it runs as the `postgres` user, with its data directory and
# socket in a fresh folder under /tmp that the postgres user owns. `wb_pg_stop` stops it and removes the folder.
WB_PG_BIN=/usr/lib/postgresql/15/bin
wb_pg_start() {
  WB_PG_DIR=$(mktemp -d /tmp/wb-pg.XXXXXX)
  WB_PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local run=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$WB_PG_DIR"
    run=(runuser -u postgres --)
  fi
  chmod 700 "$WB_PG_DIR"
  "${run[@]}" "$WB_PG_BIN/initdb" -D "$WB_PG_DIR/data" -A trust -U postgres >/dev/null
  "${run[@]}" "$WB_PG_BIN/pg_ctl" -D "$WB_PG_DIR/data" -l "$WB_PG_DIR/log" -w \
    -o "-c listen_addresses= -k $WB_PG_DIR -p $WB_PG_PORT -c max_connections=200" start >/dev/null
  "${run[@]}" "$WB_PG_BIN/psql" -h "$WB_PG_DIR" -p "$WB_PG_PORT" -U postgres -qc 'CREATE DATABASE warrantbook_test' postgres
  export WARRANTBOOK_TEST_PG="postgresql+psycopg://postgres@/warrantbook_test?host=$WB_PG_DIR&port=$WB_PG_PORT"
  export WB_PG_DIR WB_PG_PORT
}
wb_pg_stop() {
  [ -n "${WB_PG_DIR:-}" ] || return 0
  local run=()
  [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$WB_PG_BIN/pg_ctl" -D "$WB_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WB_PG_DIR"
}
