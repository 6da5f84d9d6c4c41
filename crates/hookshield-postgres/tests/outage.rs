//! PostgreSQL stopped under load, on a cluster this test starts, stops and starts again
//! itself (`support::cluster`): a Stripe-style receiver behind the axum layer, with a
//! `PgStore` and a handler that writes a business row and the inbox mark in one
//! transaction. While PostgreSQL is down every delivery is refused with 503 +
//! `Retry-After` (fail closed) and nothing is handled; once it is back, the provider's
//! retries get every event handled, and each event's business row exists exactly once:
//! nothing lost, nothing handled twice. With `with_fail_open(true)` the handler runs
//! during the outage.
//!
//! Needs PostgreSQL (`scripts/postgres.sh`): skipped without `HOOKSHIELD_POSTGRES_URL`,
//! failed under `HOOKSHIELD_REQUIRE_POSTGRES=1`.
#![cfg(feature = "axum")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield_axum::{VerifiedWebhook, WebhookLayer};
use hookshield_core::{Receiver, Secret, SignOptions, Signer, Verifier, presets};
use hookshield_postgres::{Inbox, InboxError, PgStore};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use support::cluster::Cluster;
use tokio::task::JoinSet;

const SECRET: &str = "whsec_hookshield_outage_test";
const PATH: &str = "/webhooks/stripe";
/// How long one store statement may take before the store gives up.
const STORE_TIMEOUT: Duration = Duration::from_millis(300);
/// How long the pool waits for a connection (a new one included).
const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(500);
/// Short, so a reservation whose release failed during the outage lapses soon.
const LEASE: Duration = Duration::from_secs(2);
/// The receiver's `Retry-After` (`"1"`).
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How long the provider waits at most before a retry (it honours `Retry-After` loosely).
const RETRY_CAP: Duration = Duration::from_millis(100);
/// How long the handler's transaction lasts, at least, between its insert and its mark.
const WORK: Duration = Duration::from_millis(10);

/// The business table: one row per handling of an event. No unique constraint, so an
/// event handled twice shows as two rows.
const EFFECTS: &str = "
CREATE TABLE IF NOT EXISTS outage_effects (
    event_id   text NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT clock_timestamp()
)";

/// The receiver's state: the pool, and how often the handler ran for each event.
#[derive(Clone)]
struct App {
    pool: PgPool,
    runs: Arc<Mutex<HashMap<String, usize>>>,
}

