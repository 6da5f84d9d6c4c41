//! The transactional inbox behind the actix-web middleware (`WebhookMiddleware`, served by
//! an actix-rt `System` on a thread of its own): real servers on loopback, a real HTTP
//! client, a real PostgreSQL. The handler writes a row of its own (`inbox_test_handled`)
//! and marks its event with `Inbox::mark_handled` in the same transaction; each case
//! checks what the client is answered, what `hookshield_events` holds and how many
//! business rows exist. The cases are written once, in `support::cases`, and run here
//! with the actix-web adapter (`inbox_axum.rs` runs the same ones).
#![cfg(feature = "actix")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use support::{Actix, cases};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_mark_is_done_and_not_committed_again() {
    cases::committed_mark_is_done::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolled_back_mark_is_released_and_the_retry_runs() {
    cases::rolled_back_mark_is_released::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_mark_survives_an_error_answer() {
    cases::committed_mark_survives_an_error::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unused_inbox_is_committed_by_the_layer() {
    cases::unused_inbox_is_committed_by_the_layer::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_after_takeover_is_not_held_and_rolled_back() {
    cases::mark_after_takeover_is_not_held::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_id_marks_id_and_content_in_one_statement() {
    cases::unsigned_id_marks_id_and_content::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_without_layer_is_not_configured() {
    cases::inbox_without_layer_is_not_configured::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_open_runs_the_handler_unprotected() {
    cases::fail_open_runs_unprotected::<Actix>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_commit_leaves_nothing_to_do() {
    cases::inbox_commit_leaves_nothing_to_do::<Actix>().await;
}
