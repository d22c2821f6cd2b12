#!/usr/bin/env bash
# Makes sure a PostgreSQL server is reachable and prints a URL for a database the tests may
# create databases from. Uses a server already running on 127.0.0.1:5432; otherwise starts
# the machine's cluster with pg_ctlcluster; otherwise creates a private cluster with
# initdb/pg_ctl under target/ (as the postgres user when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

ready() { pg_isready -q -h 127.0.0.1 -p "$1" 2>/dev/null; }
wait_ready() {
  for _ in $(seq 1 60); do ready "$1" && return 0; sleep 0.5; done
  return 1
}

# HEARTH_CI_PRIVATE_POSTGRES=1 skips straight to the private cluster (to test that path).
if [ "${HEARTH_CI_PRIVATE_POSTGRES:-0}" != 1 ] && ready 5432; then
  echo "postgres://postgres@127.0.0.1:5432/postgres"
  exit 0
fi

if [ "${HEARTH_CI_PRIVATE_POSTGRES:-0}" != 1 ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -n "$version" ] && [ -d "/etc/postgresql/$version/main" ]; then
    echo "starting PostgreSQL $version with pg_ctlcluster" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
    if wait_ready 5432; then
      echo "postgres://postgres@127.0.0.1:5432/postgres"
      exit 0
    fi
  fi
fi

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "no PostgreSQL server is running and none can be started: install postgresql" >&2
  exit 1
fi
data="$PWD/target/ci-postgres"
port=55432
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
mkdir -p "$data"
[ "$(id -u)" = 0 ] && chown postgres "$data"
if [ ! -f "$data/PG_VERSION" ]; then
  echo "creating a private PostgreSQL cluster in $data" >&2
  as_pg "'$bin/initdb' -D '$data' -U postgres --auth=trust >/dev/null"
fi
if ! ready "$port"; then
  as_pg "'$bin/pg_ctl' -D '$data' -l '$data/server.log' -o \"-p $port -k '$data' -c listen_addresses=127.0.0.1\" start >/dev/null"
  wait_ready "$port" || { echo "the private PostgreSQL cluster did not start; see $data/server.log" >&2; exit 1; }
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
