#!/usr/bin/env bash
# The whole test suite: starts a throwaway Redis (scripts/redis.sh), runs every test of
# every crate with every feature against it, and stops it. Extra arguments go to
# `cargo test` (e.g. `scripts/test.sh -p hookshield-redis`).
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/redis.sh start)"
trap 'scripts/redis.sh stop' EXIT
echo "Redis for the tests: $HOOKSHIELD_REDIS_URL" >&2
# Tests that need Redis fail instead of skipping when it is missing.
export HOOKSHIELD_REQUIRE_REDIS=1
cargo test --workspace --all-features "$@"
