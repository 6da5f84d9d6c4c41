//! hookshield quickstart: a real axum server on loopback with hookshield's layer in front
//! of a Civo endpoint and a Standard Webhooks endpoint, and real HTTP requests sent to it
//! the way the providers (and attackers, and flaky networks) send them.
//!
//! Run with `cargo run --example quickstart`. It prints one row per case (the HTTP status
//! and how many times the handler ran) and exits with status 1 if any row differs from
//! what is expected.
#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::error::Error;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::axum::{Server, VerifiedWebhook, WebhookLayer};
use hookshield::{Receiver, Secret, SignOptions, Signer, Verifier, presets};
use time::OffsetDateTime;

const CIVO_SECRET: &str = "civo-secret-from-the-dashboard";
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The Standard Webhooks endpoint accepts bodies up to this size.
const SW_LIMIT: usize = 4 * 1024;
/// How many copies of one event arrive at the same moment.
const COPIES: usize = 50;

/// How many times the handler ran, per event id.
#[derive(Clone, Default)]
struct Runs(Arc<Mutex<HashMap<String, usize>>>);

impl Runs {
    /// Counts a run; answers the number of earlier runs.
    fn record(&self, id: &str) -> usize {
        let mut runs = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = runs.entry(id.to_owned()).or_default();
        let before = *count;
        *count = count.saturating_add(1);
        before
    }

    fn of(&self, id: &str) -> usize {
        let runs = self.0.lock().unwrap_or_else(|e| e.into_inner());
        runs.get(id).copied().unwrap_or(0)
    }
}

