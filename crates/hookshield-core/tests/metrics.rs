//! The `metrics` feature: what `Receiver` counts and times, read back from a
//! `DebuggingRecorder` installed for each test's thread alone (the tests run on
//! current-thread runtimes, so parallel tests never see each other's metrics).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::collections::BTreeMap;
use std::time::Duration;

use hookshield_core::metrics::{
    HANDLER_SECONDS, IN_FLIGHT, OUTCOME_DUPLICATE, OUTCOME_HANDLED, OUTCOME_HANDLER_FAILED,
    OUTCOME_HANDSHAKE, REQUESTS_TOTAL, VERIFY_SECONDS,
};
use hookshield_core::replay::{Admission, MemoryStore, ReplayGuard, ReplayStore, Ticket};
use hookshield_core::{
    ErrorKind, HeaderLookup, Reason, Receiver, Secret, SignOptions, SignedHeaders, Signer, Step,
    Verifier, presets,
};
use metrics_util::debugging::DebuggingRecorder;

const SECRET: &str = "metrics-secret";
const BODY: &[u8] = br#"{"event":"instance.created"}"#;

/// `Recorded` (summed `DebuggingRecorder` snapshots) and `outcomes`, shared with the
/// facade's adapter tests.
#[path = "../../../tests/support/metrics.rs"]
#[allow(dead_code, unreachable_pub)]
mod recorded;
use recorded::{Recorded, outcomes};

fn civo() -> Receiver {
    Receiver::new(
        Verifier::builder(presets::civo())
            .encoded_secret(SECRET)
            .build()
            .unwrap(),
    )
}

/// Civo signs the body alone: each event its own body, or its copies would be one event.
fn body(id: &str) -> Vec<u8> {
    format!(r#"{{"event":"instance.created","id":"{id}"}}"#).into_bytes()
}

/// The headers of event `id`, with [`body`]`(id)`.
fn signed(id: &str) -> SignedHeaders {
    Signer::new(presets::civo(), Secret::from_text(SECRET).unwrap())
        .unwrap()
        .sign(&body(id), &SignOptions::new().id(id))
        .unwrap()
}

async fn admit<S: ReplayStore>(receiver: &Receiver<S>, id: &str) -> Ticket<S> {
    match receiver.receive(&signed(id), &body(id)).await {
        Ok(Step::Run(ticket, _)) => ticket,
        other => panic!("{id} not admitted: {other:?}"),
    }
}

async fn refused<S, H>(receiver: &Receiver<S>, headers: &H, body: &[u8]) -> ErrorKind
where
    S: ReplayStore,
    H: HeaderLookup + ?Sized,
{
    match receiver.receive(headers, body).await {
        Err(error) => error.kind(),
        other => panic!("not refused: {other:?}"),
    }
}

/// No headers at all.
const UNSIGNED: &[(&str, &str)] = &[];

#[tokio::test]
async fn each_request_is_counted_once_by_its_outcome() {
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);
    let receiver = civo();

    // Handled.
    let ticket = admit(&receiver, "evt-1").await;
    assert_eq!(recorded.in_flight("civo", "civo"), 1.0);
    assert_eq!(
        recorded.requests("civo", "civo"),
        outcomes(&[]),
        "counted at settle"
    );
    assert!(ticket.commit().await.unwrap());
    assert_eq!(recorded.in_flight("civo", "civo"), 0.0);
    // A duplicate, a forged body, a missing signature.
    assert!(matches!(
        receiver.receive(&signed("evt-1"), &body("evt-1")).await,
        Ok(Step::Duplicate)
    ));
    let forged = br#"{"event":"instance.deleted"}"#;
    assert_eq!(
        refused(&receiver, &signed("evt-x"), forged).await,
        ErrorKind::SignatureMismatch
    );
    assert_eq!(
        refused(&receiver, UNSIGNED, BODY).await,
        ErrorKind::MissingHeader
    );
    // A handler failure, a copy while it ran, then the retry handled.
    let ticket = admit(&receiver, "evt-2").await;
    assert_eq!(
        refused(&receiver, &signed("evt-2"), &body("evt-2")).await,
        ErrorKind::DuplicateInFlight
    );
    ticket.release().await.unwrap();
    admit(&receiver, "evt-2").await.settle(true).await.unwrap();
    // A ticket dropped unsettled (a panic, the client gone) is a failure, counted at once.
    let dropped = admit(&receiver, "evt-3").await;
    assert_eq!(recorded.in_flight("civo", "civo"), 1.0);
    drop(dropped);
    assert_eq!(recorded.in_flight("civo", "civo"), 0.0);

    let expected = outcomes(&[
        (OUTCOME_HANDLED, 2),
        (OUTCOME_HANDLER_FAILED, 2),
        (OUTCOME_DUPLICATE, 1),
        ("signature_mismatch", 1),
        ("missing_header", 1),
        ("duplicate_in_flight", 1),
    ]);
    assert_eq!(recorded.requests("civo", "civo"), expected);
    // One verification per `receive`: as many as requests.
    let route = [("route", "civo"), ("scheme", "civo")];
    assert_eq!(recorded.histogram(VERIFY_SECONDS, &route), 8);
    let handled = [
        ("route", "civo"),
        ("scheme", "civo"),
        ("outcome", "handled"),
    ];
    let failed = [
        ("route", "civo"),
        ("scheme", "civo"),
        ("outcome", "handler_failed"),
    ];
    assert_eq!(recorded.histogram(HANDLER_SECONDS, &handled), 2);
    assert_eq!(recorded.histogram(HANDLER_SECONDS, &failed), 2);
    assert_eq!(recorded.all_samples(), 12, "no other histogram");
    assert_eq!(recorded.in_flight("civo", "civo"), 0.0);
}

