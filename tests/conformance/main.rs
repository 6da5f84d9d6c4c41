//! One conformance table for every adapter. Each case is written once, as data: the
//! endpoint to serve, the requests to send, the exact answer expected to each (status,
//! `Content-Type`, `Retry-After` or its absence, body bytes), and how many times the
//! handler ran and with which bytes. The table runs over real HTTP on loopback against
//! every harness of `support::harness` (axum + `WebhookLayer`, plain tower/hyper +
//! `WebhookLayer`, actix-web + `WebhookMiddleware`); every adapter must answer every case
//! identically, as DESIGN.md's rejection table says.
//!
//! To add an adapter, add a `Harness` in `tests/support/harness.rs`; the cases stay.

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

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::harness::{Behaviour, Endpoint, Harness, Server, Spec, Store, TEXT, harnesses};
use support::{
    Headers, PROVIDERS, Provider, RawReply, Reply, client, post_chunked, post_declared, replaced,
    sign_with, try_send, without,
};
use time::OffsetDateTime;
use tokio::sync::Semaphore;

const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;
const FORGED: &[u8] = br#"{"event":"instance.deleted","resourceID":"42"}"#;
const BINARY: &[u8] = b"\xff\xfe\x00\x80binary\xc3\x28 payload";
const HCP_VERIFICATION: &[u8] = br#"{"event_id":"webhook.event:mlizg1TCaSsrJ2hOXZMmS","event_action":"test","event_description":"Verification","event_source":"hashicorp.webhook.verification","resource_id":"","resource_name":"","event_version":"1","event_payload":{}}"#;
const HCP_EVENT: &[u8] = br#"{"event_id":"packer.event:MtCpPwmkdPpD8qqfMRhJ","event_action":"create","event_source":"hashicorp.packer.version","event_payload":{}}"#;
const SLACK_CHALLENGE: &[u8] = br#"{"token":"x","challenge":"abc123","type":"url_verification"}"#;
/// The body limit of the limit cases.
const LIMIT: usize = 1024;
/// Concurrent copies of one new event in the exactly-once case.
const COPIES: usize = 200;
/// How long redeliveries may take to be handled after a panic or a disconnect (the
/// release runs in a spawned task).
const RELEASE_WITHIN: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------------------------------
// The table's vocabulary.

/// An answer, exactly: status, `Content-Type`, `Retry-After` (`None`: absent) and body.
#[derive(Clone, PartialEq, Eq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    body: Vec<u8>,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} content-type={:?} retry-after={:?} body={:?}",
            self.status,
            self.content_type,
            self.retry_after,
            String::from_utf8_lossy(&self.body)
        )
    }
}

impl Answer {
    fn new(status: u16, content_type: &str, retry_after: Option<&str>, body: &[u8]) -> Self {
        Self {
            status,
            content_type: Some(content_type.to_owned()),
            retry_after: retry_after.map(str::to_owned),
            body: body.to_vec(),
        }
    }

    fn from_reply(reply: &Reply) -> Self {
        Self {
            status: reply.status,
            content_type: reply.header("content-type").map(str::to_owned),
            retry_after: reply.header("retry-after").map(str::to_owned),
            body: reply.body.to_vec(),
        }
    }

    fn from_raw(reply: &RawReply) -> Self {
        Self {
            status: reply.status,
            content_type: reply.header("content-type").map(str::to_owned),
            retry_after: reply.header("retry-after").map(str::to_owned),
            body: reply.body.clone(),
        }
    }
}

/// The handler's 202 `handled`.
fn handled() -> Answer {
    Answer::new(202, TEXT, None, b"handled")
}

/// The handler's 500 `try again` (`Behaviour::FailFirst`).
fn handler_failed() -> Answer {
    Answer::new(500, TEXT, None, b"try again")
}

