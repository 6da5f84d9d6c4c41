#!/usr/bin/env bash
# RedisStore against MemoryStore (crates/hookshield-redis/benches/store.rs) on a Redis server
# of its own, then the table (scripts/bench_ratios.py redis).
#
#   scripts/redis_bench.sh                  # about 1 minute once built
#   PIN=same scripts/redis_bench.sh         # Redis and the bench both on CPU 0
#   PIN=split scripts/redis_bench.sh        # Redis on the last CPU, the bench on the others
#   scripts/redis_bench.sh -- --noplot      # extra arguments go to the bench (after `--`)
#
# PIN matters on virtual machines: when Redis and the bench run on different CPUs, every
# round trip wakes an idle vCPU twice, which can cost far more than the round trip itself
# (on the KVM guest of BENCHMARKS.md, with guest halt-polling off: ~80 µs per PING split,
# ~9 µs on one CPU). PIN=0 (the default) leaves the placement to the scheduler.
#
# The server is started here rather than by `scripts/redis.sh start`, which stops whatever
# instance target/redis/redis.pid names first (the test suite's, perhaps running now).
# This one has its own files (target/redis-bench/: pid file, log), a free port, no
# persistence, loopback only, and is stopped on exit whatever happens. It must be the
# bench's alone: the command counts come from the server's INFO and MONITOR.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/redis.sh install # only installs redis-server when it is missing

dir=$PWD/target/redis-bench
pidfile=$dir/redis.pid
mkdir -p "$dir"
rm -f "$pidfile"

# server_on and bench_on, from PIN.
source scripts/pin.sh

# Build first, so the server does not sit idle through a compile.
cargo bench -p hookshield-redis --bench store --no-run >&2

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
    if [ -f "$pidfile" ]; then
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    fi
}
trap stop EXIT
"${server_on[@]}" redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --daemonize yes --pidfile "$pidfile" --logfile "$dir/redis.log" --dir "$dir" >&2
for _ in $(seq 1 100); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.05
done
redis-cli -p "$port" ping >/dev/null || { echo "redis-server did not answer on port $port (see $dir/redis.log)" >&2; exit 1; }
export HOOKSHIELD_REDIS_URL=redis://127.0.0.1:$port
echo "Redis for the bench: $HOOKSHIELD_REDIS_URL ($(redis-server --version | cut -d' ' -f3)), pid $(cat "$pidfile"), PIN=$PIN" >&2

[ "${1:-}" = "--" ] && shift
"${bench_on[@]}" cargo bench -p hookshield-redis --bench store -- "$@" | tee "$dir/bench-pin-$PIN.log"
echo
python3 scripts/bench_ratios.py redis