impl App {
    fn runs_of(&self, id: &str) -> usize {
        self.runs.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    fn total_runs(&self) -> usize {
        self.runs.lock().unwrap().values().sum()
    }
}

/// The handler: the business row and the inbox mark in one transaction, committed; 204.
/// Under a receiver that failed open (its store down) there is no reservation to mark, so
/// it answers 202 without touching the database: the test sees that it ran unprotected.
async fn credit(
    State(app): State<App>,
    inbox: Inbox,
    webhook: VerifiedWebhook,
) -> Result<StatusCode, InboxError> {
    let id = webhook.verified.event_id();
    *app.runs.lock().unwrap().entry(id.to_owned()).or_default() += 1;
    let Some(claimed) = inbox.event_id() else {
        return Ok(StatusCode::ACCEPTED);
    };
    if claimed != id {
        // The test refuses any 500.
        return Ok(StatusCode::INTERNAL_SERVER_ERROR);
    }
    let mut transaction = app.pool.begin().await?;
    sqlx::query("INSERT INTO outage_effects (event_id) VALUES ($1)")
        .bind(id)
        .execute(&mut *transaction)
        .await?;
    tokio::time::sleep(WORK).await;
    inbox.mark_handled(&mut transaction).await?;
    transaction.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A cluster of the test's own, started (blocking: `initdb`, `pg_ctl`), and a pool on it
/// with the tables created; `None` when there is no test PostgreSQL. Named after the test
/// and the process, so two runs of the tests at once do not stop each other's.
async fn cluster(test: &str) -> Option<(Arc<Cluster>, PgPool)> {
    support::postgres_url()?;
    let name = format!("{test}-{}", std::process::id());
    let cluster = tokio::task::spawn_blocking(move || Cluster::start(&name))
        .await
        .unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect(cluster.url())
        .await
        .expect("connect to the test's own cluster");
    PgStore::migrate(&pool).await.unwrap();
    sqlx::raw_sql(EFFECTS).execute(&pool).await.unwrap();
    Some((Arc::new(cluster), pool))
}

/// Stops (`down`) or starts (`up`) the cluster off the runtime's threads.
async fn cluster_do(cluster: &Arc<Cluster>, up: bool) {
    let cluster = Arc::clone(cluster);
    tokio::task::spawn_blocking(move || if up { cluster.up() } else { cluster.down() })
        .await
        .unwrap();
}

/// A Stripe receiver with a `PgStore` on `pool` (namespace `namespace`), served on
/// loopback; answers its URL.
async fn serve(app: &App, namespace: &str, fail_open: bool) -> String {
    let verifier = Verifier::builder(presets::stripe())
        .encoded_secret(SECRET)
        .build()
        .unwrap();
    let store = PgStore::builder(app.pool.clone())
        .timeout(STORE_TIMEOUT)
        .build()
        .unwrap();
    let receiver = Receiver::new(verifier)
        .with_replay_store(store)
        .with_namespace(namespace)
        .unwrap()
        .with_lease(LEASE)
        .unwrap()
        .with_retry_after(RETRY_AFTER)
        .with_fail_open(fail_open);
    let router = Router::new()
        .route(PATH, post(credit).layer(WebhookLayer::from(receiver)))
        .with_state(app.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}{PATH}")
}

/// An answer, read to its end.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

impl Reply {
    fn is_duplicate(&self) -> bool {
        self.status == 200 && self.body == r#"{"duplicate":true}"#
    }

    fn is_in_flight(&self) -> bool {
        self.status == 409
            && self.body == r#"{"error":"duplicate_in_flight"}"#
            && self.retry_after.is_some()
    }

    fn is_store_unavailable(&self) -> bool {
        self.status == 503
            && self.body == r#"{"error":"replay_store_unavailable"}"#
            && self.retry_after.is_some()
    }

    /// The refusal of the layer itself, with the receiver's `Retry-After`.
    fn is_refused_by_the_layer(&self) -> bool {
        self.is_store_unavailable() && self.retry_after.as_deref() == Some("1")
    }
}

/// Stripe, delivering signed events.
#[derive(Clone)]
struct Stripe {
    client: reqwest::Client,
    signer: Arc<Signer>,
}

impl Stripe {
    fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .pool_max_idle_per_host(64)
                .build()
                .unwrap(),
            signer: Arc::new(
                Signer::new(presets::stripe(), Secret::from_text(SECRET).unwrap()).unwrap(),
            ),
        }
    }

