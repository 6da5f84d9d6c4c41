//! A Plaid webhook receiver: keys fetched by the token's key id (`kid`) from Plaid's
//! `/webhook_verification_key/get`, cached by [`CachedKeys`] (TTL, size bound,
//! stale-while-error, a deadline), behind hookshield's axum layer.
//!
//! Run with `cargo run --example plaid_receiver`. With no configuration it plays Plaid
//! itself on loopback (a stub key server and a signing key made here) and prints one row
//! per case, exiting 1 if any row differs from what is expected. With `PLAID_KEYS_URL`
//! (`https://production.plaid.com`), `PLAID_CLIENT_ID` and `PLAID_SECRET` set, it serves
//! real Plaid webhooks on `LISTEN` (default `127.0.0.1:8080`) at `/webhooks/plaid` instead.
#![allow(clippy::print_stdout)]

#[path = "support/checks.rs"]
mod checks;

#[path = "support/plaid_keys.rs"]
mod plaid_keys;

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use checks::Checks;
use hookshield::axum::{Server, VerifiedWebhook, WebhookLayer};
use hookshield::{Algorithm, CachedKeys, PrivateKey, SignOptions, Signer, Verifier, presets};
use plaid_keys::{PlaidKeys, stub::KeyServer};

/// The user's handler: counts the webhooks it was given.
async fn handle(State(runs): State<Arc<AtomicUsize>>, webhook: VerifiedWebhook) -> StatusCode {
    runs.fetch_add(1, Ordering::SeqCst);
    println!(
        "  handler: {} bytes, signed at {:?}",
        webhook.body.len(),
        webhook.verified.timestamp()
    );
    StatusCode::OK
}

/// The receiving app: Plaid's keys from `keys_url`, cached for `ttl`.
fn app(
    keys_url: &str,
    client_id: &str,
    secret: &str,
    ttl: Duration,
    runs: Arc<AtomicUsize>,
) -> Result<Router, Box<dyn Error>> {
    let keys = CachedKeys::builder(PlaidKeys::new(keys_url, client_id, secret)?)
        .ttl(ttl)
        .deadline(Duration::from_secs(2))
        .build();
    let verifier = Verifier::builder(presets::plaid())
        .key_resolver(keys)
        .build()?;
    Ok(Router::new()
        .route(
            "/webhooks/plaid",
            post(handle).layer(WebhookLayer::new(verifier)),
        )
        .with_state(runs))
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match std::env::var("PLAID_KEYS_URL") {
        Ok(url) => serve(&url).await.map(|()| true),
        Err(_) => demo().await,
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("plaid_receiver failed: {err}");
            ExitCode::from(2)
        }
    }
}

/// Serves real Plaid webhooks.
async fn serve(keys_url: &str) -> Result<(), Box<dyn Error>> {
    let client_id = std::env::var("PLAID_CLIENT_ID").map_err(|_| "set PLAID_CLIENT_ID")?;
    let secret = std::env::var("PLAID_SECRET").map_err(|_| "set PLAID_SECRET")?;
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let router = app(
        keys_url,
        &client_id,
        &secret,
        Duration::from_secs(3600),
        Arc::default(),
    )?;
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("receiving Plaid webhooks on http://{listen}/webhooks/plaid");
    Server::new().serve(listener, router).await?;
    Ok(())
}

/// Plays Plaid on loopback: a key server, a signer, and the cases a receiver meets.
async fn demo() -> Result<bool, Box<dyn Error>> {
    let plaid_key = PrivateKey::generate(Algorithm::EcdsaP256Sha256)?;
    let kid = "6c5516e1-92dc-479e-a8ff-5a51992e0001";
    let key_server = KeyServer::default();
    key_server.add(kid, &plaid_key.public_key());
    let keys_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let keys_url = format!("http://{}", keys_listener.local_addr()?);
    tokio::spawn(Server::new().serve(keys_listener, key_server.router()));

    let runs = Arc::new(AtomicUsize::new(0));
    // A short TTL, so the demo sees keys expire while the key server is down.
    // A short TTL, so the demo sees the key expire while the key server is down.
    let router = app(
        &keys_url,
        "client-id",
        "api-secret",
        Duration::from_millis(300),
        Arc::clone(&runs),
    )?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/plaid", listener.local_addr()?);
    tokio::spawn(Server::new().serve(listener, router));

    let signer = Signer::with_private_key(presets::plaid(), plaid_key)?;
    let client = reqwest::Client::new();
    let send = |signed: &'static [u8], sent: &'static [u8], key_id: &'static str| {
        let headers = signer.sign(signed, &SignOptions::new().key_id(key_id));
        let client = client.clone();
        let url = url.clone();
        async move {
            let mut request = client.post(&url).body(sent);
            for (name, value) in headers?.iter() {
                request = request.header(name, value);
            }
            Ok::<u16, Box<dyn Error>>(request.send().await?.status().as_u16())
        }
    };
    let body: &[u8] = br#"{"webhook_type":"TRANSACTIONS","webhook_code":"SYNC_UPDATES_AVAILABLE","item_id":"wz666MBjYWTp2PDzzggYhM6oWWmBb"}"#;
    let other: &[u8] = br#"{"webhook_type":"ITEM","webhook_code":"ERROR","item_id":"wz666MBjYWTp2PDzzggYhM6oWWmBb"}"#;

    let mut checks = Checks::default();
    checks.row(
        "signed webhook, key fetched by kid",
        send(body, body, kid).await?,
        200,
    );
    checks.row(
        "the same webhook again: a duplicate",
        send(body, body, kid).await?,
        200,
    );
    checks.row(
        "a tampered body (the JWT's body hash differs)",
        send(body, other, kid).await?,
        401,
    );
    checks.row(
        "a kid Plaid does not know",
        send(other, other, "no-such-key").await?,
        401,
    );
    key_server.set_down(true);
    tokio::time::sleep(Duration::from_millis(400)).await; // past the TTL
    checks.row(
        "key server down, key expired: used stale",
        send(other, other, kid).await?,
        200,
    );
    let rotated: &[u8] = br#"{"webhook_type":"ITEM","webhook_code":"NEW_ACCOUNTS_AVAILABLE"}"#;
    checks.row(
        "key server down, a key never fetched: 503, Plaid retries",
        send(rotated, rotated, "kid-2").await?,
        503,
    );
    key_server.set_down(false);
    let fetches = key_server.hits.load(Ordering::SeqCst);
    let handled = runs.load(Ordering::SeqCst);
    println!(
        "key server requests: {fetches} (the key, the unknown kid, and one for each key while it was down)"
    );
    let ok = checks.all_ok() && handled == 2 && fetches == 4;
    if handled != 2 {
        println!("FAIL handler ran {handled} times, expected 2");
    }
    Ok(ok)
}
