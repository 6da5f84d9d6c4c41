#!/usr/bin/env bash
# PgStore against a bare `SELECT 1` round trip (crates/hookshield-postgres/benches/store.rs)
# on a PostgreSQL cluster of its own, with pg_stat_statements preloaded so that the bench
# can count statements per event; the bench prints the tables (round trips, statements,
# medians and their ratios to `SELECT 1`).
#
#   scripts/postgres_bench.sh                  # about 2 minutes once built
#   PIN=same scripts/postgres_bench.sh         # PostgreSQL and the bench both on CPU 0
#   PIN=split scripts/postgres_bench.sh        # PostgreSQL on the last CPU, the bench on the others
#   DURABLE=1 scripts/postgres_bench.sh        # fsync, synchronous_commit, full_page_writes on
#   scripts/postgres_bench.sh -- --noplot      # extra arguments go to the bench (after `--`)
#
# The cluster is `scripts/postgres.sh start postgres-bench` (loopback, a free port, files
# under /tmp and target/postgres/postgres-bench/), with HOOKSHIELD_POSTGRES_PRELOAD=
# pg_stat_statements; it is stopped and deleted on exit whatever happens. It must be the
# bench's alone: the statement counts reset and read pg_stat_statements.
#
# By default the cluster runs as scripts/postgres.sh configures every throwaway cluster:
# fsync, synchronous_commit and full_page_writes off, so a commit does not wait for the
# disk. DURABLE=1 turns the three on (a reload, before the bench), as a production server
# runs: every statement that writes outside a transaction (reserve, commit, release) and
# every COMMIT then waits for its WAL flush.
#
# PIN matters on virtual machines: when the server and the bench run on different CPUs,
# every round trip wakes an idle vCPU (see the Redis section of BENCHMARKS.md). PIN=0 (the
# default) leaves the placement to the scheduler.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/postgres.sh install # only installs postgresql when it is missing

NAME=postgres-bench
dir=$PWD/target/postgres-bench
mkdir -p "$dir"

DURABLE=${DURABLE:-0}
# server_on and bench_on, from PIN.
source scripts/pin.sh

# Build first, so the server does not sit idle through a compile.
cargo bench -p hookshield-postgres --bench store --no-run >&2

stop() { scripts/postgres.sh stop "$NAME" >/dev/null 2>&1 || true; }
trap stop EXIT
started=$(HOOKSHIELD_POSTGRES_PRELOAD=pg_stat_statements "${server_on[@]}" scripts/postgres.sh start "$NAME")
eval "$started"
if [ "$DURABLE" = 1 ]; then
    psql "$HOOKSHIELD_POSTGRES_URL" -qAt >&2 <<'SQL'
ALTER SYSTEM SET fsync = on;
ALTER SYSTEM SET synchronous_commit = on;
ALTER SYSTEM SET full_page_writes = on;
SELECT pg_reload_conf();
SQL
    sleep 1
fi
settings=$(psql "$HOOKSHIELD_POSTGRES_URL" -qAt -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_preload_libraries', 'shared_buffers')")
echo "PostgreSQL for the bench: $HOOKSHIELD_POSTGRES_URL, PIN=$PIN; $settings" >&2

[ "${1:-}" = "--" ] && shift
log=$dir/bench-pin-$PIN-durable-$DURABLE.log
{
    echo "# $(date -u +%FT%TZ) $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), PIN=$PIN, DURABLE=$DURABLE"
    echo "# $settings"
} >"$log"
"${bench_on[@]}" cargo bench -p hookshield-postgres --bench store -- "$@" | tee -a "$log"
echo "log: $log" >&2
