//! Many tenants on one route: a SaaS receiving each customer's GitHub webhooks at
//! `/hooks/github/{tenant}`, each customer with its own secret, chosen per request by a
//! [`KeyMap`]; each tenant's event ids remembered apart from every other tenant's.
//!
//! Run with `cargo run --example tenants`. It prints one row per case and exits 1 if any
//! row differs from what is expected.
#![allow(clippy::print_stdout)]

#[path = "support/checks.rs"]
mod checks;

use std::error::Error;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use checks::Checks;
use hookshield::axum::{Server, VerifiedWebhook, WebhookLayer};
use hookshield::{KeyMap, KeySet, Secret, SignOptions, Signer, Verifier, presets};

/// What the handler saw: (tenant, event id) per run.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

async fn handle(State(seen): State<Seen>, webhook: VerifiedWebhook) -> StatusCode {
    let tenant = webhook.verified.tenant().unwrap_or("-").to_owned();
    let id = webhook.verified.event_id().to_owned();
    seen.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((tenant, id));
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("tenants failed: {err}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, Box<dyn Error>> {
    // Each customer's secret, as the app stores them (a database in a real service).
    let customers = [
        ("acme", "acme-github-secret"),
        ("umbrella", "umbrella-github-secret"),
    ];
    let scheme = presets::github().build()?;
    let tenants = KeyMap::by_path_segment(2); // /hooks/github/{tenant}
    for (tenant, secret) in customers {
        tenants.insert(
            KeySet::builder()
                .tenant(tenant)
                .encoded_secret(secret)
                .build(&scheme)?,
        );
    }
    let verifier = Verifier::builder(presets::github())
        .key_resolver(tenants.clone())
        .build()?;
    let seen = Seen::default();
    let router = Router::new()
        .route(
            "/hooks/github/{tenant}",
            post(handle).layer(WebhookLayer::new(verifier)),
        )
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/hooks/github", listener.local_addr()?);
    tokio::spawn(Server::new().serve(listener, router));

    let client = reqwest::Client::new();
    let send = |tenant: &'static str, secret: &'static str, delivery: &'static str| {
        let client = client.clone();
        let url = format!("{base}/{tenant}");
        async move {
            // Real deliveries differ (GitHub's id header is not signed, so hookshield also
            // remembers the signed body: the same bytes again are a duplicate).
            let body = format!(r#"{{"action":"opened","number":1,"delivery":"{delivery}"}}"#);
            let signer = Signer::new(presets::github(), Secret::from_text(secret)?)?;
            let mut request = client.post(url).body(body.clone());
            for (name, value) in signer
                .sign(body.as_bytes(), &SignOptions::new().id(delivery))?
                .iter()
            {
                request = request.header(name, value);
            }
            Ok::<u16, Box<dyn Error>>(request.send().await?.status().as_u16())
        }
    };

    let mut checks = Checks::default();
    checks.row(
        "acme's delivery on acme's route",
        send("acme", "acme-github-secret", "d-1").await?,
        204,
    );
    checks.row(
        "umbrella's delivery with the same id, on its route",
        send("umbrella", "umbrella-github-secret", "d-1").await?,
        204,
    );
    checks.row(
        "acme's delivery again: a duplicate",
        send("acme", "acme-github-secret", "d-1").await?,
        200,
    );
    checks.row(
        "acme's signature on umbrella's route",
        send("umbrella", "acme-github-secret", "d-2").await?,
        401,
    );
    checks.row(
        "a tenant nobody registered",
        send("initech", "acme-github-secret", "d-3").await?,
        401,
    );
    // A customer that rotates its secret: the app replaces its key set.
    tenants.insert(
        KeySet::builder()
            .tenant("acme")
            .encoded_secret("acme-new-secret")
            .build(&scheme)?,
    );
    checks.row(
        "acme's old secret after the rotation",
        send("acme", "acme-github-secret", "d-4").await?,
        401,
    );
    checks.row(
        "acme's new secret",
        send("acme", "acme-new-secret", "d-4").await?,
        204,
    );

    let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    println!("handled: {seen:?}");
    let want = [("acme", "d-1"), ("umbrella", "d-1"), ("acme", "d-4")];
    let handled_ok = seen.len() == want.len()
        && seen
            .iter()
            .zip(want)
            .all(|((t, i), (wt, wi))| t == wt && i == wi);
    if !handled_ok {
        println!("FAIL the handler should have run for {want:?}");
    }
    Ok(checks.all_ok() && handled_ok)
}
