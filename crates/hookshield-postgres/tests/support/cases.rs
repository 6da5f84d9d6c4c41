//! The inbox cases, each run by `inbox_axum.rs` and `inbox_actix.rs` with their adapter.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;

use super::*;

/// The pool of a case: the handler's and the store's (several connections: the
/// handler's transaction, the store's statements and the checks run side by side).
async fn setup() -> Option<PgPool> {
    handled_pool(8).await
}

/// The usual world of a case: its pool, its handler, a Stripe receiver on a [`PgStore`] in
/// a namespace of its own served by the adapter, a client, and a fresh event.
pub(crate) struct StripeCase {
    pool: PgPool,
    namespace: String,
    handler: Arc<Handler>,
    server: Served,
    client: reqwest::Client,
    event: StripeEvent,
}

/// A [`StripeCase`] whose handler works in `mode`, in the namespace `<name>-<random>`.
async fn stripe_case<A: Adapter>(mode: Mode, name: &str) -> Option<StripeCase> {
    let pool = setup().await?;
    let handler = Handler::new(&pool, mode);
    let namespace = unique(name);
    let server = A::serve(
        Some(stripe_receiver(&pool, &namespace)),
        Arc::clone(&handler),
    );
    Some(StripeCase {
        pool,
        namespace,
        handler,
        server,
        client: client(),
        event: StripeEvent::new(),
    })
}

/// `attempt`'s reservations are rows, each done and owned by its reservation: the rows.
async fn assert_done_by(pool: &PgPool, attempt: &Attempt) -> Vec<EventRow> {
    let rows = event_rows(pool, &attempt.keys()).await.unwrap();
    assert_states(&rows, 1, "done");
    assert_owned(&rows, &attempt.reservations);
    rows
}

/// Every row of `rows` is in `state`, and there are `count` of them.
#[track_caller]
fn assert_states(rows: &[EventRow], count: usize, state: &str) {
    assert_eq!(rows.len(), count, "{rows:?}");
    assert!(
        rows.iter().all(|r| r.state == state),
        "not all {state}: {rows:?}"
    );
}

/// `rows` are the rows of `reservations`, each with the owner of its reservation.
#[track_caller]
fn assert_owned(rows: &[EventRow], reservations: &[Reserved]) {
    assert_eq!(
        rows.len(),
        reservations.len(),
        "{rows:?} vs {reservations:?}"
    );
    for reservation in reservations {
        let row = rows
            .iter()
            .find(|r| r.namespace == reservation.namespace && r.event_id == reservation.event_id)
            .unwrap_or_else(|| panic!("no row for {reservation:?}: {rows:?}"));
        assert_eq!(row.owner, reservation.owner, "{row:?} vs {reservation:?}");
    }
}

/// The handler writes, marks and commits: 2xx; the mark was made inside its
/// transaction (done there, still in flight on another connection until the commit);
/// the row is done with the handler's owner and exactly what the handler's
/// transaction wrote (the layer did not commit it again); a retry is a duplicate; the
/// business row exists once.
pub(crate) async fn committed_mark_is_done<A: Adapter>() {
    let Some(StripeCase {
        pool,
        namespace,
        handler,
        server,
        client,
        event,
        ..
    }) = stripe_case::<A>(Mode::Commit, "inbox-commit").await
    else {
        return;
    };

    let reply = event.deliver(&client, &server.url).await;
    assert_eq!(reply.status, 204, "{reply:?}");
    let first = handler.attempt(1);
    assert_eq!(first.mark, Some(Ok(())));
    assert_eq!(first.inbox_event_id.as_deref(), Some(event.id.as_str()));
    assert_eq!(first.reservations.len(), 1, "{first:?}");
    assert_eq!(first.reservations[0].namespace, namespace);
    assert_eq!(first.reservations[0].event_id, event.id);
    assert_states(&first.in_tx, 1, "done");
    assert_states(&first.outside, 1, "in_flight");

    let rows = assert_done_by(&pool, &first).await;
    assert_eq!(
        rows, first.in_tx,
        "the row changed after the handler's commit"
    );

    let retry = event.deliver(&client, &server.url).await;
    assert!(retry.is_duplicate(), "{retry:?}");
    assert_eq!(handler.runs(), 1);
    assert_eq!(handled(&pool, &event.id).await, [1]);
    assert_eq!(event_rows(&pool, &first.keys()).await.unwrap(), rows);
}

