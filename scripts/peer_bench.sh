#!/usr/bin/env bash
# hookshield against svix, standardwebhooks, webhook-verify and the bare HMAC
# (crates/hookshield-bench-peers/benches/peers.rs, issue #7), then the tables of ratios
# (scripts/bench_ratios.py peers), then benches/paired.rs: hookshield and webhook-verify in
# alternating rounds on the same request, with a sign test (about 20 s).
#
#   scripts/peer_bench.sh                   # about 4 minutes once built (2 s per figure)
#   scripts/peer_bench.sh -- --noplot       # extra arguments go to the bench (after `--`)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build_deps.sh
cargo bench -p hookshield-bench-peers --bench peers "$@"
python3 scripts/bench_ratios.py peers
echo
echo "### hookshield vs webhook-verify, paired rounds (benches/paired.rs)"
cargo bench -q -p hookshield-bench-peers --bench paired
