#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, on one machine, one after the other:
#   verify vs the bare HMAC; hookshield vs its peers; the replay stores (MemoryStore,
#   MokaStore, and the candidate caches); the Redis store (round trips, latency vs
#   MemoryStore); the PostgreSQL store (statements and round trips per event, latency vs
#   a bare SELECT 1); loopback load on axum and on actix-web (bare / verify / MemoryStore /
#   MokaStore / Redis; PostgreSQL on axum).
# Installs what it needs (OpenSSL headers, wrk, redis-server) from Debian's packages and
# starts a throwaway Redis. Everything printed also goes to target/bench-all/<time>.log.
#
#   scripts/bench_all.sh     # about 15 minutes once built
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p target/bench-all
log=target/bench-all/$(date -u +%Y%m%dT%H%M%SZ).log
exec > >(tee "$log") 2>&1

scripts/build_deps.sh
eval "$(scripts/redis.sh start)"
export HOOKSHIELD_REDIS_URL
trap 'scripts/redis.sh stop' EXIT

echo "# hookshield benchmarks, $(date -u), $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(rustc --version)"

echo; echo "## verify vs the bare HMAC"
# With `http`: the pair groups and the user's path (an http::HeaderMap, the system clock).
cargo bench -p hookshield-core --features http --bench verify >/dev/null
python3 scripts/bench_ratios.py
echo; echo "### the user's path: through an http::HeaderMap on the system clock"
python3 scripts/bench_ratios.py headermap

echo; echo "## peers"
cargo bench -p hookshield-bench-peers --bench peers >/dev/null
python3 scripts/bench_ratios.py peers
echo; echo "### hookshield vs webhook-verify, paired rounds (faster: wins >= 21 of 31)"
cargo bench -q -p hookshield-bench-peers --bench paired

echo; echo "## replay guard (MemoryStore, MokaStore)"
cargo bench -p hookshield-core --features moka --bench replay >/dev/null
python3 scripts/bench_ratios.py replay
echo; echo "### which in-memory store: MemoryStore, MokaStore and the candidate caches"
cargo bench -q -p hookshield-bench-peers --bench stores

echo; echo "## Redis store"
cargo bench -p hookshield-redis --bench store >/dev/null
python3 scripts/bench_ratios.py redis

echo; echo "## PostgreSQL store"
PIN=same scripts/postgres_bench.sh

echo; echo "## loopback load"
MODES="bare verify memory moka redis postgres" scripts/load_bench.sh 2>/dev/null
FRAMEWORK=actix MODES="bare verify memory moka redis" scripts/load_bench.sh 2>/dev/null
echo; echo "log: $log"