/// The handler writes and marks, then answers 500 without committing (its
/// transaction is dropped: rolled back): the answer is the 500, the event's row is
/// gone (released), the retry runs the handler again and commits, and only the
/// second run's business row exists.
pub(crate) async fn rolled_back_mark_is_released<A: Adapter>() {
    let Some(StripeCase {
        pool,
        handler,
        server,
        client,
        event,
        ..
    }) = stripe_case::<A>(Mode::RollbackFirst, "inbox-rollback").await
    else {
        return;
    };

    let reply = event.deliver(&client, &server.url).await;
    assert_eq!(reply.status, 500, "{reply:?}");
    let first = handler.attempt(1);
    assert_eq!(first.mark, Some(Ok(())));
    assert!(!first.committed);
    assert_states(&first.in_tx, 1, "done");
    // Released before the answer was sent.
    let rows = event_rows(&pool, &first.keys()).await.unwrap();
    assert!(rows.is_empty(), "the event was not released: {rows:?}");
    assert!(handled(&pool, &event.id).await.is_empty());

    let retry = event.deliver(&client, &server.url).await;
    assert_eq!(retry.status, 204, "{retry:?}");
    assert_eq!(handler.runs(), 2);
    let second = handler.attempt(2);
    assert!(second.committed);
    assert_ne!(second.reservations, first.reservations, "a new reservation");
    assert_done_by(&pool, &second).await;

    let again = event.deliver(&client, &server.url).await;
    assert!(again.is_duplicate(), "{again:?}");
    assert_eq!(handler.runs(), 2);
    assert_eq!(handled(&pool, &event.id).await, [2]);
}

/// The handler finishes with `Inbox::commit` (after a `mark_handled` of its own: marking
/// twice in one transaction is harmless): the claim says its transaction committed, so the
/// layer sends nothing after; the row is done with the handler's owner; a retry is a
/// duplicate and the business row exists once.
pub(crate) async fn inbox_commit_leaves_nothing_to_do<A: Adapter>() {
    let Some(StripeCase {
        pool,
        handler,
        server,
        client,
        event,
        ..
    }) = stripe_case::<A>(Mode::InboxCommit, "inbox-commit").await
    else {
        return;
    };

    let reply = event.deliver(&client, &server.url).await;
    assert_eq!(reply.status, 204, "{reply:?}");
    let first = handler.attempt(1);
    assert!(first.committed && first.committed_by_handler, "{first:?}");
    assert_done_by(&pool, &first).await;

    let retry = event.deliver(&client, &server.url).await;
    assert!(retry.is_duplicate(), "{retry:?}");
    assert_eq!(handler.runs(), 1);
    assert_eq!(handled(&pool, &event.id).await, [1]);
}

/// The handler writes, marks and commits, then answers 500: the answer is the 500,
/// but the committed mark stays done (the layer releases only what is in flight), so
/// the retry is a duplicate and the business row exists once.
pub(crate) async fn committed_mark_survives_an_error<A: Adapter>() {
    let Some(StripeCase {
        pool,
        handler,
        server,
        client,
        event,
        ..
    }) = stripe_case::<A>(Mode::CommitThenFail, "inbox-commit-500").await
    else {
        return;
    };

    let reply = event.deliver(&client, &server.url).await;
    assert_eq!(reply.status, 500, "{reply:?}");
    let first = handler.attempt(1);
    assert!(first.committed);
    let rows = assert_done_by(&pool, &first).await;
    assert_eq!(rows, first.in_tx);

    let retry = event.deliver(&client, &server.url).await;
    assert!(retry.is_duplicate(), "{retry:?}");
    assert_eq!(handler.runs(), 1);
    assert_eq!(handled(&pool, &event.id).await, [1]);
}