/// A row of the rejection table: `{"error":"<code>"}` as JSON, no `Retry-After`.
fn rejected(status: u16, code: &str) -> Answer {
    let body = format!(r#"{{"error":"{code}"}}"#);
    Answer::new(status, "application/json", None, body.as_bytes())
}

/// A rejection that carries the default `Retry-After: 10` (409 and 503).
fn rejected_retry_after(status: u16, code: &str) -> Answer {
    Answer {
        retry_after: Some("10".to_owned()),
        ..rejected(status, code)
    }
}

/// 409 `duplicate_in_flight` + `Retry-After`.
fn in_flight() -> Answer {
    rejected_retry_after(409, "duplicate_in_flight")
}

/// 200 `{"duplicate":true}`.
fn duplicate() -> Answer {
    Answer::new(200, "application/json", None, br#"{"duplicate":true}"#)
}

/// A request to send.
#[derive(Debug, Clone)]
enum Request {
    /// A POST by reqwest, with `Content-Length`.
    Post { headers: Headers, body: Vec<u8> },
    /// A POST by the hand-written client with `Transfer-Encoding: chunked`.
    Chunked {
        headers: Headers,
        chunks: Vec<Vec<u8>>,
    },
    /// A head announcing `declared` bytes, then only `sent`; the rest never comes.
    Declared {
        headers: Headers,
        declared: usize,
        sent: Vec<u8>,
    },
    /// `COPIES` copies of one POST at the same time.
    Concurrent { headers: Headers, body: Vec<u8> },
    /// A POST whose client gives up after `after` (and goes away).
    GiveUp {
        headers: Headers,
        body: Vec<u8>,
        after: Duration,
    },
    /// The same POST again until it is answered 2xx (copies answered 409 while a dropped
    /// reservation is being released are sent again), for up to `RELEASE_WITHIN`.
    UntilHandled { headers: Headers, body: Vec<u8> },
}

fn post(headers: Headers, body: &[u8]) -> Request {
    Request::Post {
        headers,
        body: body.to_vec(),
    }
}

/// What must come back.
#[derive(Debug, Clone)]
enum Expect {
    /// Exactly this answer.
    Answer(Answer),
    /// Of the concurrent copies, exactly one gets the handler's answer; every other one is
    /// 409 `duplicate_in_flight` + `Retry-After` (at least one, or the copies did not
    /// overlap) or 200 `{"duplicate":true}`.
    OnceThenDuplicates,
    /// The handler panicked: the framework answers 500 or drops the connection (how a
    /// panic is answered is the framework's business, not hookshield's).
    Crashed,
    /// The client gave up waiting.
    GaveUp,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Observed {
    Answer(Answer),
    /// No answer: the client's error.
    NoAnswer(String),
    /// The tally of `COPIES` concurrent copies.
    Concurrent {
        handled: usize,
        in_flight: usize,
        duplicates: usize,
        others: Vec<Answer>,
    },
    /// The request task panicked (e.g. the raw client got no answer in time).
    Failed(String),
}

#[derive(Debug, Clone)]
struct Step {
    send: Request,
    expect: Expect,
}

/// One case of the table.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    spec: Spec,
    steps: Vec<Step>,
    /// Handler runs once every step is done.
    runs: usize,
    /// The exact bodies the handler got, in order, when checked.
    bodies: Option<Vec<Vec<u8>>>,
}

impl Case {
    fn new(name: impl Into<String>, spec: Spec) -> Self {
        Self {
            name: name.into(),
            spec,
            steps: Vec::new(),
            runs: 0,
            bodies: None,
        }
    }

    fn step(mut self, send: Request, expect: Expect) -> Self {
        self.steps.push(Step { send, expect });
        self
    }

    fn answers(self, send: Request, answer: Answer) -> Self {
        self.step(send, Expect::Answer(answer))
    }

    fn runs(mut self, runs: usize) -> Self {
        self.runs = runs;
        self
    }

    fn bodies(mut self, bodies: &[&[u8]]) -> Self {
        self.bodies = Some(bodies.iter().map(|b| b.to_vec()).collect());
        self
    }
}

// ---------------------------------------------------------------------------------------
// The table.

fn table() -> Vec<Case> {
    let mut cases = Vec::new();
    let now = OffsetDateTime::now_utc();

    for provider in PROVIDERS {
        let endpoint = Endpoint::from(provider);
        let spec = Spec::new(endpoint);
        let name = |case: &str| format!("{case} [{provider:?}]");
        let signed = provider.sign(BODY, "evt-1");
        let signature = provider.signature_header();

        cases.push(
            Case::new(name("valid delivery"), spec)
                .answers(post(signed.clone(), BODY), handled())
                .runs(1)
                .bodies(&[BODY]),
        );
        cases.push(Case::new(name("tampered body"), spec).answers(
            post(signed.clone(), FORGED),
            rejected(401, "signature_mismatch"),
        ));
        let wrong = sign_with(&provider.wrong_signer(), BODY, "evt-1", now);
        cases.push(
            Case::new(name("wrong secret"), spec)
                .answers(post(wrong, BODY), rejected(401, "signature_mismatch")),
        );
        cases.push(Case::new(name("missing signature header"), spec).answers(
            post(without(signed.clone(), signature), BODY),
            rejected(401, "missing_header"),
        ));
        cases.push(Case::new(name("missing event-id header"), spec).answers(
            post(without(signed.clone(), provider.id_header()), BODY),
            rejected(401, "missing_header"),
        ));
        cases.push(
            Case::new(name("no headers at all"), spec)
                .answers(post(Vec::new(), BODY), rejected(401, "missing_header")),
        );
        cases.push(Case::new(name("malformed signature header"), spec).answers(
            post(replaced(signed.clone(), signature, "zz"), BODY),
            rejected(400, "malformed_header"),
        ));
        let mut repeated = signed.clone();
        let first = repeated
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(signature))
            .cloned()
            .unwrap();
        repeated.push(first);
        cases.push(
            Case::new(name("repeated signature header"), spec)
                .answers(post(repeated, BODY), rejected(400, "malformed_header")),
        );
        let resigned = provider.sign(BODY, "evt-1");
        cases.push(
            Case::new(name("duplicate after success"), spec)
                .answers(post(signed.clone(), BODY), handled())
                .answers(post(signed.clone(), BODY), duplicate())
                // A fresh signature of the same event: a provider's retry.
                .answers(post(resigned, BODY), duplicate())
                // Another event (another body: two byte-identical deliveries of a provider
                // whose ids are not signed count as one).
                .answers(post(provider.sign(FORGED, "evt-2"), FORGED), handled())
                .runs(2),
        );
        cases.push(
            Case::new(
                name("concurrent copies of a new event"),
                spec.behaviour(Behaviour::Slow(Duration::from_millis(200))),
            )
            .step(
                Request::Concurrent {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                },
                Expect::OnceThenDuplicates,
            )
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(1),
        );
        cases.push(
            Case::new(
                name("handler failure, then the retry"),
                spec.behaviour(Behaviour::FailFirst),
            )
            // The release is awaited before the 500 is sent: the very next retry runs.
            .answers(post(signed.clone(), BODY), handler_failed())
            .answers(post(signed.clone(), BODY), handled())
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(2),
        );
        cases.push(
            Case::new(
                name("handler panic, then the retry"),
                spec.behaviour(Behaviour::PanicFirst),
            )
            .step(post(signed.clone(), BODY), Expect::Crashed)
            .step(
                Request::UntilHandled {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                },
                Expect::Answer(handled()),
            )
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(2),
        );
        cases.push(
            Case::new(
                name("client disconnect mid-handler, then the retry"),
                spec.behaviour(Behaviour::HangFirst(Duration::from_secs(5))),
            )
            .step(
                Request::GiveUp {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                    after: Duration::from_millis(300),
                },
                Expect::GaveUp,
            )
            .step(
                Request::UntilHandled {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                },
                Expect::Answer(handled()),
            )
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(2),
        );
        cases.push(
            Case::new(name("replay store unavailable"), spec.store(Store::Down)).answers(
                post(signed.clone(), BODY),
                rejected_retry_after(503, "replay_store_unavailable"),
            ),
        );
        let limited = spec.body_limit(LIMIT);
        let over = vec![b'x'; LIMIT + 1];
        let at = vec![b'y'; LIMIT];
        cases.push(
            Case::new(name("Content-Length over the limit"), limited)
                .answers(
                    post(provider.sign(&over, "evt-over"), &over),
                    rejected(413, "payload_too_large"),
                )
                // Exactly at the limit is read and handled.
                .answers(post(provider.sign(&at, "evt-at"), &at), handled())
                .runs(1)
                .bodies(&[&at]),
        );
        cases.push(
            Case::new(
                name("declared length over the limit, body never sent"),
                limited,
            )
            .answers(
                Request::Declared {
                    headers: provider.sign(b"{}", "evt-declared"),
                    declared: 100_000,
                    sent: b"{}".to_vec(),
                },
                rejected(413, "payload_too_large"),
            ),
        );
        let chunk = vec![b'z'; 400];
        cases.push(
            Case::new(name("chunked body over the limit"), limited)
                .answers(
                    Request::Chunked {
                        headers: provider.sign(&chunk.repeat(4), "evt-chunked-over"),
                        chunks: vec![chunk.clone(); 4],
                    },
                    rejected(413, "payload_too_large"),
                )
                // The same client under the limit is handled: the 413 is the limit's.
                .answers(
                    Request::Chunked {
                        headers: provider.sign(&chunk.repeat(2), "evt-chunked-fits"),
                        chunks: vec![chunk.clone(); 2],
                    },
                    handled(),
                )
                .runs(1)
                .bodies(&[&chunk.repeat(2)]),
        );
        // A client that stops mid-body: cut off at the body deadline, its id never
        // reserved, so the complete delivery that follows is handled.
        let stalled = provider.sign(BODY, "evt-stalled");
        cases.push(
            Case::new(
                name("body stalled mid-way"),
                spec.body_timeout(Duration::from_millis(500)),
            )
            .answers(
                Request::Declared {
                    headers: stalled.clone(),
                    declared: BODY.len(),
                    sent: BODY[..10].to_vec(),
                },
                rejected(408, "body_timeout"),
            )
            .answers(post(stalled, BODY), handled())
            .runs(1)
            .bodies(&[BODY]),
        );
        // A captured delivery resent under another event id: Civo's id is not signed, so
        // the content digest makes it a duplicate; Standard Webhooks signs its id, so the
        // altered copy fails the signature.
        let resent = replaced(signed.clone(), provider.id_header(), "evt-forged");
        let resent_answer = match provider {
            Provider::Civo => duplicate(),
            Provider::StandardWebhooks => rejected(401, "signature_mismatch"),
        };
        cases.push(
            Case::new(name("captured delivery resent under a new id"), spec)
                .answers(post(signed.clone(), BODY), handled())
                .answers(post(resent, BODY), resent_answer)
                .runs(1),
        );
        cases.push(
            Case::new(name("non-UTF-8 body"), spec)
                .answers(post(provider.sign(BINARY, "evt-binary"), BINARY), handled())
                .runs(1)
                .bodies(&[BINARY]),
        );
    }

    // Timestamps: Standard Webhooks (±300 s).
    let sw = Provider::StandardWebhooks;
    let spec = Spec::new(Endpoint::StandardWebhooks);
    let minutes = |m: i64| time::Duration::minutes(m);
    cases.push(
        Case::new("missing timestamp header [StandardWebhooks]", spec).answers(
            post(without(sw.sign(BODY, "evt-1"), "webhook-timestamp"), BODY),
            rejected(401, "missing_header"),
        ),
    );
    cases.push(
        Case::new("malformed timestamp header [StandardWebhooks]", spec).answers(
            post(
                replaced(sw.sign(BODY, "evt-1"), "webhook-timestamp", "soon"),
                BODY,
            ),
            rejected(400, "malformed_header"),
        ),
    );
    cases.push(
        Case::new("stale timestamp [StandardWebhooks]", spec).answers(
            post(sw.sign_at(BODY, "evt-1", now - minutes(10)), BODY),
            rejected(401, "timestamp_out_of_window"),
        ),
    );
    cases.push(
        Case::new("timestamp beyond the clock skew [StandardWebhooks]", spec).answers(
            post(sw.sign_at(BODY, "evt-1", now + minutes(10)), BODY),
            rejected(401, "timestamp_out_of_window"),
        ),
    );
    cases.push(
        Case::new("timestamps inside the window [StandardWebhooks]", spec)
            .answers(
                post(sw.sign_at(BODY, "evt-old", now - minutes(4)), BODY),
                handled(),
            )
            .answers(
                post(sw.sign_at(BODY, "evt-ahead", now + minutes(4)), BODY),
                handled(),
            )
            .runs(2),
    );

    // Handshakes: answered by the adapter, never handled, never remembered.
    let hcp = Endpoint::Hcp;
    let verified = Answer::new(200, "application/json", None, br#"{"verified":true}"#);
    cases.push(
        Case::new("HCP verification handshake", Spec::new(hcp))
            .answers(
                post(hcp.sign(HCP_VERIFICATION, ""), HCP_VERIFICATION),
                verified.clone(),
            )
            .answers(
                post(hcp.sign(HCP_VERIFICATION, ""), HCP_VERIFICATION),
                verified,
            )
            // Ordinary events of the endpoint are handled once.
            .answers(post(hcp.sign(HCP_EVENT, ""), HCP_EVENT), handled())
            .answers(post(hcp.sign(HCP_EVENT, ""), HCP_EVENT), duplicate())
            .runs(1)
            .bodies(&[HCP_EVENT]),
    );
    let forged = replaced(
        hcp.sign(HCP_VERIFICATION, ""),
        "X-HCP-Webhook-Signature",
        &"0".repeat(128),
    );
    cases.push(
        Case::new("HCP verification with a bad signature", Spec::new(hcp)).answers(
            post(forged, HCP_VERIFICATION),
            rejected(401, "signature_mismatch"),
        ),
    );
    let slack = Endpoint::Slack;
    let challenge = Answer::new(200, TEXT, None, b"abc123");
    cases.push(
        Case::new("Slack url_verification handshake", Spec::new(slack))
            .answers(
                post(slack.sign(SLACK_CHALLENGE, ""), SLACK_CHALLENGE),
                challenge.clone(),
            )
            .answers(
                post(slack.sign(SLACK_CHALLENGE, ""), SLACK_CHALLENGE),
                challenge,
            ),
    );
    cases
}

// ---------------------------------------------------------------------------------------
// Running it.

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

fn matches(expect: &Expect, observed: &Observed) -> bool {
    match (expect, observed) {
        (Expect::Answer(expected), Observed::Answer(answer)) => expected == answer,
        (
            Expect::OnceThenDuplicates,
            Observed::Concurrent {
                handled,
                in_flight,
                duplicates,
                others,
            },
        ) => {
            *handled == 1
                && *in_flight > 0
                && handled + in_flight + duplicates == COPIES
                && others.is_empty()
        }
        (Expect::Crashed, Observed::Answer(answer)) => answer.status == 500,
        (Expect::Crashed, Observed::NoAnswer(_)) => true,
        (Expect::GaveUp, Observed::NoAnswer(error)) => error == "timeout",
        _ => false,
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
