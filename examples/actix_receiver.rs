//! A webhook receiver to copy, on actix-web: one resource behind hookshield's middleware,
//! configured from the environment. Mirrors `axum_receiver`.
//!
//! ```sh
//! WEBHOOK_SECRET=s3cret WEBHOOK_PRESET=civo cargo run --example actix_receiver --features actix
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
//! Every read from the network has a deadline: 10 s for a request's line and headers,
//! 10 s for the body (answered 408 `body_timeout`); one request per connection (see
//! `keep_alive` below) and at most 1024 connections per worker.

use std::error::Error;
use std::time::Duration;

use actix_web::http::KeepAlive;
use actix_web::{App, HttpResponse, HttpServer, web};
use hookshield::Receiver;
use hookshield::actix::{VerifiedWebhook, WebhookMiddleware};

async fn handle(webhook: VerifiedWebhook) -> HttpResponse {
    let verified = &webhook.verified;
    println!(
        "event {} from {} ({} bytes)",
        verified.event_id(),
        verified.scheme(),
        webhook.body.len()
    );
    // Do the work here, or queue it. A 2xx marks the event done; any other status lets
    // the provider's retry through.
    HttpResponse::NoContent().finish()
}

#[path = "support/verifier_env.rs"]
mod verifier_env;

use verifier_env::{env, verifier_from_env};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let (preset, verifier) = verifier_from_env()?;
    // One middleware (and so one replay store) shared by every worker. A body not fully
    // received within 10 s is answered 408 and its event id not reserved: actix-web itself
    // puts no deadline on reading a body.
    let receiver = Receiver::new(verifier).with_body_timeout(Duration::from_secs(10))?;
    let middleware = WebhookMiddleware::from(receiver);

    let path = env("WEBHOOK_PATH", "/webhook");
    let addr = env("WEBHOOK_ADDR", "127.0.0.1:3000");
    let app_path = path.clone();
    let server = HttpServer::new(move || {
        App::new().service(
            web::resource(app_path.as_str())
                .wrap(middleware.clone())
                .route(web::post().to(handle)),
        )
    })
    // A client that goes away drops its request, which releases the event id at once.
    .h1_allow_half_closed(false)
    // Deadlines, set here rather than left to actix-web's defaults. A request's line and
    // headers must arrive within 10 s (408 otherwise)...
    .client_request_timeout(Duration::from_secs(10))
    // ...but actix-web applies that deadline to the first request of a connection only: a
    // kept-alive connection could stall in its second request's headers for ever. So one
    // request per connection: a new connection per delivery costs a TCP handshake.
    .keep_alive(KeepAlive::Disabled)
    // A connection being closed gets 2 s to finish, then it is dropped.
    .client_disconnect_timeout(Duration::from_secs(2))
    // At most 1024 connections per worker; the others wait in the kernel's backlog.
    .max_connections(1024)
    // SIGTERM, SIGINT (Ctrl-C) or SIGQUIT: actix-web stops accepting and lets the requests
    // in hand finish for this long; the ones still running are dropped, which releases
    // their event ids for the provider's retry.
    .shutdown_timeout(30)
    .bind(&addr)?;
    for bound in server.addrs() {
        println!("{preset} webhooks on http://{bound}{path}");
    }
    server.run().await?;
    Ok(())
}
