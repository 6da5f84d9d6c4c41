#!/usr/bin/env bash
# A throwaway Redis for hookshield's tests and examples: no persistence, loopback only, on
# a free port. Installs redis-server from Debian's packages when it is missing.
#
#   eval "$(scripts/redis.sh start)"   # starts it; prints `export HOOKSHIELD_REDIS_URL=…`
#   scripts/redis.sh stop              # stops the instance started from this checkout
#
# The instance's files live in target/redis/ (its pid file and log).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=target/redis
pidfile=$dir/redis.pid

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install() {
    if command -v redis-server >/dev/null 2>&1; then return; fi
    echo "installing redis-server (Debian package)" >&2
    sudo_if_needed apt-get update -qq >&2
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
    # The package starts a system instance on 6379; ours runs beside it, on its own port.
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    install
    stop >/dev/null 2>&1 || true
    mkdir -p "$dir"
    local port
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
        --daemonize yes --pidfile "$PWD/$pidfile" --logfile "$PWD/$dir/redis.log" \
        --dir "$PWD/$dir" >&2
    for _ in $(seq 1 100); do
        if redis-cli -p "$port" ping >/dev/null 2>&1; then
            echo "export HOOKSHIELD_REDIS_URL=redis://127.0.0.1:$port"
            return 0
        fi
        sleep 0.05
    done
    echo "redis-server did not answer on port $port (see $dir/redis.log)" >&2
    return 1
}

stop() {
    if [ -f "$pidfile" ]; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    install) install ;;
    *) echo "usage: scripts/redis.sh start|stop|install" >&2; exit 2 ;;
esac