/// The user's handler: it takes a moment (so concurrent copies overlap), and an event whose
/// body asks for it fails the first time, as a handler whose database is briefly down.
async fn handle(State(runs): State<Runs>, webhook: VerifiedWebhook) -> StatusCode {
    let id = webhook.verified.event_id();
    let earlier = runs.record(id);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let flaky = webhook.body.windows(9).any(|w| w == b"fail-once");
    if flaky && earlier == 0 {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::NO_CONTENT
}

fn app() -> Result<(Router, Runs), Box<dyn Error>> {
    let runs = Runs::default();
    let civo = Verifier::builder(presets::civo())
        .encoded_secret(CIVO_SECRET)
        .build()?;
    let sw = Verifier::builder(presets::standard_webhooks())
        .encoded_secret(SW_SECRET)
        .build()?;
    let router = Router::new()
        .route(
            "/webhooks/civo",
            post(handle).layer(WebhookLayer::new(civo)),
        )
        .route(
            "/webhooks/sw",
            post(handle).layer(WebhookLayer::from(
                Receiver::new(sw).with_body_limit(SW_LIMIT)?,
            )),
        )
        .with_state(runs.clone());
    Ok((router, runs))
}

/// A provider (or an impostor) sending signed requests.
struct Sender {
    client: reqwest::Client,
    url: String,
    signer: Signer,
}

impl Sender {
    fn new(addr: SocketAddr, path: &str, signer: Signer) -> Self {
        Self {
            client: reqwest::Client::new(),
            url: format!("http://{addr}{path}"),
            signer,
        }
    }

    /// Signs `signed` with `options` and POSTs `sent` (the same bytes unless tampered).
    async fn post(
        &self,
        signed: &[u8],
        sent: &[u8],
        options: &SignOptions,
    ) -> Result<u16, Box<dyn Error>> {
        let mut request = self.client.post(&self.url).body(sent.to_vec());
        for (name, value) in self.signer.sign(signed, options)?.iter() {
            request = request.header(name, value);
        }
        Ok(request.send().await?.status().as_u16())
    }

    async fn send(&self, body: &[u8], options: &SignOptions) -> Result<u16, Box<dyn Error>> {
        self.post(body, body, options).await
    }
}

/// One row of the table.
struct Row {
    case: &'static str,
    status: String,
    runs: usize,
    expected_status: String,
    expected_runs: usize,
}

impl Row {
    fn ok(&self) -> bool {
        self.status == self.expected_status && self.runs == self.expected_runs
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("quickstart failed: {err}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, Box<dyn Error>> {
    let (router, runs) = app()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // hookshield's `Server`, not `axum::serve`: deadlines on request heads and idle
    // connections, a cap on open connections.
    tokio::spawn(Server::new().serve(listener, router));
    println!("hookshield quickstart: receiver on http://{addr} (/webhooks/civo, /webhooks/sw)\n");

    let civo = Sender::new(
        addr,
        "/webhooks/civo",
        Signer::new(presets::civo(), Secret::from_text(CIVO_SECRET)?)?,
    );
    let impostor = Sender::new(
        addr,
        "/webhooks/civo",
        Signer::new(presets::civo(), Secret::from_text("not-the-real-secret")?)?,
    );
    let sw_key = presets::standard_webhooks()
        .build()?
        .parse_secret(SW_SECRET)?;
    let sw = Sender::new(
        addr,
        "/webhooks/sw",
        Signer::new(presets::standard_webhooks(), sw_key)?,
    );

    let body = br#"{"event":"instance.created","resourceID":"a4c8e1f2"}"#;
    let id = |id: &str| SignOptions::new().id(id);
    let mut rows = Vec::new();
    let mut row = |case, status: String, runs, expected_status: &str, expected_runs| {
        rows.push(Row {
            case,
            status,
            runs,
            expected_status: expected_status.to_owned(),
            expected_runs,
        });
    };

    // Civo: the id in X-Civo-Event stays the same on every retry.
    let status = civo.send(body, &id("civo-1")).await?;
    row(
        "civo: valid event",
        status.to_string(),
        runs.of("civo-1"),
        "204",
        1,
    );
    let status = civo.send(body, &id("civo-1")).await?;
    row(
        "civo: duplicate after success",
        status.to_string(),
        runs.of("civo-1"),
        "200",
        1,
    );
    let tampered = br#"{"event":"instance.deleted","resourceID":"a4c8e1f2"}"#;
    let status = civo.post(body, tampered, &id("civo-2")).await?;
    row(
        "civo: tampered body",
        status.to_string(),
        runs.of("civo-2"),
        "401",
        0,
    );
    let status = impostor.send(body, &id("civo-3")).await?;
    row(
        "civo: wrong secret",
        status.to_string(),
        runs.of("civo-3"),
        "401",
        0,
    );

    // A new event has a body of its own: Civo does not sign its ids, so a byte-identical
    // body under another id counts as a copy of the event already handled.
    let new_body = br#"{"event":"instance.created","resourceID":"b7d2c9e0"}"#;
    let statuses = concurrent_copies(&civo, new_body, "civo-4").await?;
    row(
        "civo: 50 concurrent copies of a new event",
        summary(&statuses),
        runs.of("civo-4"),
        "204×1 + 409/200×49",
        1,
    );

    let flaky = br#"{"event":"instance.created","note":"fail-once"}"#;
    let status = civo.send(flaky, &id("civo-5")).await?;
    row(
        "civo: handler fails (500)",
        status.to_string(),
        runs.of("civo-5"),
        "500",
        1,
    );
    let status = civo.send(flaky, &id("civo-5")).await?;
    row(
        "civo: the provider's retry is handled",
        status.to_string(),
        runs.of("civo-5"),
        "204",
        2,
    );

    // Standard Webhooks: the id and a timestamp are signed with the body.
    let now = OffsetDateTime::now_utc();
    let sw_body = br#"{"type":"invoice.paid","data":{"amount":4200}}"#;
    let status = sw.send(sw_body, &id("msg_1").timestamp(now)).await?;
    row(
        "sw: valid event",
        status.to_string(),
        runs.of("msg_1"),
        "204",
        1,
    );
    let status = sw.send(sw_body, &id("msg_1").timestamp(now)).await?;
    row(
        "sw: duplicate after success",
        status.to_string(),
        runs.of("msg_1"),
        "200",
        1,
    );
    let stale = now.saturating_sub(time::Duration::minutes(10));
    let status = sw.send(sw_body, &id("msg_2").timestamp(stale)).await?;
    row(
        "sw: signed 10 minutes ago",
        status.to_string(),
        runs.of("msg_2"),
        "401",
        0,
    );
    let big = format!(r#"{{"type":"report","data":"{}"}}"#, "x".repeat(SW_LIMIT));
    let status = sw.send(big.as_bytes(), &id("msg_3").timestamp(now)).await?;
    row(
        "sw: body over the 4 KiB limit",
        status.to_string(),
        runs.of("msg_3"),
        "413",
        0,
    );

    Ok(print(&rows))
}

/// Sends `COPIES` copies of one new event at once; answers their statuses.
async fn concurrent_copies(
    sender: &Sender,
    body: &[u8],
    id: &str,
) -> Result<Vec<u16>, Box<dyn Error>> {
    let headers = sender.signer.sign(body, &SignOptions::new().id(id))?;
    let tasks: Vec<_> = (0..COPIES)
        .map(|_| {
            let mut request = sender.client.post(&sender.url).body(body.to_vec());
            for (name, value) in headers.iter() {
                request = request.header(name, value);
            }
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    let mut statuses = Vec::with_capacity(COPIES);
    for task in tasks {
        statuses.push(task.await??);
    }
    Ok(statuses)
}

/// `204×1 + 409/200×49` when exactly one copy was handled and every other one was told it
/// is in flight (409) or done (200).
fn summary(statuses: &[u16]) -> String {
    let handled = statuses.iter().filter(|&&s| s == 204).count();
    let turned_away = statuses.iter().filter(|&&s| s == 409 || s == 200).count();
    let other = statuses
        .len()
        .saturating_sub(handled)
        .saturating_sub(turned_away);
    let mut text = format!("204×{handled} + 409/200×{turned_away}");
    if other > 0 {
        text.push_str(&format!(" + other×{other}"));
    }
    text
}

fn print(rows: &[Row]) -> bool {
    let width = rows.iter().map(|r| r.case.len()).max().unwrap_or(0);
    println!(
        "{:width$}  {:>20}  {:>12}  ok",
        "case", "status", "handler runs"
    );
    let mut all = true;
    for row in rows {
        let ok = row.ok();
        all &= ok;
        let mark = if ok {
            "yes".to_owned()
        } else {
            format!(
                "NO (expected {}, {} runs)",
                row.expected_status, row.expected_runs
            )
        };
        println!(
            "{:width$}  {:>20}  {:>12}  {mark}",
            row.case, row.status, row.runs
        );
    }
    println!(
        "\n{}",
        if all {
            "every case answered as expected"
        } else {
            "SOME CASES DIFFER"
        }
    );
    all
}