    /// One delivery of event `id`, signed now.
    async fn deliver(&self, url: &str, id: &str) -> Reply {
        let body = format!(r#"{{"id":"{id}","object":"event","type":"outage.test"}}"#);
        let headers = self
            .signer
            .sign(body.as_bytes(), &SignOptions::new())
            .unwrap();
        let mut request = self.client.post(url).body(body);
        for (name, value) in headers.iter() {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("the receiver answers");
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response.text().await.unwrap();
        Reply {
            status,
            retry_after,
            body,
        }
    }
}

/// One delivery of the load: the event, when it was sent, when answered, the answer.
#[derive(Debug, Clone)]
struct Delivery {
    id: String,
    sent: Instant,
    answered: Instant,
    reply: Reply,
}

/// How the provider's deliveries of one event ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// 204: this delivery was handled.
    Handled,
    /// 200 `{"duplicate":true}`: an earlier delivery was (its answer was lost).
    Duplicate,
}

/// Delivers event `id` until it is handled or a duplicate, retrying 503 and 409 after
/// `Retry-After`, capped at [`RETRY_CAP`]; fails on any other answer.
async fn until_handled(stripe: &Stripe, url: &str, id: &str, log: &Mutex<Vec<Delivery>>) -> End {
    let started = Instant::now();
    loop {
        let sent = Instant::now();
        let reply = stripe.deliver(url, id).await;
        let answered = Instant::now();
        log.lock().unwrap().push(Delivery {
            id: id.to_owned(),
            sent,
            answered,
            reply: reply.clone(),
        });
        if reply.status == 204 {
            return End::Handled;
        }
        if reply.is_duplicate() {
            return End::Duplicate;
        }
        assert!(
            reply.is_store_unavailable() || reply.is_in_flight(),
            "{id}: an answer outside the documented ones: {reply:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{id} still not handled after {:?}",
            started.elapsed()
        );
        let asked = reply
            .retry_after
            .as_deref()
            .and_then(|s| s.parse::<u64>().ok())
            .map_or(RETRY_CAP, Duration::from_secs);
        tokio::time::sleep(asked.min(RETRY_CAP)).await;
    }
}

/// Each event's business rows.
async fn effects(pool: &PgPool) -> BTreeMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>(
        "SELECT event_id, count(*) FROM outage_effects GROUP BY event_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_mid_load_fails_closed_then_every_event_is_handled_exactly_once() {
    const EVENTS: usize = 200;
    const CLIENTS: usize = 8;
    /// Events handled before PostgreSQL is stopped.
    const BEFORE_OUTAGE: usize = 60;
    const OUTAGE: Duration = Duration::from_millis(1500);
    let Some((cluster, pool)) = cluster("hs-pg-outage-load").await else {
        return;
    };
    let started = Instant::now();
    let app = App {
        pool: pool.clone(),
        runs: Arc::default(),
    };
    let url = serve(&app, "stripe-outage", false).await;
    let stripe = Stripe::new();
    let ids: Vec<String> = (0..EVENTS).map(|n| format!("evt_outage_{n:03}")).collect();

    // The provider: each client takes the next event and delivers it until it is handled.
    let next = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let log: Arc<Mutex<Vec<Delivery>>> = Arc::default();
    let mut clients = JoinSet::new();
    for _ in 0..CLIENTS {
        let (stripe, url, ids) = (stripe.clone(), url.clone(), ids.clone());
        let (next, finished, log) = (next.clone(), finished.clone(), log.clone());
        clients.spawn(async move {
            let mut ends = Vec::new();
            while let Some(id) = ids.get(next.fetch_add(1, Ordering::SeqCst)) {
                ends.push((id.clone(), until_handled(&stripe, &url, id, &log).await));
                finished.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            ends
        });
    }

    // PostgreSQL stopped in the middle of the load, down for a while, started again.
    while finished.load(Ordering::SeqCst) < BEFORE_OUTAGE {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the load stalled"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopping = Instant::now();
    cluster_do(&cluster, false).await;
    let down = Instant::now();
    tokio::time::sleep(OUTAGE).await;
    let starting = Instant::now();
    cluster_do(&cluster, true).await;
    let up = Instant::now();

    let ends: HashMap<String, End> =
        tokio::time::timeout(Duration::from_secs(25), clients.join_all())
            .await
            .expect("every event handled within 25 s of the restart")
            .into_iter()
            .flatten()
            .collect();
    let recovered = up.elapsed();
    assert_eq!(ends.len(), EVENTS);
    let log = std::mem::take(&mut *log.lock().unwrap());

    // While PostgreSQL was down, every delivery was refused by the layer with 503 +
    // the receiver's `Retry-After`, promptly, and none was handled.
    let during: Vec<&Delivery> = log
        .iter()
        .filter(|d| d.sent >= down && d.answered <= starting)
        .collect();
    for delivery in &during {
        assert!(
            delivery.reply.is_refused_by_the_layer(),
            "while down: {delivery:?}"
        );
        let took = delivery.answered - delivery.sent;
        assert!(took < Duration::from_secs(2), "a refusal took {took:?}");
    }
    assert!(
        during.len() >= CLIENTS,
        "only {} deliveries while PostgreSQL was down",
        during.len()
    );
    let refused = log
        .iter()
        .filter(|d| d.reply.is_store_unavailable())
        .count();
    let in_flight = log.iter().filter(|d| d.reply.is_in_flight()).count();
    let from_handler = log
        .iter()
        .filter(|d| d.reply.is_store_unavailable() && !d.reply.is_refused_by_the_layer())
        .count();
    let retry_afters: BTreeSet<&str> = log
        .iter()
        .filter(|d| d.reply.is_store_unavailable())
        .filter_map(|d| d.reply.retry_after.as_deref())
        .collect();
    let handled_before = log
        .iter()
        .filter(|d| d.reply.status == 204 && d.answered <= stopping)
        .count();
    let handled_after = log
        .iter()
        .filter(|d| d.reply.status == 204 && d.sent >= up)
        .count();
    assert!(
        handled_before >= BEFORE_OUTAGE - CLIENTS,
        "{handled_before}"
    );
    assert!(handled_after > 0, "nothing handled after the restart");

    // Each event: at most one delivery handled, and it ended handled or a duplicate of
    // one that was (whose answer the outage cut).
    let mut handled_per_event: HashMap<&str, usize> = HashMap::new();
    for delivery in log.iter().filter(|d| d.reply.status == 204) {
        *handled_per_event.entry(delivery.id.as_str()).or_default() += 1;
    }
    for id in &ids {
        let handled = handled_per_event.get(id.as_str()).copied().unwrap_or(0);
        assert!(handled <= 1, "{id} answered 204 {handled} times");
        if ends[id] == End::Handled {
            assert_eq!(handled, 1, "{id}");
        }
        assert!(app.runs_of(id) >= 1, "{id} never reached the handler");
    }
    let duplicates_first = ends.values().filter(|e| **e == End::Duplicate).count();

    // In the database: each event's business row exactly once, and its mark done.
    let rows = effects(&pool).await;
    let want: BTreeMap<String, i64> = ids.iter().map(|id| (id.clone(), 1)).collect();
    assert_eq!(rows, want, "business rows per event");
    let done: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM hookshield_events
         WHERE namespace = 'stripe-outage' AND state = 'done' AND event_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(done, EVENTS as i64);

    // And every event delivered once more is a duplicate; its handler does not run.
    let runs_before = app.total_runs();
    let mut again = JoinSet::new();
    for chunk in ids.chunks(EVENTS / CLIENTS) {
        let (stripe, url, chunk) = (stripe.clone(), url.clone(), chunk.to_vec());
        again.spawn(async move {
            for id in chunk {
                let reply = stripe.deliver(&url, &id).await;
                assert!(reply.is_duplicate(), "{id} again: {reply:?}");
            }
        });
    }
    again.join_all().await;
    assert_eq!(app.total_runs(), runs_before);
    assert_eq!(effects(&pool).await, want);

    eprintln!(
        "{EVENTS} events, {} deliveries: {handled_before} handled before the stop ({:?}), \
         {} deliveries while down ({OUTAGE:?} + stop {:?} + start {:?}), {refused} answered 503 \
         ({from_handler} of them by the handler's inbox; Retry-After {retry_afters:?}), {in_flight} answered 409, \
         {handled_after} handled after the restart, {duplicates_first} first answered as \
         duplicates (handled, answer lost); {} handler runs; all done {recovered:?} after the \
         restart, {:?} in all",
        log.len(),
        stopping - started,
        during.len(),
        down - stopping,
        up - starting,
        app.total_runs(),
        started.elapsed(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_delivery_while_postgres_is_down_is_refused_unless_the_receiver_fails_open() {
    let Some((cluster, pool)) = cluster("hs-pg-outage-single").await else {
        return;
    };
    let app = App {
        pool: pool.clone(),
        runs: Arc::default(),
    };
    let closed = serve(&app, "stripe-closed", false).await;
    let open = serve(&app, "stripe-open", true).await;
    let stripe = Stripe::new();

    // PostgreSQL up: the fail-open receiver protects like any other.
    assert_eq!(stripe.deliver(&open, "evt_open_1").await.status, 204);
    assert!(stripe.deliver(&open, "evt_open_1").await.is_duplicate());
    assert_eq!(app.runs_of("evt_open_1"), 1);

    cluster_do(&cluster, false).await;

    // Fail closed (the default): 503 + Retry-After, and the handler does not run.
    let sent = Instant::now();
    let reply = stripe.deliver(&closed, "evt_closed_1").await;
    assert!(reply.is_refused_by_the_layer(), "{reply:?}");
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "{:?}",
        sent.elapsed()
    );
    assert_eq!(app.runs_of("evt_closed_1"), 0);

    // Fail open: the handler runs, unprotected (its inbox holds no reservation: 202).
    let reply = stripe.deliver(&open, "evt_open_2").await;
    assert_eq!(reply.status, 202, "{reply:?}");
    assert_eq!(app.runs_of("evt_open_2"), 1);
    // The documented price: nothing is remembered, so a copy runs again.
    let reply = stripe.deliver(&open, "evt_open_2").await;
    assert_eq!(reply.status, 202, "{reply:?}");
    assert_eq!(app.runs_of("evt_open_2"), 2);

    // PostgreSQL back: the refused event's retry is handled, once.
    cluster_do(&cluster, true).await;
    let restarted = Instant::now();
    loop {
        let reply = stripe.deliver(&closed, "evt_closed_1").await;
        if reply.status == 204 {
            break;
        }
        assert!(reply.is_store_unavailable(), "{reply:?}");
        assert!(
            restarted.elapsed() < Duration::from_secs(10),
            "still refused after the restart"
        );
        tokio::time::sleep(RETRY_CAP).await;
    }
    assert!(stripe.deliver(&closed, "evt_closed_1").await.is_duplicate());
    assert_eq!(app.runs_of("evt_closed_1"), 1);
    let rows = effects(&pool).await;
    assert_eq!(rows.get("evt_closed_1"), Some(&1));
    assert_eq!(rows.get("evt_open_1"), Some(&1));
    assert_eq!(rows.get("evt_open_2"), None);
}
