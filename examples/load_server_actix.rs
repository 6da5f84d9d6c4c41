//! The actix-web server of the loopback load benchmark (`FRAMEWORK=actix
//! scripts/load_bench.sh`): the same route and modes as `load_server` (axum).
//!
//! ```sh
//! cargo build --release --example load_server_actix --features actix,redis,moka
//! LOAD_SECRET=s3cret target/release/examples/load_server_actix memory 8088
//! ```
//!
//! - `bare`: a plain handler reading the body as `Bytes`: the baseline.
//! - `verify`: the same handler behind [`WebhookMiddleware`] with the GitHub preset,
//!   reading the body through [`VerifiedWebhook`], replay protection disabled by
//!   [`NoReplay`].
//! - `memory`: the middleware as [`WebhookMiddleware::new`] builds it, with its default
//!   `MemoryStore`.
//! - `moka`: the middleware with a `MokaStore` of the same capacity (feature `moka`).
//! - `redis`: the middleware with a `RedisStore` on `HOOKSHIELD_REDIS_URL` (feature
//!   `redis`).
//!
//! One middleware (one store) is shared by every worker, as a real receiver would.
//! `LOAD_SIGNED_ID=1` signs the delivery id with the body (`{id}.{body}`), so no content
//! digest is kept.

use std::error::Error;
use std::hint::black_box;
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use bytes::Bytes;
use hookshield::actix::{VerifiedWebhook, WebhookMiddleware};
use hookshield::replay::ReplayStore;
use hookshield::{Receiver, Verifier};

#[path = "support/load_scheme.rs"]
mod load_scheme;
#[path = "support/no_replay.rs"]
mod no_replay;

use load_scheme::load_scheme;
use no_replay::NoReplay;

/// The route every mode serves.
const PATH: &str = "/webhook";

/// The trivial work every mode does.
fn work(body: &Bytes) -> HttpResponse {
    black_box(body.len());
    HttpResponse::NoContent().finish()
}

async fn bare(body: Bytes) -> HttpResponse {
    work(&body)
}

async fn verified(webhook: VerifiedWebhook) -> HttpResponse {
    work(&webhook.body)
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let port: u16 = args.next().as_deref().unwrap_or("8088").parse()?;
    let secret = std::env::var("LOAD_SECRET").unwrap_or_else(|_| "load-bench-secret".to_owned());
    let verifier = Verifier::builder(load_scheme())
        .encoded_secret(&secret)
        .build()?;
    match mode.as_str() {
        "bare" => serve::<NoReplay>(None, port, &mode).await,
        "verify" => {
            let middleware =
                WebhookMiddleware::from(Receiver::new(verifier).with_replay_store(NoReplay));
            serve(Some(middleware), port, &mode).await
        }
        "memory" => serve(Some(WebhookMiddleware::new(verifier)), port, &mode).await,
        "moka" => {
            let store = hookshield::replay::MokaStore::default();
            let middleware =
                WebhookMiddleware::from(Receiver::new(verifier).with_replay_store(store));
            serve(Some(middleware), port, &mode).await
        }
        "redis" => {
            let url = std::env::var("HOOKSHIELD_REDIS_URL")
                .map_err(|_| "mode redis needs HOOKSHIELD_REDIS_URL (scripts/redis.sh start)")?;
            let store = hookshield::redis::RedisStore::builder(&url)
                .key_prefix(&format!("load-{}", std::process::id()))
                .build()?;
            let middleware =
                WebhookMiddleware::from(Receiver::new(verifier).with_replay_store(store));
            serve(Some(middleware), port, &mode).await
        }
        _ => Err("usage: load_server_actix <bare|verify|memory|moka|redis> [PORT]".into()),
    }
}

/// Serves the route, behind `middleware` when there is one.
async fn serve<S: ReplayStore>(
    middleware: Option<WebhookMiddleware<S>>,
    port: u16,
    mode: &str,
) -> Result<(), Box<dyn Error>> {
    let server = HttpServer::new(move || {
        let middleware = middleware.clone();
        App::new().configure(move |config| match middleware {
            Some(middleware) => {
                config.service(
                    web::resource(PATH)
                        .wrap(middleware)
                        .route(web::post().to(verified)),
                );
            }
            None => {
                config.service(web::resource(PATH).route(web::post().to(bare)));
            }
        })
    })
    // actix-web's deadlines, set explicitly: 5 s for a request's line and headers, 5 s
    // idle keep-alive, 1 s to close a connection (actix-web's defaults); at most 1024
    // connections per worker, as `load_server` (axum) caps its connections. Keep-alive
    // stays on because wrk reuses its connections and `load_server` keeps them too;
    // actix-web's header deadline covers only the first request of a connection, which is
    // why `actix_receiver` disables keep-alive.
    .client_request_timeout(Duration::from_secs(5))
    .keep_alive(Duration::from_secs(5))
    .client_disconnect_timeout(Duration::from_secs(1))
    .max_connections(1024)
    .bind(("127.0.0.1", port))?;
    for addr in server.addrs() {
        println!("{mode} on http://{addr}{PATH}");
    }
    server.run().await?;
    Ok(())
}
