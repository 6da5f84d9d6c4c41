//! An `Inbox` on a route whose replay store is not a `PgStore` (here the default
//! `MemoryStore`): the mark is refused with `InboxError::NotPgStore`, answered 500
//! `webhook_not_configured` (the app's wiring is wrong), and the event is released, so a
//! fixed deployment handles the provider's retry.
#![cfg(feature = "axum")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield_axum::WebhookLayer;
use hookshield_postgres::{Inbox, InboxError};
use sqlx::PgPool;

#[derive(Clone)]
struct App {
    pool: PgPool,
    runs: Arc<AtomicUsize>,
    errors: Arc<std::sync::Mutex<Vec<String>>>,
}

async fn handler(State(app): State<App>, inbox: Inbox) -> Result<StatusCode, InboxError> {
    app.runs.fetch_add(1, Ordering::SeqCst);
    let mut transaction = app.pool.begin().await?;
    let marked = inbox.mark_handled(&mut transaction).await;
    if let Err(error) = &marked {
        app.errors.lock().unwrap().push(format!("{error:?}"));
    }
    marked?;
    transaction.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbox_behind_another_store_is_refused_and_the_event_released() {
    let Some(pool) = support::pool(4).await else {
        return;
    };
    let app = App {
        pool,
        runs: Arc::default(),
        errors: Arc::default(),
    };
    // The default receiver: a MemoryStore.
    let layer = WebhookLayer::new(support::stripe_verifier());
    let router = Router::new()
        .route(support::PATH, post(handler).layer(layer))
        .with_state(app.clone());
    let served = support::serve_axum(router);
    let client = support::client();
    let event = support::StripeEvent::new();

    for attempt in 1..=2 {
        let reply = event.deliver(&client, &served.url).await;
        assert_eq!(reply.status, 500, "{reply:?}");
        assert_eq!(reply.body, r#"{"error":"webhook_not_configured"}"#);
        // Released, not committed: the retry runs the handler again.
        assert_eq!(app.runs.load(Ordering::SeqCst), attempt);
    }
    assert_eq!(*app.errors.lock().unwrap(), ["NotPgStore", "NotPgStore"]);
}
