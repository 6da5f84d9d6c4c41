//! `Inbox` marks without a web framework: a `ReplayGuard` over a `PgStore`, its ticket's
//! claim, and the handler's transactions by hand.
//!
//! - marking twice in one transaction is harmless (`mark_handled`, then `Inbox::commit`);
//! - a mark in a transaction that rolled back is made again by the next one (a retry
//!   after a serialization failure), so its commit really marks the event done;
//! - a mark an earlier transaction committed is not matched again: a second transaction
//!   of the same handler gets `NotHeld` and must roll back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::time::Duration;

use hookshield_core::replay::{Admission, ReplayGuard, Ticket};
use hookshield_postgres::{Inbox, InboxError, PgStore};
use sqlx::PgPool;
use support::unique;

/// A fresh event admitted through a guard over a `PgStore` on `pool`: its ticket and inbox.
async fn admitted(pool: &PgPool) -> (ReplayGuard<PgStore>, Ticket<PgStore>, Inbox) {
    let store = PgStore::builder(pool.clone()).build().unwrap();
    let guard = ReplayGuard::new(store, &unique("marks"), Duration::from_secs(600)).unwrap();
    let Admission::Run(mut ticket) = guard.admit("evt-1").await.unwrap() else {
        panic!("a new event")
    };
    let inbox = Inbox::new(ticket.claim().unwrap());
    (guard, ticket, inbox)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marking_twice_in_one_transaction_is_harmless() {
    let Some(pool) = support::pool(4).await else {
        return;
    };
    let (guard, ticket, inbox) = admitted(&pool).await;
    let mut transaction = pool.begin().await.unwrap();
    inbox.mark_handled(&mut transaction).await.unwrap();
    inbox.mark_handled(&mut transaction).await.unwrap();
    inbox.commit(transaction).await.unwrap();
    assert!(ticket.commit().await.unwrap(), "committed by the handler");
    assert!(matches!(
        guard.admit("evt-1").await.unwrap(),
        Admission::Duplicate
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_rolled_back_is_made_again_by_the_next_transaction() {
    let Some(pool) = support::pool(4).await else {
        return;
    };
    let (guard, ticket, inbox) = admitted(&pool).await;
    let mut first = pool.begin().await.unwrap();
    inbox.mark_handled(&mut first).await.unwrap();
    first.rollback().await.unwrap();
    // The retry of the handler's transaction: its commit must carry a mark of its own.
    let second = pool.begin().await.unwrap();
    inbox.commit(second).await.unwrap();
    assert!(ticket.commit().await.unwrap());
    let state: String = sqlx::query_scalar(
        "SELECT state FROM hookshield_events WHERE namespace = $1 AND event_id = 'evt-1'",
    )
    .bind(guard.namespace())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(state, "done");
    assert!(matches!(
        guard.admit("evt-1").await.unwrap(),
        Admission::Duplicate
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_an_earlier_transaction_committed_is_not_made_again() {
    let Some(pool) = support::pool(4).await else {
        return;
    };
    let (_guard, ticket, inbox) = admitted(&pool).await;
    inbox.commit(pool.begin().await.unwrap()).await.unwrap();
    let mut again = pool.begin().await.unwrap();
    assert!(matches!(
        inbox.mark_handled(&mut again).await,
        Err(InboxError::NotHeld)
    ));
    drop(again);
    assert!(ticket.commit().await.unwrap());
}