/// A settled ticket dropped afterwards, or settled through `settle`, counts once.
#[tokio::test]
async fn a_ticket_settles_its_metrics_once() {
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);
    let receiver = civo();

    admit(&receiver, "evt-1").await.settle(false).await.unwrap();
    // A commit future dropped before it ran: the ticket is dropped unsettled.
    drop(admit(&receiver, "evt-2").await.commit());
    admit(&receiver, "evt-3").await.commit().await.unwrap();

    let expected = outcomes(&[(OUTCOME_HANDLED, 1), (OUTCOME_HANDLER_FAILED, 2)]);
    assert_eq!(recorded.requests("civo", "civo"), expected);
    assert_eq!(recorded.in_flight("civo", "civo"), 0.0);
}

#[tokio::test]
async fn refusals_while_the_body_is_read_are_counted_without_a_verification() {
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);
    let receiver = civo()
        .with_body_limit(1000)
        .unwrap()
        .with_body_timeout(Duration::from_millis(20))
        .unwrap();

    // Declared too large: refused before reading.
    let declared = receiver.check_declared_length(Some(b"1001"));
    assert_eq!(declared.unwrap_err().kind(), ErrorKind::PayloadTooLarge);
    assert_eq!(
        receiver.check_declared_length(Some(b"1000")).unwrap(),
        Some(1000)
    );
    assert_eq!(receiver.check_declared_length(None).unwrap(), None);
    // Grown too large while read, not in time, cut off.
    let read = receiver.read_body(async { Err::<Vec<u8>, _>(Reason::BodyTooLarge) });
    assert_eq!(read.await.unwrap_err().kind(), ErrorKind::PayloadTooLarge);
    let stalled = receiver.read_body(std::future::pending::<Result<Vec<u8>, Reason>>());
    assert_eq!(stalled.await.unwrap_err().kind(), ErrorKind::BodyTimeout);
    let cut = receiver.read_body(async { Err::<Vec<u8>, _>(Reason::BodyUnreadable) });
    assert_eq!(cut.await.unwrap_err().kind(), ErrorKind::MalformedBody);
    // A body read in full is not counted until the pipeline decides.
    let body = receiver.read_body(async { Ok::<_, Reason>(BODY.to_vec()) });
    assert_eq!(body.await.unwrap(), BODY);

    let expected = outcomes(&[
        ("payload_too_large", 2),
        ("body_timeout", 1),
        ("malformed_body", 1),
    ]);
    assert_eq!(recorded.requests("civo", "civo"), expected);
    assert_eq!(recorded.all_samples(), 0, "nothing was verified");
}

#[tokio::test]
async fn a_handshake_answered_is_counted_as_handshake() {
    const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);
    let verifier = Verifier::builder(presets::slack())
        .encoded_secret(SLACK_SECRET)
        .build()
        .unwrap();
    let receiver = Receiver::new(verifier);

    let body = br#"{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#;
    let signer = Signer::new(presets::slack(), Secret::from_text(SLACK_SECRET).unwrap()).unwrap();
    let headers = signer
        .sign(
            body,
            &SignOptions::new().timestamp(time::OffsetDateTime::now_utc()),
        )
        .unwrap();
    let step = receiver.receive(&headers, body).await.unwrap();
    assert!(matches!(step, Step::Handshake(_)), "{step:?}");

    assert_eq!(
        recorded.requests("slack", "slack"),
        outcomes(&[(OUTCOME_HANDSHAKE, 1)])
    );
    let route = [("route", "slack"), ("scheme", "slack")];
    assert_eq!(recorded.histogram(VERIFY_SECONDS, &route), 1);
    assert_eq!(recorded.in_flight("slack", "slack"), 0.0);
}

