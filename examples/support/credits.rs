//! The credits service: Stripe-style `credits.purchased` events add credits to an account,
//! in the same PostgreSQL transaction as the event's inbox mark, so a purchase is credited
//! exactly once, also when the process dies between its commit and its answer.
//!
//! It can kill its own process at one of two points ([`Crash`]), to show (and test) what a
//! crash there does: the `credits` example and the crash tests use that.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::axum::{VerifiedJson, WebhookLayer};
use hookshield::postgres::{Inbox, InboxError, PgStore};
use hookshield::{Receiver, Verifier, presets};
use serde::Deserialize;
use sqlx::PgPool;

/// The service's path.
pub(crate) const PATH: &str = "/webhooks/stripe";
/// The lease of an event in flight: short, so a crashed attempt is retried soon.
pub(crate) const LEASE: Duration = Duration::from_secs(2);

/// The service's own tables: balances, and a ledger with a row per credited event (no
/// unique constraint: an event credited twice would show as two rows).
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS credit_accounts (
    account text PRIMARY KEY,
    credits bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS credit_ledger (
    event_id text NOT NULL,
    account text NOT NULL,
    credits bigint NOT NULL,
    credited_at timestamptz NOT NULL DEFAULT now()
);";

/// Where the handler kills its own process (with `abort`, as a crash would), if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Crash {
    /// Never.
    Never,
    /// After writing the credits and the inbox mark, before `COMMIT`.
    BeforeCommit,
    /// After `COMMIT`, before answering.
    AfterCommit,
}

impl Crash {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "never" => Some(Self::Never),
            "before-commit" => Some(Self::BeforeCommit),
            "after-commit" => Some(Self::AfterCommit),
            _ => None,
        }
    }

    fn here(self, point: Self) {
        if self == point {
            eprintln!("credits: crashing at {point:?}, as told");
            std::process::abort();
        }
    }
}

/// A Stripe-style event: `{"id":"evt_…","type":"credits.purchased","data":{"object":{…}}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct Event {
    #[serde(rename = "type")]
    kind: String,
    data: Data,
}

#[derive(Debug, Deserialize)]
struct Data {
    object: Purchase,
}

#[derive(Debug, Deserialize)]
struct Purchase {
    #[serde(default)]
    account: String,
    #[serde(default)]
    credits: i64,
}

#[derive(Clone)]
struct Service {
    pool: PgPool,
    crash: Crash,
}

/// The service's pool: no ping before each checkout (the store's statements are then one
/// round trip each; a dead connection fails one request, which the provider retries).
pub(crate) async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    sqlx::postgres::PgPoolOptions::new()
        .test_before_acquire(false)
        .connect(url)
        .await
}

/// Creates the service's tables and hookshield's. Under an advisory lock: instances
/// starting together would otherwise race on `CREATE TABLE IF NOT EXISTS`.
pub(crate) async fn migrate(pool: &PgPool) -> Result<(), sqlx::Error> {
    PgStore::migrate(pool).await?;
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('credits example schema'))")
        .execute(&mut *transaction)
        .await?;
    sqlx::raw_sql(SCHEMA).execute(&mut *transaction).await?;
    transaction.commit().await
}

/// The service: Stripe's scheme with `secret`, a [`PgStore`] on `pool`, the handler.
pub(crate) fn router(
    pool: PgPool,
    secret: &str,
    crash: Crash,
) -> Result<Router, Box<dyn std::error::Error>> {
    let verifier = Verifier::builder(presets::stripe())
        .encoded_secret(secret)
        .build()?;
    let store = PgStore::builder(pool.clone()).build()?;
    let receiver = Receiver::new(verifier)
        .with_replay_store(store)
        .with_lease(LEASE)?;
    let service = Arc::new(Service { pool, crash });
    Ok(Router::new()
        .route(PATH, post(purchase).layer(WebhookLayer::from(receiver)))
        .with_state(service))
}

