//! One conformance table for every adapter. Each case is written once, as data: the
//! endpoint to serve, the requests to send, the exact answer expected to each (status,
//! `Content-Type`, `Retry-After` or its absence, body bytes), and how many times the
//! handler ran and with which bytes. The table runs over real HTTP on loopback against
//! every harness of `support::harness` (axum + `WebhookLayer`, plain tower/hyper +
//! `WebhookLayer`, actix-web + `WebhookMiddleware`); every adapter must answer every case
//! identically, as DESIGN.md's rejection table says.
//!
//! To add an adapter, add a `Harness` in `tests/support/harness.rs`; the cases stay.
//!
//! The cases are in `table.rs`, written with the vocabulary of `case.rs` (requests,
//! steps, the case type) and `expect.rs` (exact answers, what came back, how the two are
//! compared); this file runs them.

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
mod expect;
mod table;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::harness::{Harness, Server, harnesses};
use support::{Headers, client, post_chunked, post_declared, try_send};
use tokio::sync::Semaphore;

use case::{COPIES, Case, RELEASE_WITHIN, Request};
use expect::{Answer, Expect, Observed, duplicate, handled, in_flight, matches};
use table::table;

/// Sends one step's request to the server at `addr` (`url`) and says what came back.
async fn execute(addr: SocketAddr, url: String, send: Request) -> Observed {
    match send {
        Request::Post { headers, body } => match try_send(&client(), &url, &headers, body).await {
            Ok(reply) => Observed::Answer(Answer::from_reply(&reply)),
            Err(error) => Observed::NoAnswer(format!("{error:?}")),
        },
        Request::Chunked { headers, chunks } => {
            let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            Observed::Answer(Answer::from_raw(
                &post_chunked(addr, &headers, &chunks).await,
            ))
        }
        Request::Declared {
            headers,
            declared,
            sent,
        } => {
            let within = Duration::from_secs(3);
            let reply = post_declared(addr, &headers, declared, &sent, within).await;
            Observed::Answer(Answer::from_raw(&reply))
        }
        Request::Concurrent { headers, body } => concurrent(&url, &headers, &body).await,
        Request::GiveUp {
            headers,
            body,
            after,
        } => {
            let impatient = reqwest::Client::builder().timeout(after).build().unwrap();
            let result = try_send(&impatient, &url, &headers, body).await;
            drop(impatient);
            match result {
                Ok(reply) => Observed::Answer(Answer::from_reply(&reply)),
                Err(error) if error.is_timeout() => Observed::NoAnswer("timeout".to_owned()),
                Err(error) => Observed::NoAnswer(format!("{error:?}")),
            }
        }
        Request::UntilHandled { headers, body } => {
            let deadline = Instant::now() + RELEASE_WITHIN;
            loop {
                let answer = match try_send(&client(), &url, &headers, body.clone()).await {
                    Ok(reply) => Answer::from_reply(&reply),
                    Err(error) => return Observed::NoAnswer(format!("{error:?}")),
                };
                if answer != in_flight() || Instant::now() > deadline {
                    return Observed::Answer(answer);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// Sends `COPIES` copies at once and tallies the answers.
async fn concurrent(url: &str, headers: &Headers, body: &[u8]) -> Observed {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(COPIES)
        .build()
        .unwrap();
    let start = Arc::new(Semaphore::new(0));
    let tasks: Vec<_> = (0..COPIES)
        .map(|_| {
            let (client, url, headers, body) = (
                client.clone(),
                url.to_owned(),
                headers.clone(),
                body.to_vec(),
            );
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                // Released all at once.
                drop(start.acquire().await.unwrap());
                try_send(&client, &url, &headers, body).await
            })
        })
        .collect();
    start.add_permits(COPIES);
    let (mut handled_, mut in_flight_, mut duplicates, mut others) = (0, 0, 0, Vec::new());
    for task in tasks {
        match task.await.unwrap() {
            Ok(reply) => {
                let answer = Answer::from_reply(&reply);
                if answer == handled() {
                    handled_ += 1;
                } else if answer == in_flight() {
                    in_flight_ += 1;
                } else if answer == duplicate() {
                    duplicates += 1;
                } else {
                    others.push(answer);
                }
            }
            Err(error) => others.push(Answer::new(0, "", None, format!("{error}").as_bytes())),
        }
    }
    Observed::Concurrent {
        handled: handled_,
        in_flight: in_flight_,
        duplicates,
        others,
    }
}

/// Runs `case` against a fresh server of `harness`; answers the mismatches and a
/// transcript of what was observed.
async fn run_case(harness: &dyn Harness, case: &Case) -> (Vec<String>, Vec<Observed>) {
    let server: Server = harness.start(&case.spec);
    let (addr, url) = (server.addr, server.url());
    let mut failures = Vec::new();
    let mut transcript = Vec::new();
    for (n, step) in case.steps.iter().enumerate() {
        // In a task of its own, so that a panicking helper is a mismatch, not the end.
        let observed = match tokio::spawn(execute(addr, url.clone(), step.send.clone())).await {
            Ok(observed) => observed,
            Err(error) => Observed::Failed(panic_message(error)),
        };
        if !matches(&step.expect, &observed) {
            failures.push(format!(
                "{} | {} | step {}: expected {:?}\n      observed {:?}",
                case.name,
                harness.name(),
                n + 1,
                step.expect,
                observed
            ));
        }
        transcript.push(observed);
    }
    let runs = server.handler.calls.get();
    if runs != case.runs {
        failures.push(format!(
            "{} | {} | the handler ran {runs} times, expected {}",
            case.name,
            harness.name(),
            case.runs
        ));
    }
    if let Some(expected) = &case.bodies {
        let got: Vec<Vec<u8>> = server
            .handler
            .bodies
            .all()
            .iter()
            .map(|b| b.to_vec())
            .collect();
        if &got != expected {
            failures.push(format!(
                "{} | {} | the handler got other bytes: {got:?}, expected {expected:?}",
                case.name,
                harness.name()
            ));
        }
    }
    drop(server);
    (failures, transcript)
}

fn panic_message(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned()),
        Err(error) => error.to_string(),
    }
}

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
    ] {
        assert!(
            names.iter().any(|name| name.starts_with(required)),
            "{required} is missing"
        );
    }
    // axum, plain tower/hyper and actix-web at least.
    assert!(harnesses().len() >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_adapter_answers_every_case_alike() {
    let cases = Arc::new(table());
    // The adapters run side by side, each through the whole table, case after case.
    let runs: Vec<_> = harnesses()
        .into_iter()
        .map(|harness| {
            let cases = Arc::clone(&cases);
            tokio::spawn(async move {
                let mut failures = Vec::new();
                let mut transcripts = Vec::new();
                for case in cases.iter() {
                    let (mut failed, transcript) = run_case(harness, case).await;
                    failures.append(&mut failed);
                    transcripts.push(transcript);
                }
                (harness.name(), failures, transcripts)
            })
        })
        .collect();
    let mut failures = Vec::new();
    let mut transcripts = Vec::new();
    for run in runs {
        let (name, mut failed, transcript) = run.await.unwrap();
        failures.append(&mut failed);
        transcripts.push((name, transcript));
    }

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
    assert!(
        failures.is_empty(),
        "{} mismatches across {} cases x {} adapters:\n{}",
        failures.len(),
        cases.len(),
        transcripts.len(),
        failures.join("\n")
    );
}
