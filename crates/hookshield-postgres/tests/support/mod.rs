//! The PostgreSQL the tests use: `HOOKSHIELD_POSTGRES_URL`, as `scripts/postgres.sh start`
//! prints it, or a cluster of a test's own ([`cluster::Cluster`], to stop under load).
//!
//! And the harness of the inbox tests (`inbox_axum.rs`, `inbox_actix.rs`,
//! `two_instances.rs`): Stripe and Civo receivers on a [`PgStore`], real servers on loopback
//! (axum through tokio, actix-web through its own actix-rt `System`), a reqwest client, a
//! handler that writes a business row (`inbox_test_handled`) and marks its event through
//! the [`Inbox`] in the same transaction, and the inbox cases themselves ([`cases`]),
//! written once and run against each adapter ([`Adapter`]).
#![allow(
    dead_code,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

// The client side is the Redis store's tests' own.
pub(crate) mod cases;
#[path = "../../../hookshield-redis/tests/support/client.rs"]
mod client;
pub(crate) mod cluster;
mod db;
mod handler;
pub(crate) mod scratch;
mod servers;

#[allow(unused_imports)] // not every test binary sends requests
pub(crate) use client::*;
pub(crate) use db::*;
pub(crate) use handler::*;
pub(crate) use servers::*;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use hookshield_core::replay::{Claim, OwnerToken};
use hookshield_core::{Receiver, Secret, SignOptions, Signer, Verifier, presets};
use hookshield_postgres::{Inbox, InboxError, PgStore};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::Notify;

/// The URL of the test PostgreSQL, or `None` (with a note) when none is configured. Under
/// `HOOKSHIELD_REQUIRE_POSTGRES=1` (set by `scripts/test.sh`, so by CI) a missing one fails
/// the test instead.
pub(crate) fn postgres_url() -> Option<String> {
    match std::env::var("HOOKSHIELD_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if postgres_required() => {
            panic!("HOOKSHIELD_POSTGRES_URL is not set: run the tests through scripts/test.sh")
        }
        _ => {
            eprintln!(
                "skipped: no PostgreSQL (run `eval \"$(scripts/postgres.sh start)\"` or scripts/test.sh)"
            );
            None
        }
    }
}

/// Whether a missing PostgreSQL fails the test (`HOOKSHIELD_REQUIRE_POSTGRES=1`) instead
/// of skipping it.
pub(crate) fn postgres_required() -> bool {
    std::env::var("HOOKSHIELD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A pool of `size` connections on `url`, with the table migrated.
pub(crate) async fn pool_on(url: &str, size: u32) -> PgPool {
    let pool = PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .expect("connect to PostgreSQL");
    PgStore::migrate(&pool).await.expect("migrate");
    pool
}

/// A pool on the test PostgreSQL, or `None` (see [`postgres_url`]).
pub(crate) async fn pool(size: u32) -> Option<PgPool> {
    Some(pool_on(&postgres_url()?, size).await)
}

// ---------------------------------------------------------------------------------------
// Names, schemes, receivers.
// ---------------------------------------------------------------------------------------

/// A name no other run shares (the database persists across runs): `<prefix>-<random>`.
pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", OwnerToken::random().to_hex())
}

/// The path every test server serves its webhook on.
pub(crate) const PATH: &str = "/hook";
/// The Stripe endpoint's secret (used as is by `encoded_secret` and `Secret::from_text`).
pub(crate) const STRIPE_SECRET: &str = "whsec_hookshield_postgres_inbox_test";
/// The Civo endpoint's secret.
pub(crate) const CIVO_SECRET: &str = "civo-hookshield-postgres-inbox-test";
/// How long handled events are remembered in the tests (covers Stripe's window).
pub(crate) const TTL: Duration = Duration::from_secs(900);

/// A Stripe-style event: its id (the body's `"id"`, unique to this run) and its body.
#[derive(Debug, Clone)]
pub(crate) struct StripeEvent {
    pub(crate) id: String,
    pub(crate) body: Vec<u8>,
}

impl StripeEvent {
    pub(crate) fn new() -> Self {
        let id = format!("evt_{}", OwnerToken::random().to_hex());
        let body = format!(r#"{{"id":"{id}","object":"event","type":"inbox.test"}}"#).into_bytes();
        Self { id, body }
    }

    /// The headers of a delivery of this event now (Stripe signs a timestamp).
    pub(crate) fn headers(&self) -> Vec<(String, String)> {
        stripe_signer()
            .sign(&self.body, &SignOptions::new())
            .expect("sign")
            .into_vec()
    }

    /// Delivers this event to `url` (signed now) and reads the answer.
    pub(crate) async fn deliver(&self, client: &reqwest::Client, url: &str) -> Reply {
        post_event(client, url, &self.headers(), self.body.clone()).await
    }
}

pub(crate) fn stripe_verifier() -> Verifier {
    Verifier::builder(presets::stripe())
        .encoded_secret(STRIPE_SECRET)
        .build()
        .expect("verifier")
}

pub(crate) fn stripe_signer() -> Signer {
    Signer::new(presets::stripe(), Secret::from_text(STRIPE_SECRET).unwrap()).expect("signer")
}

pub(crate) fn civo_verifier() -> Verifier {
    Verifier::builder(presets::civo())
        .encoded_secret(CIVO_SECRET)
        .build()
        .expect("verifier")
}

/// The headers of a Civo delivery of `body` as event `id` (Civo does not sign the id).
pub(crate) fn civo_headers(id: &str, body: &[u8]) -> Vec<(String, String)> {
    Signer::new(presets::civo(), Secret::from_text(CIVO_SECRET).unwrap())
        .expect("signer")
        .sign(body, &SignOptions::new().id(id))
        .expect("sign")
        .into_vec()
}

/// A store on `pool` (its own clone of it).
pub(crate) fn store(pool: &PgPool) -> PgStore {
    PgStore::builder(pool.clone()).build().expect("store")
}

/// A Stripe receiver on a [`PgStore`] over `pool`, in `namespace`.
pub(crate) fn stripe_receiver(pool: &PgPool, namespace: &str) -> Receiver<PgStore> {
    Receiver::new(stripe_verifier())
        .with_namespace(namespace)
        .unwrap()
        .with_ttl(TTL)
        .unwrap()
        .with_replay_store(store(pool))
}

/// A Civo receiver (the id is not signed: the ticket also holds a content digest) on a
/// [`PgStore`] over `pool`, in `namespace`.
pub(crate) fn civo_receiver(pool: &PgPool, namespace: &str) -> Receiver<PgStore> {
    Receiver::new(civo_verifier())
        .with_namespace(namespace)
        .unwrap()
        .with_ttl(TTL)
        .unwrap()
        .with_replay_store(store(pool))
}
