//! Is hookshield faster than its fastest peer? A paired comparison, for the sizes where
//! criterion's figures cannot tell (issue #7).
//!
//! At 16 KiB and 1 MiB, hookshield and `webhook-verify` spend almost all their time in the
//! same SHA compression function, so they differ by less than the drift between two
//! criterion figures measured one after the other (several percent on a shared VM). Here
//! the two verifiers take turns instead: each round times a batch of hookshield's
//! verifications and a batch of `webhook-verify`'s on the same request (~20 ms each,
//! alternating which goes first), so both see the same machine. Over 31 rounds the bench
//! prints the median per-round ratio and how many rounds each won; a sign test decides:
//! hookshield is *faster* when it wins at least 21 of 31 rounds (one-sided p < 0.05),
//! *slower* when it wins at most 10, and otherwise the difference is not measurable.
//!
//! Same requests as `benches/peers.rs` (`webhook-verify` is the fastest peer in every
//! group there: `svix` and `standardwebhooks` are ~5× slower).
//!
//! Run: `cargo bench -p hookshield-bench-peers --bench paired` (about 40 s).
// A benchmark: a broken set-up must stop it; its arithmetic is on small counts and timings.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use hookshield_core::{SchemeBuilder, presets};
use time::OffsetDateTime;
use webhook_verify::{HashAlg, Provider};

// Shared with `peers.rs`, which uses the parts this bench does not.
#[allow(dead_code)]
mod common;
#[allow(dead_code)]
#[path = "../../hookshield-core/benches/support/mod.rs"]
mod support;

use common::{FIXED_NOW, ID, SW_SECRET, TEXT_SECRET, custom, sign, wv_options};
use support::{SIZES, body};

const ROUNDS: usize = 31;
/// Wins out of [`ROUNDS`] that make the difference significant (one-sided sign test,
/// p = 0.035).
const DECISIVE: usize = 21;
const BATCH_TIME: Duration = Duration::from_millis(20);

/// A verification to time, run once per call.
type Run = Box<dyn Fn()>;

fn time_batch(run: &Run, iterations: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        run();
    }
    start.elapsed()
}

/// How many calls of `run` take about [`BATCH_TIME`].
fn batch_size(run: &Run) -> u32 {
    let mut iterations = 1_u32;
    loop {
        let elapsed = time_batch(run, iterations);
        if elapsed >= BATCH_TIME / 4 || iterations >= 1 << 24 {
            let per_call = elapsed.as_secs_f64() / f64::from(iterations);
            return (BATCH_TIME.as_secs_f64() / per_call).clamp(1.0, f64::from(1_u32 << 24)) as u32;
        }
        iterations = iterations.saturating_mul(4);
    }
}

/// The median ratio ours ÷ peer, and the rounds ours won.
fn compare(ours: &Run, peer: &Run) -> (f64, usize) {
    let n = batch_size(ours).min(batch_size(peer));
    // Warm-up: one round each, not counted.
    time_batch(ours, n);
    time_batch(peer, n);
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            let (a, b) = if round % 2 == 0 {
                let a = time_batch(ours, n);
                (a, time_batch(peer, n))
            } else {
                let b = time_batch(peer, n);
                (time_batch(ours, n), b)
            };
            a.as_secs_f64() / b.as_secs_f64()
        })
        .collect();
    let wins = ratios.iter().filter(|r| **r < 1.0).count();
    ratios.sort_by(f64::total_cmp);
    (ratios[ROUNDS / 2], wins)
}

/// One scheme, as hookshield and `webhook-verify` know it.
struct Case {
    name: &'static str,
    scheme: fn() -> SchemeBuilder,
    provider: Provider,
    secret: &'static str,
    id_field: &'static str,
}

/// hookshield and `webhook-verify` on the same signed request, as two runs.
fn pair(
    scheme: fn() -> SchemeBuilder,
    provider: Provider,
    secret: &'static str,
    body: Vec<u8>,
    now: OffsetDateTime,
) -> (Run, Run) {
    let s = sign(scheme, secret, &body, now);
    let options = wv_options(now);
    let wv_secret = webhook_verify::Secret::new(secret);
    webhook_verify::verify(provider, &s.headers, &body, &wv_secret, options.clone()).unwrap();
    // Both read the very same bytes (same buffers, same alignment).
    let shared = Rc::new((s, body));
    let mine = Rc::clone(&shared);
    let ours: Run = Box::new(move || {
        let (s, body) = &*mine;
        black_box(
            s.verifier
                .verify_at(black_box(&s.headers), black_box(body), now)
                .unwrap(),
        );
    });
    let peer: Run = Box::new(move || {
        let (s, body) = &*shared;
        webhook_verify::verify(
            provider,
            black_box(&s.headers),
            black_box(body),
            &wv_secret,
            options.clone(),
        )
        .unwrap();
    });
    (ours, peer)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter is not supported.
    let now = OffsetDateTime::from_unix_timestamp(FIXED_NOW).unwrap();
    let cases = [
        Case {
            name: "standard-webhooks",
            scheme: presets::standard_webhooks,
            provider: Provider::StandardWebhooks,
            secret: SW_SECRET,
            id_field: "type",
        },
        Case {
            name: "github",
            scheme: presets::github,
            provider: Provider::GitHub,
            secret: TEXT_SECRET,
            id_field: "action",
        },
        Case {
            name: "civo",
            scheme: presets::civo,
            provider: Provider::Custom(custom(HashAlg::Sha1, "X-Civo-Signature")),
            secret: TEXT_SECRET,
            id_field: "event",
        },
        Case {
            name: "hcp",
            scheme: presets::hcp,
            provider: Provider::Custom(custom(HashAlg::Sha512, "X-HCP-Webhook-Signature")),
            secret: TEXT_SECRET,
            id_field: "event_id",
        },
    ];
    println!(
        "| scheme | body | hookshield ÷ webhook-verify (median of {ROUNDS} rounds) | rounds hookshield won | verdict |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for case in cases {
        for size in SIZES {
            let body = body(size, case.id_field, ID);
            let (ours, peer) = pair(case.scheme, case.provider, case.secret, body, now);
            let (ratio, wins) = compare(&ours, &peer);
            let verdict = if wins >= DECISIVE {
                "faster"
            } else if ROUNDS - wins >= DECISIVE {
                "SLOWER"
            } else {
                "no measurable difference"
            };
            let name = case.name;
            println!("| {name} | {size} B | {ratio:.4}× | {wins}/{ROUNDS} | {verdict} |");
        }
    }
}
