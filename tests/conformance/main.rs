//! One conformance table for every adapter. Each case is written once, as data: the
//! endpoint to serve, the requests to send, the exact answer expected to each (status,
//! `Content-Type`, `Retry-After` and `X-Content-Type-Options` or their absence, body
//! bytes), and how many times the
//! handler ran and with which bytes. The table runs over real HTTP on loopback against
//! every harness of `support::harness` (axum + `WebhookLayer`, plain tower/hyper +
//! `WebhookLayer`, actix-web + `WebhookMiddleware`); every adapter must answer every case
//! identically, as DESIGN.md's rejection table says.
//!
//! Cases that need the request around the body (a `GET` challenge, a signed URL) are
//! served on any method and path by the same adapters (`routed.rs`): Meta, Dropbox and
//! Okta's `GET` challenges, Zoom and Twitch's signed handshakes, Twilio's signed URL.
//!
//! To add an adapter, add a `Harness` in `tests/support/harness.rs` and its routed server
//! in `routed.rs`; the cases stay.
//!
//! The cases are in `table.rs` and `context_cases.rs`, written with the vocabulary of
//! `case.rs` (requests, steps, the case type) and `expect.rs` (exact answers, what came
//! back, how the two are compared); `run.rs` runs them.

#![cfg(feature = "actix")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

// The support module shared with the test files of tests/.
#[path = "../support/mod.rs"]
mod support;

mod case;
mod context_cases;
mod expect;
mod hmac_sha256;
mod routed;
mod run;
mod table;

use case::Case;
use expect::Expect;
use routed::adapters;
use run::{assert_alike, run_all};
use support::harness::harnesses;
use table::table;

#[test]
fn the_table_has_every_required_case() {
    let names: Vec<String> = table().into_iter().map(|case| case.name).collect();
    for required in [
        "valid delivery",
        "tampered body",
        "wrong secret",
        "stale timestamp",
        "timestamp beyond the clock skew",
        "missing signature header",
        "malformed signature header",
        "duplicate after success",
        "concurrent copies of a new event",
        "handler failure, then the retry",
        "Content-Length over the limit",
        "chunked body over the limit",
        "HCP verification handshake",
        "Slack url_verification handshake",
        "non-UTF-8 body",
        "Meta GET challenge",
        "Meta GET challenge with a wrong verify token",
        "Meta GET without a challenge",
        "Dropbox GET challenge",
        "Okta verification challenge",
        "Zoom endpoint.url_validation",
        "Twitch webhook_callback_verification",
        "Twilio form request",
        "Twilio JSON request",
    ] {
        assert!(
            names.iter().any(|name| name.starts_with(required)),
            "{required} is missing"
        );
    }
    // axum, plain tower/hyper and actix-web at least, each with its routed server.
    assert!(harnesses().len() >= 3);
    assert_eq!(adapters().len(), harnesses().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_adapter_answers_every_case_alike() {
    let cases: Vec<Case> = table();
    let adapters = adapters();
    let count = adapters.len();
    let (failures, transcripts) = run_all(adapters, cases.clone()).await;

    // Where the table leaves room (how a panic is answered, how copies split between 409
    // and duplicate), show what each adapter did.
    for (n, case) in cases.iter().enumerate() {
        for (s, step) in case.steps.iter().enumerate() {
            if matches!(step.expect, Expect::Crashed | Expect::OnceThenDuplicates) {
                for (name, transcript) in &transcripts {
                    println!(
                        "{} | {name} | step {}: {:?}",
                        case.name,
                        s + 1,
                        transcript[n][s]
                    );
                }
            }
        }
    }
    assert_alike(&failures, cases.len(), count);
}
