//! The server of the loopback load benchmark (`scripts/load_bench.sh`): one axum POST
//! route on `127.0.0.1:PORT`, in one of these modes.
//!
//! ```sh
//! cargo build --release --example load_server --features redis,moka,postgres
//! LOAD_SECRET=s3cret target/release/examples/load_server memory 8088
//! ```
//!
//! - `bare`: a plain handler reading the body as `Bytes`: the baseline.
//! - `proxy`: the body forwarded, unverified, to `LOAD_UPSTREAM` (a `bare` server): what
//!   proxying alone costs, the floor of `hookshield serve` in front of `bare`.
//! - `verify`: the same handler behind [`WebhookLayer`] with the GitHub preset, reading the
//!   body through [`VerifiedWebhook`], with replay protection disabled by [`NoReplay`] (a
//!   store that admits everything): what signature checking alone costs.
//! - `memory`: the layer as [`WebhookLayer::new`] builds it, with its default
//!   `MemoryStore`: every delivery id must be new, or it is answered 200
//!   `{"duplicate":true}`.
//! - `moka`: the layer with a `MokaStore` of the same capacity (feature `moka`).
//! - `redis`: the layer with a `RedisStore` on `HOOKSHIELD_REDIS_URL` (feature `redis`).
//! - `postgres`: the layer with a `PgStore` on `HOOKSHIELD_POSTGRES_URL` (feature
//!   `postgres`), its pool made by `PgPool::connect` (sqlx's defaults: 10 connections, a
//!   ping before each statement).
//! - `postgres-no-ping`: the same with `test_before_acquire(false)`, as the crate's
//!   documentation recommends: no ping before each statement (sqlx still pings each
//!   connection it takes back).
//!
//! The handler does the same trivial work in every mode: it reads the body's length and
//! answers 204. `LOAD_SECRET` (default `load-bench-secret`) is the GitHub secret;
//! `LOAD_SIGNED_ID=1` signs the delivery id with the body (`{id}.{body}`), so no content
//! digest is kept.

use std::error::Error;
use std::hint::black_box;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use bytes::Bytes;
use hookshield::axum::{Server, VerifiedWebhook, WebhookLayer, shutdown_signal};
use hookshield::{Receiver, Verifier};

#[path = "support/load_scheme.rs"]
mod load_scheme;
#[path = "support/no_replay.rs"]
mod no_replay;

use load_scheme::load_scheme;
#[path = "support/proxy.rs"]
mod proxy;
use no_replay::NoReplay;
use proxy::Proxy;

/// The route every mode serves.
const PATH: &str = "/webhook";

/// The trivial work every mode does.
fn work(body: &Bytes) -> StatusCode {
    black_box(body.len());
    StatusCode::NO_CONTENT
}

async fn bare(body: Bytes) -> StatusCode {
    work(&body)
}

async fn verified(webhook: VerifiedWebhook) -> StatusCode {
    work(&webhook.body)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let port: u16 = args.next().as_deref().unwrap_or("8088").parse()?;
    let secret = std::env::var("LOAD_SECRET").unwrap_or_else(|_| "load-bench-secret".to_owned());
    let verifier = Verifier::builder(load_scheme())
        .encoded_secret(&secret)
        .build()?;

    let route = match mode.as_str() {
        "bare" => post(bare),
        "proxy" => {
            let upstream = std::env::var("LOAD_UPSTREAM")
                .map_err(|_| "mode proxy needs LOAD_UPSTREAM (http://127.0.0.1:PORT/webhook)")?;
            let proxy = Proxy::new(&upstream)?;
            post(move |body: Bytes| {
                let proxy = proxy.clone();
                async move { proxy.forward(body).await }
            })
        }
        "verify" => post(verified).layer(WebhookLayer::from(
            Receiver::new(verifier).with_replay_store(NoReplay),
        )),
        "memory" => post(verified).layer(WebhookLayer::new(verifier)),
        "moka" => post(verified).layer(WebhookLayer::from(
            Receiver::new(verifier).with_replay_store(hookshield::replay::MokaStore::default()),
        )),
        "redis" => {
            let url = std::env::var("HOOKSHIELD_REDIS_URL")
                .map_err(|_| "mode redis needs HOOKSHIELD_REDIS_URL (scripts/redis.sh start)")?;
            let store = hookshield::redis::RedisStore::builder(&url)
                .key_prefix(&format!("load-{}", std::process::id()))
                .build()?;
            post(verified).layer(WebhookLayer::from(
                Receiver::new(verifier).with_replay_store(store),
            ))
        }
        "postgres" | "postgres-no-ping" => {
            let url = std::env::var("HOOKSHIELD_POSTGRES_URL").map_err(
                |_| "mode postgres needs HOOKSHIELD_POSTGRES_URL (scripts/postgres.sh start)",
            )?;
            let pool = if mode == "postgres" {
                sqlx::PgPool::connect(&url).await?
            } else {
                sqlx::postgres::PgPoolOptions::new()
                    .test_before_acquire(false)
                    .connect(&url)
                    .await?
            };
            hookshield::postgres::PgStore::migrate(&pool).await?;
            let store = hookshield::postgres::PgStore::builder(pool).build()?;
            post(verified).layer(WebhookLayer::from(
                Receiver::new(verifier).with_replay_store(store),
            ))
        }
        _ => {
            return Err("usage: load_server \
                 <bare|proxy|verify|memory|moka|redis|postgres|postgres-no-ping> [PORT]"
                .into());
        }
    };
    let app = Router::new().route(PATH, route);

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("{mode} on http://{}{PATH}", listener.local_addr()?);
    // Served as a receiver should be (deadlines on request heads and idle connections, a
    // connection cap), so the benchmark measures what a deployment runs. wrk keeps its
    // connections busy: the 5 s idle deadline does not close them.
    Server::new()
        // Ctrl-C or SIGTERM: stop accepting, let the requests in hand finish (30 s at
        // most), drop the rest (their event ids are released for the provider's retry).
        .serve_with_shutdown(listener, app, shutdown_signal())
        .await?;
    Ok(())
}
