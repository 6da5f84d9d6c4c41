//! Two instances of a webhook receiver behind one Redis: each event is handled once,
//! whichever instance its copies reach.
//!
//! ```sh
//! eval "$(scripts/redis.sh start)" && cargo run --example multi_instance --features redis
//! scripts/redis.sh stop   # afterwards
//! ```
//!
//! Two axum receivers (instances A and B) listen on two loopback ports, each with its own
//! `RedisStore` (its own connection) on the Redis at `HOOKSHIELD_REDIS_URL`, as two
//! processes behind a load balancer would. A sender then delivers 20 signed Civo events,
//! each in three rounds, as a provider that retries might: to both instances at the same
//! instant (a race), then to A, then to B. The table shows how often each instance ran
//! its handler per event; the example exits non-zero unless every event ran exactly once.

use std::collections::BTreeMap;
use std::error::Error;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::axum::{Server, VerifiedWebhook, WebhookLayer};
use hookshield::redis::RedisStore;
use hookshield::replay::OwnerToken;
use hookshield::{Receiver, Secret, SignOptions, Signer, Verifier, presets};

const SECRET: &str = "multi-instance-demo-secret";
const PATH: &str = "/webhooks/civo";
const EVENTS: usize = 20;
/// How long the handler works: long enough for a concurrent copy to find it in flight.
const WORK: Duration = Duration::from_millis(30);

type BoxError = Box<dyn Error + Send + Sync>;

/// An instance of the receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Instance {
    A,
    B,
}

/// Handler runs per event id and instance.
#[derive(Debug, Clone, Copy, Default)]
struct Handled {
    a: usize,
    b: usize,
}

impl Handled {
    fn total(self) -> usize {
        self.a.saturating_add(self.b)
    }
}

type Ledger = Arc<Mutex<BTreeMap<String, Handled>>>;

/// Records a run of `id` on `instance`.
fn record(ledger: &Ledger, id: &str, instance: Instance) {
    // A poisoned lock only means another handler panicked; the counts are still usable.
    let mut ledger = ledger
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let handled = ledger.entry(id.to_owned()).or_default();
    match instance {
        Instance::A => handled.a = handled.a.saturating_add(1),
        Instance::B => handled.b = handled.b.saturating_add(1),
    }
}

/// One instance: its own store on the shared Redis, the webhook route behind the layer.
/// Answers its URL.
async fn start_instance(
    instance: Instance,
    redis_url: &str,
    prefix: &str,
    ledger: &Ledger,
) -> Result<String, BoxError> {
    let store = RedisStore::builder(redis_url).key_prefix(prefix).build()?;
    let verifier = Verifier::builder(presets::civo())
        .encoded_secret(SECRET)
        .build()?;
    let receiver = Receiver::new(verifier)
        .with_ttl(Duration::from_secs(600))?
        .with_replay_store(store);
    let layer = WebhookLayer::from(receiver);
    let ledger = Arc::clone(ledger);
    let handler = post(move |webhook: VerifiedWebhook| async move {
        record(&ledger, webhook.verified.event_id(), instance);
        tokio::time::sleep(WORK).await;
        StatusCode::NO_CONTENT
    });
    let app = Router::new().route(PATH, handler.layer(layer));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        // With deadlines on every read, unlike `axum::serve`.
        if let Err(error) = Server::new().serve(listener, app).await {
            eprintln!("instance {instance:?} stopped: {error}");
        }
    });
    Ok(format!("http://{addr}{PATH}"))
}

/// Delivers `body` as event `id` to `url`; answers a short description of the answer:
/// `204`, `409`, `200 dup`, …
async fn deliver(
    client: &reqwest::Client,
    signer: &Signer,
    url: &str,
    id: &str,
    body: &[u8],
) -> Result<String, BoxError> {
    let headers = signer.sign(body, &SignOptions::new().id(id))?;
    let mut request = client.post(url).body(body.to_vec());
    for (name, value) in headers.iter() {
        request = request.header(name, value);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok(if status == 200 && text == r#"{"duplicate":true}"# {
        "200 dup".to_owned()
    } else {
        status.to_string()
    })
}

#[tokio::main]
async fn main() -> Result<ExitCode, BoxError> {
    let redis_url = match std::env::var("HOOKSHIELD_REDIS_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            return Err("HOOKSHIELD_REDIS_URL is not set: start a Redis first with \
                        `eval \"$(scripts/redis.sh start)\"` (and `scripts/redis.sh stop` after)"
                .into());
        }
    };
    // A prefix of this run's own, so a rerun against the same Redis starts clean.
    let prefix = format!("hookshield-example-{}", OwnerToken::random().to_hex());
    let ledger = Ledger::default();
    let url_a = start_instance(Instance::A, &redis_url, &prefix, &ledger).await?;
    let url_b = start_instance(Instance::B, &redis_url, &prefix, &ledger).await?;
    println!("Redis {redis_url}, key prefix {prefix}");
    println!("instance A: {url_a}\ninstance B: {url_b}\n");

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let signer = Signer::new(presets::civo(), Secret::from_text(SECRET)?)?;
    let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in 1..=EVENTS {
        let id = format!("evt-{n:02}");
        let body = format!(r#"{{"event":"instance.created","resourceID":"r-{n}"}}"#);
        let body = body.as_bytes();
        // Round 1: both instances at once; one runs it, the other finds it in flight
        // (409, retry later) or already done.
        let (to_a, to_b) = tokio::join!(
            deliver(&client, &signer, &url_a, &id, body),
            deliver(&client, &signer, &url_b, &id, body),
        );
        // Rounds 2 and 3: the provider's retries, to A, then to B.
        let retry_a = deliver(&client, &signer, &url_a, &id, body).await?;
        let retry_b = deliver(&client, &signer, &url_b, &id, body).await?;
        answers.insert(id, vec![to_a?, to_b?, retry_a, retry_b]);
    }

    let ledger = ledger
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    println!(
        "{:<8} {:>10}  {:<34} {:>9} {:>9} {:>7}",
        "event", "deliveries", "answers (A+B at once, A, B)", "handled A", "handled B", "total"
    );
    let mut wrong = 0_usize;
    for (id, replies) in &answers {
        let handled = ledger.get(id).copied().unwrap_or_default();
        let mark = if handled.total() == 1 {
            ""
        } else {
            wrong = wrong.saturating_add(1);
            "  <- expected 1"
        };
        println!(
            "{id:<8} {:>10}  {:<34} {:>9} {:>9} {:>7}{mark}",
            replies.len(),
            replies.join(", "),
            handled.a,
            handled.b,
            handled.total()
        );
    }
    let (on_a, on_b) = ledger.values().fold((0_usize, 0_usize), |(a, b), h| {
        (a.saturating_add(h.a), b.saturating_add(h.b))
    });
    println!(
        "\nhandled on A: {on_a}, on B: {on_b}, events: {}",
        answers.len()
    );
    if wrong == 0 {
        println!("every event was handled exactly once across both instances");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{wrong} event(s) were not handled exactly once");
        Ok(ExitCode::FAILURE)
    }
}
