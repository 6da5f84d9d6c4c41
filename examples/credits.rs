//! A small "credits" service on axum and PostgreSQL: Stripe-style `credits.purchased`
//! events add credits to an account in the same transaction as hookshield's inbox mark, so
//! each purchase is credited exactly once, whatever the provider resends and wherever the
//! receiver crashes.
//!
//! ```text
//! eval "$(scripts/postgres.sh start)"     # a throwaway PostgreSQL; prints its URL
//! cargo run --example credits --features postgres
//! ```
//!
//! It runs the receiver as a child process on loopback, sends it signed events the way
//! Stripe does (once, again, 50 copies at once), kills it right after a commit and right
//! before one, restarts it, lets the provider retry, and prints one row per case with the
//! HTTP status, the account's balance and how many times the event was credited. It exits
//! with status 1 if any row differs from what is expected.
//!
//! `cargo run --example credits --features postgres -- --serve 127.0.0.1:3000` only serves
//! (`POST /webhooks/stripe`), with the secret in `STRIPE_WEBHOOK_SECRET` (or the demo's).
//! The database is `HOOKSHIELD_POSTGRES_URL`, or `DATABASE_URL`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "support/credits.rs"]
mod credits;

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use credits::{Crash, ReceiverProcess};
use hookshield::axum::Server;
use hookshield::{Secret, SignOptions, Signer, presets};
use sqlx::PgPool;
use tokio::process::Command;

const DEMO_SECRET: &str = "whsec_credits_demo_secret";

fn database_url() -> Option<String> {
    ["HOOKSHIELD_POSTGRES_URL", "DATABASE_URL"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

fn secret() -> String {
    std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_else(|_| DEMO_SECRET.to_owned())
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(url) = database_url() else {
        eprintln!(
            "credits: no database. Start one with `eval \"$(scripts/postgres.sh start)\"` \
             (or set DATABASE_URL), then run this again."
        );
        return ExitCode::from(2);
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("--serve") => serve(&url, &args).await.map(|()| true),
        _ => demo(&url).await,
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("credits failed: {error}");
            ExitCode::from(2)
        }
    }
}

/// `--serve ADDR [--crash before-commit|after-commit]`: the receiver alone. Prints
/// `listening on http://…` once it accepts connections.
async fn serve(url: &str, args: &[String]) -> Result<(), Box<dyn Error>> {
    let addr = args.get(1).map_or("127.0.0.1:3000", String::as_str);
    let crash = match args.get(2).map(String::as_str) {
        Some("--crash") => args
            .get(3)
            .and_then(|point| Crash::parse(point))
            .ok_or("--crash takes never, before-commit or after-commit")?,
        _ => Crash::Never,
    };
    let pool = credits::connect(url).await?;
    credits::migrate(&pool).await?;
    let app = credits::router(pool, &secret(), crash)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    Server::new()
        .serve_with_shutdown(listener, app, hookshield::axum::shutdown_signal())
        .await?;
    Ok(())
}

/// The receiver, as a child process of this program, crashing at `crash`.
async fn spawn_receiver(crash: &str) -> Result<ReceiverProcess, Box<dyn Error>> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(["--serve", "127.0.0.1:0", "--crash", crash]);
    ReceiverProcess::start(command).await
}

/// Stripe, sending signed deliveries.
struct Stripe {
    client: reqwest::Client,
    signer: Signer,
}

impl Stripe {
    /// Delivers `body` to `url`: the status, or "no answer" when the connection dropped.
    async fn deliver(&self, url: &str, body: &[u8]) -> Result<String, Box<dyn Error>> {
        let mut request = self.client.post(url).body(body.to_vec());
        for (name, value) in self.signer.sign(body, &SignOptions::new())?.iter() {
            request = request.header(name, value);
        }
        Ok(match request.send().await {
            Ok(response) => response.status().as_u16().to_string(),
            Err(_) => "no answer".to_owned(),
        })
    }
}

/// One row of the table.
struct Row {
    case: String,
    got: (String, i64, i64),
    want: (String, i64, i64),
}