/// Credits the purchase and marks the event handled, in one transaction.
async fn purchase(
    State(service): State<Arc<Service>>,
    inbox: Inbox,
    VerifiedJson(event, verified): VerifiedJson<Event>,
) -> Result<StatusCode, InboxError> {
    if event.kind != "credits.purchased" {
        // Nothing to write: the layer records the event as handled on this 2xx.
        return Ok(StatusCode::NO_CONTENT);
    }
    let Purchase { account, credits } = event.data.object;
    if account.is_empty() || credits <= 0 {
        return Ok(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut transaction = service.pool.begin().await?;
    sqlx::query(
        "INSERT INTO credit_accounts (account, credits) VALUES ($1, $2)
         ON CONFLICT (account) DO UPDATE SET credits = credit_accounts.credits + excluded.credits",
    )
    .bind(&account)
    .bind(credits)
    .execute(&mut *transaction)
    .await?;
    sqlx::query("INSERT INTO credit_ledger (event_id, account, credits) VALUES ($1, $2, $3)")
        .bind(verified.event_id())
        .bind(&account)
        .bind(credits)
        .execute(&mut *transaction)
        .await?;
    inbox.mark_handled(&mut transaction).await?;
    service.crash.here(Crash::BeforeCommit);
    inbox.commit(transaction).await?;
    service.crash.here(Crash::AfterCommit);
    Ok(StatusCode::NO_CONTENT)
}

/// The body of a purchase of `credits` for `account`, as event `id`.
pub(crate) fn purchase_body(id: &str, account: &str, credits: i64) -> Vec<u8> {
    serde_json::json!({
        "id": id,
        "object": "event",
        "type": "credits.purchased",
        "data": { "object": { "account": account, "credits": credits } },
    })
    .to_string()
    .into_bytes()
}

/// `account`'s balance (0 if it has none).
pub(crate) async fn balance(pool: &PgPool, account: &str) -> Result<i64, sqlx::Error> {
    let credits: Option<i64> =
        sqlx::query_scalar("SELECT credits FROM credit_accounts WHERE account = $1")
            .bind(account)
            .fetch_optional(pool)
            .await?;
    Ok(credits.unwrap_or(0))
}

/// How many times event `id` was credited.
pub(crate) async fn credited(pool: &PgPool, id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM credit_ledger WHERE event_id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
}

/// A receiver running as a child process (the demo's, the crash tests'); killed when
/// dropped.
pub(crate) struct ReceiverProcess {
    child: tokio::process::Child,
    /// The service's URL.
    pub(crate) url: String,
}

impl ReceiverProcess {
    /// Spawns `command`, a process that serves the service and prints `listening on
    /// http://…` once it accepts connections, and waits (at most 30 s) for that line.
    pub(crate) async fn start(
        mut command: tokio::process::Command,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        use tokio::io::AsyncBufReadExt;
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or("the receiver's stdout is not piped")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let listening = async {
            while let Some(line) = lines.next_line().await? {
                // A test binary's child has written `test child_receiver ... ` before it.
                if let Some((_, base)) = line.split_once("listening on ") {
                    return Ok(base.to_owned());
                }
            }
            Err::<_, Box<dyn std::error::Error>>("the receiver ended before listening".into())
        };
        let base = tokio::time::timeout(Duration::from_secs(30), listening)
            .await
            .map_err(|_| "the receiver did not start within 30 s")??;
        Ok(Self {
            child,
            url: format!("{base}{PATH}"),
        })
    }

    /// Waits (at most 10 s) for the process to have crashed: it aborts itself at its crash
    /// point. An exit with success is an error.
    pub(crate) async fn crashed(mut self) -> Result<(), Box<dyn std::error::Error>> {
        let status = tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .map_err(|_| "the receiver did not crash within 10 s")??;
        if status.success() {
            return Err("the receiver exited instead of crashing".into());
        }
        Ok(())
    }
}