#[tokio::test]
async fn the_route_is_the_replay_namespace_unless_named() {
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);

    let eu = civo().with_namespace("civo-eu").unwrap();
    assert_eq!(eu.metrics_route(), "civo-eu");
    admit(&eu, "evt-1").await.commit().await.unwrap();

    // Named, it stays named whatever the namespace.
    let named = civo()
        .with_metrics_route("billing")
        .with_namespace("civo-us")
        .unwrap()
        .with_replay_store(MemoryStore::default());
    assert_eq!(named.metrics_route(), "billing");
    admit(&named, "evt-1").await.release().await.unwrap();

    // A guard of its own brings its namespace, and so the route.
    let guard = ReplayGuard::new(MemoryStore::default(), "civo-ap", Duration::from_secs(3600));
    let ap = civo().with_replay_guard(guard.unwrap()).unwrap();
    assert_eq!(ap.metrics_route(), "civo-ap");
    assert!(refused(&ap, UNSIGNED, BODY).await == ErrorKind::MissingHeader);

    assert_eq!(
        recorded.requests("civo-eu", "civo"),
        outcomes(&[(OUTCOME_HANDLED, 1)])
    );
    assert_eq!(
        recorded.requests("billing", "civo"),
        outcomes(&[(OUTCOME_HANDLER_FAILED, 1)])
    );
    assert_eq!(
        recorded.requests("civo-ap", "civo"),
        outcomes(&[("missing_header", 1)])
    );
    assert_eq!(recorded.requests("civo", "civo"), outcomes(&[]));
    assert_eq!(recorded.in_flight("billing", "civo"), 0.0);
}

/// A store that cannot be reached.
#[path = "../../../tests/support/down_store.rs"]
#[allow(unreachable_pub)]
mod down_store;
use down_store::DownStore as Down;

#[tokio::test]
async fn a_store_outage_is_counted_and_an_event_run_unprotected_too() {
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);

    let closed = civo().with_replay_store(Down);
    assert_eq!(
        refused(&closed, &signed("evt-1"), &body("evt-1")).await,
        ErrorKind::ReplayStoreUnavailable
    );
    // Failing open, the event runs with a ticket that holds nothing: still counted.
    let open = closed.with_fail_open(true);
    let ticket = admit(&open, "evt-1").await;
    assert_eq!(recorded.in_flight("civo", "civo"), 1.0);
    assert!(!ticket.commit().await.unwrap());

    let expected = outcomes(&[("replay_store_unavailable", 1), (OUTCOME_HANDLED, 1)]);
    assert_eq!(recorded.requests("civo", "civo"), expected);
    assert_eq!(recorded.in_flight("civo", "civo"), 0.0);
}

/// A bare guard knows no route or scheme: its tickets record nothing.
#[tokio::test]
async fn a_bare_guard_records_nothing() {
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);

    let guard = ReplayGuard::new(MemoryStore::default(), "ns", Duration::from_secs(60)).unwrap();
    let Admission::Run(ticket) = guard.admit("evt-1").await.unwrap() else {
        panic!("new id");
    };
    ticket.commit().await.unwrap();
    let Admission::Run(ticket) = guard.admit("evt-2").await.unwrap() else {
        panic!("new id");
    };
    drop(ticket);

    assert!(recorded.is_empty(), "a bare guard records nothing");
}

/// Without a recorder, recording is a no-op: nothing fails.
#[tokio::test]
async fn without_a_recorder_nothing_changes() {
    let receiver = civo();
    admit(&receiver, "evt-1").await.commit().await.unwrap();
    assert!(matches!(
        receiver.receive(&signed("evt-1"), &body("evt-1")).await,
        Ok(Step::Duplicate)
    ));
}

#[tokio::test]
async fn describe_gives_each_metric_its_unit_and_description() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    hookshield_core::metrics::describe();
    let receiver = civo();
    admit(&receiver, "evt-1").await.commit().await.unwrap();

    let mut described = BTreeMap::new();
    for (key, unit, description, _) in snapshotter.snapshot().into_vec() {
        let name = key.key().name().to_owned();
        assert!(description.is_some_and(|d| !d.is_empty()), "{name}");
        described.insert(name, unit);
    }
    let expected = BTreeMap::from([
        (REQUESTS_TOTAL.to_owned(), Some(metrics::Unit::Count)),
        (VERIFY_SECONDS.to_owned(), Some(metrics::Unit::Seconds)),
        (HANDLER_SECONDS.to_owned(), Some(metrics::Unit::Seconds)),
        (IN_FLIGHT.to_owned(), Some(metrics::Unit::Count)),
    ]);
    assert_eq!(described, expected);
}