async fn demo(url: &str) -> Result<bool, Box<dyn Error>> {
    let pool = PgPool::connect(url).await?;
    credits::migrate(&pool).await?;
    // Names of this run's own: the database outlives the demo.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let account = format!("acct_{run}");
    let event = |n: u32| format!("evt_{run}_{n}");
    let stripe = Arc::new(Stripe {
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?,
        signer: Signer::new(presets::stripe(), Secret::from_text(&secret())?)?,
    });
    let mut rows: Vec<Row> = Vec::new();
    let mut receiver = spawn_receiver("never").await?;
    println!("credits: receiver on {}\n", receiver.url);

    let mut record = async |case: &str, status: String, id: &str, want: (&str, i64, i64)| {
        let balance = credits::balance(&pool, &account).await?;
        let times = credits::credited(&pool, id).await?;
        rows.push(Row {
            case: case.to_owned(),
            got: (status, balance, times),
            want: (want.0.to_owned(), want.1, want.2),
        });
        Ok::<_, sqlx::Error>(())
    };

    let body = credits::purchase_body(&event(1), &account, 100);
    let status = stripe.deliver(&receiver.url, &body).await?;
    record(
        "purchase of 100 credits",
        status,
        &event(1),
        ("204", 100, 1),
    )
    .await?;
    let status = stripe.deliver(&receiver.url, &body).await?;
    record("the same event again", status, &event(1), ("200", 100, 1)).await?;

    let body = credits::purchase_body(&event(2), &account, 25);
    let statuses = copies(&stripe, &receiver.url, &body, 50).await?;
    let handled = statuses.iter().filter(|s| *s == "204").count();
    let others = statuses
        .iter()
        .all(|s| s == "204" || s == "409" || s == "200");
    let summary = if others {
        format!(
            "204×{handled} + 409/200×{}",
            statuses.len().saturating_sub(handled)
        )
    } else {
        statuses.join(",")
    };
    record(
        "50 copies at once (+25)",
        summary,
        &event(2),
        ("204×1 + 409/200×49", 125, 1),
    )
    .await?;

    // Killed right after COMMIT: the credits are in; the provider saw no answer.
    drop(receiver);
    let crashing = spawn_receiver("after-commit").await?;
    let body = credits::purchase_body(&event(3), &account, 10);
    let status = stripe.deliver(&crashing.url, &body).await?;
    crashing.crashed().await?;
    record(
        "killed after COMMIT (+10)",
        status,
        &event(3),
        ("no answer", 135, 1),
    )
    .await?;
    receiver = spawn_receiver("never").await?;
    let status = stripe.deliver(&receiver.url, &body).await?;
    record("  the provider's retry", status, &event(3), ("200", 135, 1)).await?;

    // Killed right before COMMIT: nothing is in; the event waits for its lease to lapse.
    drop(receiver);
    let crashing = spawn_receiver("before-commit").await?;
    let body = credits::purchase_body(&event(4), &account, 5);
    let status = stripe.deliver(&crashing.url, &body).await?;
    crashing.crashed().await?;
    record(
        "killed before COMMIT (+5)",
        status,
        &event(4),
        ("no answer", 135, 0),
    )
    .await?;
    receiver = spawn_receiver("never").await?;
    let status = stripe.deliver(&receiver.url, &body).await?;
    record(
        "  a retry within the lease",
        status,
        &event(4),
        ("409", 135, 0),
    )
    .await?;
    tokio::time::sleep(credits::LEASE.saturating_add(Duration::from_millis(500))).await;
    let status = stripe.deliver(&receiver.url, &body).await?;
    record(
        "  a retry after the lease",
        status,
        &event(4),
        ("204", 140, 1),
    )
    .await?;
    drop(receiver);

    println!(
        "{:<30} {:>22} {:>22} {:>9}",
        "case", "status", "balance (want)", "credited"
    );
    let mut all = true;
    for row in &rows {
        let ok = row.got == row.want;
        all &= ok;
        println!(
            "{:<30} {:>22} {:>13} ({:>5}) {:>5} ({}) {}",
            row.case,
            row.got.0,
            row.got.1,
            row.want.1,
            row.got.2,
            row.want.2,
            if ok { "ok" } else { "UNEXPECTED" }
        );
        if !ok {
            println!("    wanted status {}", row.want.0);
        }
    }
    println!(
        "\n{}",
        if all {
            "every purchase was credited exactly once"
        } else {
            "some rows differ from what was expected"
        }
    );
    Ok(all)
}

/// Delivers `count` copies of `body` at once; their statuses.
async fn copies(
    stripe: &Arc<Stripe>,
    url: &str,
    body: &[u8],
    count: usize,
) -> Result<Vec<String>, Box<dyn Error>> {
    let mut deliveries = tokio::task::JoinSet::new();
    for _ in 0..count {
        let (stripe, url, body) = (Arc::clone(stripe), url.to_owned(), body.to_vec());
        deliveries
            .spawn(async move { stripe.deliver(&url, &body).await.map_err(|e| e.to_string()) });
    }
    let mut statuses = Vec::with_capacity(count);
    while let Some(status) = deliveries.join_next().await {
        statuses.push(status??);
    }
    Ok(statuses)
}
