//! The credits example's guarantee across crashes, with real processes: the receiver (the
//! example's service, `examples/support/credits.rs`) runs as a child process that kills
//! itself (`abort`) at a chosen point of its handler, and the provider's retry goes to a
//! fresh process on the same database.
//!
//! - killed after `COMMIT`, before answering: the credits are in, and the retry is answered
//!   as a duplicate, so they are added exactly once;
//! - killed before `COMMIT`: nothing is in, the retry within the lease is told to come back
//!   (409), the one after it is handled, and the credits are added exactly once.
//!
//! The child is this test binary again, running only [`child_receiver`] with
//! `HOOKSHIELD_CREDITS_CHILD` set to its crash point.

#![cfg(all(feature = "axum", feature = "postgres"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr,
    missing_docs
)]

#[path = "../examples/support/credits.rs"]
mod credits;

use std::time::{Duration, Instant};

use credits::{Crash, ReceiverProcess};
use hookshield::axum::Server;
use hookshield::replay::OwnerToken;
use hookshield::{Secret, SignOptions, Signer, presets};
use sqlx::PgPool;
use tokio::process::Command;

const CHILD: &str = "HOOKSHIELD_CREDITS_CHILD";
const SECRET: &str = "whsec_credits_crash_test";

/// The test PostgreSQL, or `None` (skipped; a failure under `HOOKSHIELD_REQUIRE_POSTGRES=1`).
fn database_url() -> Option<String> {
    match std::env::var("HOOKSHIELD_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("HOOKSHIELD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("HOOKSHIELD_POSTGRES_URL is not set: run the tests through scripts/test.sh")
        }
        _ => {
            eprintln!("skipped: no PostgreSQL (scripts/test.sh starts one)");
            None
        }
    }
}

/// In the child process only: serves the credits service, crashing where told, and prints
/// `listening on http://…`. In the test run itself it does nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_receiver() {
    let Ok(point) = std::env::var(CHILD) else {
        return;
    };
    let crash = Crash::parse(&point).expect("a crash point");
    let url = std::env::var("HOOKSHIELD_POSTGRES_URL").expect("the database");
    let pool = credits::connect(&url).await.expect("connect");
    credits::migrate(&pool).await.expect("migrate");
    let app = credits::router(pool, SECRET, crash).expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("listening on http://{}", listener.local_addr().unwrap());
    Server::new().serve(listener, app).await.unwrap();
}

/// A receiver process: this test binary, running only [`child_receiver`], crashing at
/// `crash`.
async fn spawn_receiver(crash: &str) -> ReceiverProcess {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "child_receiver",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, crash);
    ReceiverProcess::start(command)
        .await
        .expect("the receiver starts")
}

/// What a delivery got: a status and `Retry-After`, or no answer (the connection dropped).
#[derive(Debug, PartialEq)]
enum Answer {
    Status(u16, Option<String>),
    None,
}

async fn deliver(url: &str, body: &[u8]) -> Answer {
    let signer = Signer::new(presets::stripe(), Secret::from_text(SECRET).unwrap()).unwrap();
    let mut request = reqwest::Client::new()
        .post(url)
        .timeout(Duration::from_secs(10))
        .body(body.to_vec());
    for (name, value) in signer.sign(body, &SignOptions::new()).unwrap().iter() {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) => Answer::Status(
            response.status().as_u16(),
            response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned()),
        ),
        Err(_) => Answer::None,
    }
}

/// The state of event `id`'s row in `hookshield_events`, if any.
async fn event_state(pool: &PgPool, id: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT state FROM hookshield_events WHERE namespace = 'stripe' AND event_id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .unwrap()
}

/// A pool on the test database, the tables migrated, and names of this run's own.
async fn setup() -> Option<(PgPool, String, String)> {
    let pool = PgPool::connect(&database_url()?).await.unwrap();
    credits::migrate(&pool).await.unwrap();
    let run = OwnerToken::random().to_hex();
    Some((pool, format!("acct_{run}"), format!("evt_{run}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_after_commit_the_retry_is_a_duplicate() {
    let Some((pool, account, id)) = setup().await else {
        return;
    };
    let body = credits::purchase_body(&id, &account, 70);

    let crashing = spawn_receiver("after-commit").await;
    assert_eq!(deliver(&crashing.url, &body).await, Answer::None);
    crashing.crashed().await.expect("the receiver crashes");
    // The transaction committed: the credits and the mark are in.
    assert_eq!(credits::balance(&pool, &account).await.unwrap(), 70);
    assert_eq!(credits::credited(&pool, &id).await.unwrap(), 1);
    assert_eq!(event_state(&pool, &id).await.as_deref(), Some("done"));

    let receiver = spawn_receiver("never").await;
    for _ in 0..3 {
        assert_eq!(
            deliver(&receiver.url, &body).await,
            Answer::Status(200, None),
            "the provider's retry is a duplicate"
        );
    }
    assert_eq!(credits::balance(&pool, &account).await.unwrap(), 70);
    assert_eq!(credits::credited(&pool, &id).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_before_commit_the_retry_is_handled_once() {
    let Some((pool, account, id)) = setup().await else {
        return;
    };
    let body = credits::purchase_body(&id, &account, 30);

    let crashing = spawn_receiver("before-commit").await;
    assert_eq!(deliver(&crashing.url, &body).await, Answer::None);
    crashing.crashed().await.expect("the receiver crashes");
    // The transaction died with the process: nothing is in; the reservation is in flight
    // until its lease lapses.
    assert_eq!(credits::balance(&pool, &account).await.unwrap(), 0);
    assert_eq!(credits::credited(&pool, &id).await.unwrap(), 0);
    assert_eq!(event_state(&pool, &id).await.as_deref(), Some("in_flight"));

    let receiver = spawn_receiver("never").await;
    let started = Instant::now();
    let mut told_to_wait = 0;
    loop {
        match deliver(&receiver.url, &body).await {
            Answer::Status(409, Some(_)) => told_to_wait += 1,
            Answer::Status(204, _) => break,
            other => panic!("unexpected answer to a retry: {other:?}"),
        }
        assert!(
            started.elapsed() < credits::LEASE.saturating_mul(5),
            "the lease never lapsed"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        told_to_wait > 0,
        "a retry within the lease is told to come back"
    );
    assert_eq!(credits::balance(&pool, &account).await.unwrap(), 30);
    assert_eq!(credits::credited(&pool, &id).await.unwrap(), 1);
    assert_eq!(
        deliver(&receiver.url, &body).await,
        Answer::Status(200, None)
    );
    assert_eq!(credits::credited(&pool, &id).await.unwrap(), 1);
}
