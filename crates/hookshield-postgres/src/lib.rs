//! A PostgreSQL replay store and transactional inbox for hookshield.
//!
//! - [`PgStore`]: the replay store in a table, `hookshield_events`, shared by every
//!   instance of a receiver, with the semantics of the other stores (owner tokens, leases,
//!   TTLs; fail closed with 503 and `Retry-After`, or open if asked), in one statement per
//!   step. [`PgStore::migrate`] creates the table ([`MIGRATION`] is its SQL, to copy into
//!   your own migrations instead); expired rows are swept in bounded batches.
//! - [`Inbox`]: a handler that writes to the same database marks its event handled inside
//!   its own transaction ([`Inbox::commit`]: the mark, then `COMMIT`), so its writes and
//!   the mark commit or roll back together. A crash
//!   after the commit leaves the event done (the provider's retry is a duplicate); a crash
//!   or error before it leaves no writes and the event free (the retry runs).
//!   Extractor for axum (feature `axum`) and actix-web (feature `actix`).
//!
//! Which store to choose: `MemoryStore` for one instance; `RedisStore` (hookshield-redis)
//! for several instances that already run Redis; `PgStore` for several instances on
//! PostgreSQL, and the only one with which a handler's own database writes happen exactly
//! once, even across a crash.
//!
//! The store passes the same conformance suite as `MemoryStore`
//! (`hookshield_core::replay::conformance`), on a real PostgreSQL. Needs PostgreSQL 13 or
//! newer (tested on 15).
//!
//! ```no_run
//! # #[cfg(feature = "axum")] async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::{Router, routing::post};
//! use hookshield_axum::WebhookLayer;
//! use hookshield_core::{presets, Receiver, Verifier};
//! use hookshield_postgres::PgStore;
//!
//! // No ping before each checkout: the store's statements are one round trip each.
//! let pool = sqlx::postgres::PgPoolOptions::new()
//!     .test_before_acquire(false)
//!     .connect(&std::env::var("DATABASE_URL")?)
//!     .await?;
//! PgStore::migrate(&pool).await?;
//! let verifier = Verifier::builder(presets::stripe())
//!     .encoded_secret(&std::env::var("STRIPE_WEBHOOK_SECRET")?)
//!     .build()?;
//! let receiver = Receiver::new(verifier).with_replay_store(PgStore::builder(pool.clone()).build()?);
//! # async fn credit() {}
//! let app: Router = Router::new()
//!     .route("/webhooks/stripe", post(credit).layer(WebhookLayer::from(receiver)))
//!     .with_state(pool);
//! # Ok(()) }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "actix")]
mod extract_actix;
#[cfg(feature = "axum")]
mod extract_axum;
mod inbox;
mod late;
mod migrate;
mod sql;
mod store;
mod sweep;

pub use inbox::{Inbox, InboxError};
pub use migrate::MIGRATION;
pub use store::{DEFAULT_TIMEOUT, PgStore, PgStoreBuilder};