/// A handler that takes the inbox but does not use it, and answers 2xx: the layer
/// commits the event as usual (done, with the reservation's owner), and the retry is
/// a duplicate.
pub(crate) async fn unused_inbox_is_committed_by_the_layer<A: Adapter>() {
    let Some(StripeCase {
        pool,
        handler,
        server,
        client,
        event,
        ..
    }) = stripe_case::<A>(Mode::Plain, "inbox-unused").await
    else {
        return;
    };

    let reply = event.deliver(&client, &server.url).await;
    assert_eq!(reply.status, 204, "{reply:?}");
    let first = handler.attempt(1);
    assert_eq!(first.mark, None);
    assert_eq!(first.reservations.len(), 1, "{first:?}");
    assert_done_by(&pool, &first).await;

    let retry = event.deliver(&client, &server.url).await;
    assert!(retry.is_duplicate(), "{retry:?}");
    assert_eq!(handler.runs(), 1);
    assert_eq!(handled(&pool, &event.id).await, [1]);
}

/// The lease of the reservations in [`mark_after_takeover_is_not_held`].
const SHORT_LEASE: Duration = Duration::from_millis(300);

/// A handler outlives its (short) lease; a second delivery takes the event over,
/// writes, marks and commits. The first handler's `mark_handled` then answers
/// `NotHeld`, returned as the error: 409 with `Retry-After`; its business write is
/// rolled back, the row stays done with the second delivery's owner, and the business
/// row exists exactly once overall.
pub(crate) async fn mark_after_takeover_is_not_held<A: Adapter>() {
    let Some(pool) = setup().await else { return };
    let handler = Handler::new(&pool, Mode::OutlivesLease);
    let namespace = unique("inbox-takeover");
    let receiver = stripe_receiver(&pool, &namespace)
        .with_lease(SHORT_LEASE)
        .unwrap();
    let server = A::serve(Some(receiver), Arc::clone(&handler));
    let (client, event) = (client(), StripeEvent::new());

    let slow = {
        let (client, event, url) = (client.clone(), event.clone(), server.url.clone());
        tokio::spawn(async move { event.deliver(&client, &url).await })
    };
    handler.started().await;
    tokio::time::sleep(SHORT_LEASE + Duration::from_millis(150)).await;
    let takeover = event.deliver(&client, &server.url).await;
    assert_eq!(takeover.status, 204, "{takeover:?}");
    let slow = slow.await.unwrap();
    assert!(slow.is_in_flight(), "{slow:?}");

    let (first, second) = (handler.attempt(1), handler.attempt(2));
    assert_eq!(
        first.mark,
        Some(Err(InboxError::NotHeld.to_string())),
        "{first:?}"
    );
    assert!(!first.committed);
    assert!(second.committed);
    assert_eq!(first.keys(), second.keys());
    assert_ne!(first.reservations, second.reservations, "not taken over");
    assert_done_by(&pool, &second).await;
    assert_eq!(handled(&pool, &event.id).await, [2]);

    let retry = event.deliver(&client, &server.url).await;
    assert!(retry.is_duplicate(), "{retry:?}");
    assert_eq!(handler.runs(), 2);
    assert_eq!(handled(&pool, &event.id).await, [2]);
}

