//! A webhook receiver to copy: one axum route behind hookshield's layer, configured from
//! the environment.
//!
//! ```sh
//! WEBHOOK_SECRET=s3cret WEBHOOK_PRESET=civo cargo run --example axum_receiver
//! # in another shell: sign and send an event
//! echo '{"event":"instance.created"}' > /tmp/event.json
//! WEBHOOK_SECRET=s3cret cargo run -p hookshield-cli -- send --preset civo \
//!     --secret-env WEBHOOK_SECRET --url http://127.0.0.1:3000/webhook --body-file /tmp/event.json
//! ```
//!
//! - `WEBHOOK_SECRET` (required): the secret as the provider shows it. Several secrets
//!   (rotation) separated by commas; spaces around each are trimmed, and a blank one
//!   (`s3cret, `) is refused, not skipped.
//! - `WEBHOOK_PRESET` (default `standard-webhooks`): one of `hookshield::presets::NAMES`.
//! - `WEBHOOK_PUBLIC_URL` (Twilio, Square, HubSpot: the URL the provider calls, without the
//!   path), `WEBHOOK_TRUST_FORWARDED=1`, `WEBHOOK_HANDSHAKE_TOKEN` (Meta's verify token).
//!   `GET` challenges (Meta, Dropbox, Okta) are answered on the same path.
//! - `WEBHOOK_ADDR` (default `127.0.0.1:3000`), `WEBHOOK_PATH` (default `/webhook`).
//!
//! Every read from the network has a deadline: 10 s for a request's line and headers, 5 s
//! for a connection that sends nothing, 10 s for the body (answered 408 `body_timeout`);
//! and at most 1024 connections are open at once.

use std::error::Error;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::Receiver;
use hookshield::axum::{Server, VerifiedWebhook, WebhookLayer, shutdown_signal};

async fn handle(webhook: VerifiedWebhook) -> StatusCode {
    let verified = &webhook.verified;
    println!(
        "event {} from {} ({} bytes)",
        verified.event_id(),
        verified.scheme(),
        webhook.body.len()
    );
    // Do the work here, or queue it. A 2xx marks the event done; any other status lets
    // the provider's retry through.
    StatusCode::NO_CONTENT
}

#[path = "support/verifier_env.rs"]
mod verifier_env;

use verifier_env::{env, verifier_from_env};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let (preset, verifier) = verifier_from_env()?;
    // A body not fully received within 10 s is answered 408 and its event id not reserved.
    let layer =
        WebhookLayer::from(Receiver::new(verifier).with_body_timeout(Duration::from_secs(10))?);

    let path = env("WEBHOOK_PATH", "/webhook");
    let app = Router::new().route(&path, post(handle).layer(layer));

    let addr = env("WEBHOOK_ADDR", "127.0.0.1:3000");
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!(
        "{preset} webhooks on http://{}{path}",
        listener.local_addr()?
    );
    // Not `axum::serve`: it sets no deadline on any read, so a client that stalls in the
    // middle of a request, or sends nothing, would keep its connection for ever.
    Server::new()
        .header_read_timeout(Duration::from_secs(10))
        .idle_timeout(Duration::from_secs(5))
        .max_connections(1024)
        // Ctrl-C or SIGTERM: stop accepting, let the requests in hand finish (30 s at
        // most), drop the rest (their event ids are released for the provider's retry).
        .serve_with_shutdown(listener, app, shutdown_signal())
        .await?;
    Ok(())
}
