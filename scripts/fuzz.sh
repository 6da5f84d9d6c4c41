#!/usr/bin/env bash
# The long fuzz run: every parser property of crates/hookshield-core/tests/parsers_fuzz.rs
# (the header parsers, the JSON id reader, `http::HeaderMap` values) with over a million
# proptest cases in all: the ignored test `million_cases`, in release, with the `http`
# feature so `HeaderMap` lookups are fuzzed too. The normal suite runs the same properties
# with 100 000 cases. Prints how long the run took (the build is timed apart).
#
#   scripts/fuzz.sh          # a few minutes on 2 cores once built
#
# Proptest's own variables apply (e.g. PROPTEST_RNG_SEED); PROPTEST_CASES would override
# every property's count, so it is cleared here.
set -euo pipefail
cd "$(dirname "$0")/.."
unset PROPTEST_CASES

args=(--release -p hookshield-core --features http --test parsers_fuzz)

build_start=$(date +%s)
cargo test "${args[@]}" --no-run
echo "fuzz: built in $(($(date +%s) - build_start)) s" >&2

start=$(date +%s%N)
status=0
cargo test "${args[@]}" -- --ignored million || status=$?
ms=$((($(date +%s%N) - start) / 1000000))
printf 'fuzz: million_cases took %d.%01d s on %s CPUs (exit %d)\n' \
    $((ms / 1000)) $((ms % 1000 / 100)) "$(nproc)" "$status" >&2
exit "$status"