/// Civo does not sign its ids, so the ticket also holds a digest of the content (in
/// `<namespace>:content`): `mark_handled` marks both rows done, in one statement (one
/// `expires_at`, from one `statement_timestamp()`), inside the handler's transaction;
/// each keeps its own reservation's owner. The retry, and a resend of the same
/// content under another id, are duplicates.
pub(crate) async fn unsigned_id_marks_id_and_content<A: Adapter>() {
    let Some(pool) = setup().await else { return };
    let handler = Handler::new(&pool, Mode::Commit);
    let namespace = unique("inbox-civo");
    let server = A::serve(Some(civo_receiver(&pool, &namespace)), Arc::clone(&handler));
    let client = client();
    let id = OwnerToken::random().to_hex();
    let body = format!(r#"{{"event":"instance.created","resourceID":"{id}"}}"#);

    let reply = post_event(
        &client,
        &server.url,
        &civo_headers(&id, body.as_bytes()),
        body.clone(),
    )
    .await;
    assert_eq!(reply.status, 204, "{reply:?}");
    let first = handler.attempt(1);
    assert_eq!(first.mark, Some(Ok(())));
    assert_eq!(first.reservations.len(), 2, "{first:?}");
    assert_eq!(first.reservations[0].namespace, namespace);
    assert_eq!(first.reservations[0].event_id, id);
    assert_eq!(
        first.reservations[1].namespace,
        format!("{namespace}:content")
    );
    assert_states(&first.in_tx, 2, "done");
    assert_states(&first.outside, 2, "in_flight");
    assert_eq!(
        first.in_tx[0].expires_at, first.in_tx[1].expires_at,
        "not marked in one statement: {:?}",
        first.in_tx
    );

    let rows = event_rows(&pool, &first.keys()).await.unwrap();
    assert_states(&rows, 2, "done");
    assert_owned(&rows, &first.reservations);
    assert_eq!(
        rows, first.in_tx,
        "the rows changed after the handler's commit"
    );

    let retry = post_event(
        &client,
        &server.url,
        &civo_headers(&id, body.as_bytes()),
        body.clone(),
    )
    .await;
    assert!(retry.is_duplicate(), "{retry:?}");
    let other_id = OwnerToken::random().to_hex();
    let resent = post_event(
        &client,
        &server.url,
        &civo_headers(&other_id, body.as_bytes()),
        body,
    )
    .await;
    assert!(resent.is_duplicate(), "{resent:?}");
    assert_eq!(handler.runs(), 1);
    assert_eq!(handled(&pool, &id).await, [1]);
    // The resend under another id took its id and released it (its content was done).
    let other = event_rows(&pool, &[(namespace, other_id)]).await.unwrap();
    assert!(other.iter().all(|r| r.state != "done"), "{other:?}");
}

/// The `Inbox` extractor on a route without the layer or middleware: 500
/// `webhook_not_configured`, and the handler does not run.
pub(crate) async fn inbox_without_layer_is_not_configured<A: Adapter>() {
    let Some(pool) = setup().await else { return };
    let handler = Handler::new(&pool, Mode::Commit);
    let server = A::serve(None, Arc::clone(&handler));
    let event = StripeEvent::new();

    let reply = event.deliver(&client(), &server.url).await;
    assert_eq!(reply.status, 500, "{reply:?}");
    assert_eq!(reply.body, r#"{"error":"webhook_not_configured"}"#);
    assert_eq!(handler.runs(), 0);
}

/// A receiver told to fail open, on a store whose database is unreachable (a closed
/// port): the handler still runs, with an unprotected inbox (`event_id()` is `None`,
/// `mark_handled` is `Ok` and writes nothing), its own writes going to the real
/// database; nothing protects the event, so a copy runs again.
pub(crate) async fn fail_open_runs_unprotected<A: Adapter>() {
    let Some(pool) = setup().await else { return };
    let handler = Handler::new(&pool, Mode::Commit);
    let namespace = unique("inbox-fail-open");
    let unreachable = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(200))
        .connect_lazy("postgres://x@127.0.0.1:1/x")
        .unwrap();
    let store = PgStore::builder(unreachable)
        .timeout(Duration::from_millis(500))
        .without_sweeper()
        .build()
        .unwrap();
    let receiver = Receiver::new(stripe_verifier())
        .with_namespace(&namespace)
        .unwrap()
        .with_fail_open(true)
        .with_replay_store(store);
    let server = A::serve(Some(receiver), Arc::clone(&handler));
    let (client, event) = (client(), StripeEvent::new());

    for n in 1..=2 {
        let reply = event.deliver(&client, &server.url).await;
        assert_eq!(reply.status, 204, "copy {n}: {reply:?}");
        let attempt = handler.attempt(n);
        assert_eq!(attempt.inbox_event_id, None, "{attempt:?}");
        assert!(attempt.reservations.is_empty(), "{attempt:?}");
        assert_eq!(attempt.mark, Some(Ok(())));
        assert!(attempt.committed);
    }
    assert_eq!(handler.runs(), 2);
    assert_eq!(handled(&pool, &event.id).await, [1, 2]);
    assert_eq!(rows_in_namespace(&pool, &namespace).await, 0);
}
