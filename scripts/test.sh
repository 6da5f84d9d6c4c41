#!/usr/bin/env bash
# The whole test suite: starts a throwaway Redis (scripts/redis.sh) and a throwaway
# PostgreSQL (scripts/postgres.sh), runs every test of every crate with every feature
# against them, and stops them. Extra arguments go to
# `cargo test` (e.g. `scripts/test.sh -p hookshield-redis`).
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/redis.sh start)"
trap 'scripts/redis.sh stop' EXIT
eval "$(scripts/postgres.sh start)"
trap 'scripts/redis.sh stop; scripts/postgres.sh stop' EXIT
echo "Redis for the tests: $HOOKSHIELD_REDIS_URL" >&2
echo "PostgreSQL for the tests: $HOOKSHIELD_POSTGRES_URL" >&2
# Tests that need Redis or PostgreSQL fail instead of skipping when it is missing.
export HOOKSHIELD_REQUIRE_REDIS=1 HOOKSHIELD_REQUIRE_POSTGRES=1
cargo test --workspace --all-features "$@"
