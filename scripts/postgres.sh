#!/usr/bin/env bash
# A throwaway PostgreSQL for hookshield's tests and examples: a fresh cluster from Debian's
# `postgresql` package, loopback only, on a free port, with nothing kept (fsync off). Installs
# the package when it is missing. initdb refuses to run as root, so as root the cluster runs
# as the package's `postgres` user, in a directory of its own under /tmp.
#
#   eval "$(scripts/postgres.sh start)"   # prints `export HOOKSHIELD_POSTGRES_URL=…`
#   scripts/postgres.sh stop              # stops it and deletes its files
#
# A test that needs a cluster of its own (to stop it under load) names it:
#   scripts/postgres.sh start NAME | down NAME | up NAME | stop NAME
# `down` stops the server and keeps its data; `up` starts it again on the same port.
# What each cluster is (its data directory and port) is noted in target/postgres/NAME/.
#
# Opt-in: HOOKSHIELD_POSTGRES_PRELOAD=pg_stat_statements (a comma-separated list of the
# package's modules) sets `shared_preload_libraries` of a cluster at `start`, for a bench
# that counts statements (scripts/postgres_bench.sh). Unset: nothing preloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

name=${2:-default}
preload=${HOOKSHIELD_POSTGRES_PRELOAD:-}
case "$preload" in
    *[!A-Za-z0-9_,]*) echo "postgres.sh: HOOKSHIELD_POSTGRES_PRELOAD is module names, comma-separated" >&2; exit 2 ;;
esac
case "$name" in
    *[!A-Za-z0-9_-]* | "") echo "postgres.sh: a name is letters, digits, - and _" >&2; exit 2 ;;
esac
state=target/postgres/$name

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

install() {
    if [ -n "$(bindir)" ]; then return; fi
    echo "installing postgresql (Debian package)" >&2
    sudo_if_needed apt-get update -qq >&2
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    # The package may start a system cluster on 5432; ours runs beside it, on its own port.
}

# Runs a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

url() {
    echo "postgres://hookshield@127.0.0.1:$(cat "$state/port")/hookshield"
}

up() {
    local bin data port
    bin=$(bindir)
    data=$(cat "$state/data")
    port=$(cat "$state/port")
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$data" \
        start >&2 || { cat "$data/server.log" >&2 || true; return 1; }
}

down() {
    [ -f "$state/data" ] || return 0
    local data
    data=$(cat "$state/data")
    [ -d "$data" ] || return 0
    as_owner "$(bindir)/pg_ctl" -D "$data" -m fast -w -t 30 stop >&2 2>/dev/null || true
}

start() {
    install
    stop >/dev/null 2>&1 || true
    mkdir -p "$state"
    local bin data port
    bin=$(bindir)
    data=$(mktemp -d /tmp/hookshield-postgres-XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data"; fi
    port=$(free_port)
    echo "$data" >"$state/data"
    echo "$port" >"$state/port"
    # Trust on loopback: a throwaway cluster that listens nowhere else.
    as_owner "$bin/initdb" -D "$data" -U hookshield --auth=trust -E UTF8 --no-locale \
        --no-sync >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log" >&2; return 1; }
    cat >>"$data/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
CONF
    if [ -n "$preload" ]; then
        echo "shared_preload_libraries = '$preload'" >>"$data/postgresql.conf"
    fi
    up
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U hookshield hookshield >&2
    echo "export HOOKSHIELD_POSTGRES_URL=$(url)"
}

stop() {
    down
    if [ -f "$state/data" ]; then
        local data
        data=$(cat "$state/data")
        case "$data" in /tmp/hookshield-postgres-*) rm -rf "$data" ;; esac
    fi
    rm -rf "$state"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    down) down ;;
    up) up; echo "export HOOKSHIELD_POSTGRES_URL=$(url)" ;;
    url) url ;;
    install) install ;;
    *) echo "usage: scripts/postgres.sh start|stop|down|up|url|install [NAME]" >&2; exit 2 ;;
esac
