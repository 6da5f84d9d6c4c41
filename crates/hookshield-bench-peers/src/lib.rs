//! Benchmarks of hookshield against the other Rust webhook verifiers (`svix`,
//! `standardwebhooks`, `webhook-verify`) and the bare HMAC, issue #7.
//!
//! This library is empty: the content is the `peers` bench. Run it with
//! `scripts/peer_bench.sh` (or `cargo bench -p hookshield-bench-peers --bench peers`, then
//! `python3 scripts/bench_ratios.py peers`).
#![doc(html_no_source)]
