//! Event ids the signature does not cover (Civo, GitHub, Shopify: an id header beside a
//! MAC of the body alone, no signed timestamp). A captured delivery resent under a fresh
//! id must not run the handler again, a flood of such resends must not push real ids out
//! of the store, and a failed handler must still let the provider's retry through.
//!
//! Before the content digest was reserved beside the id, `resent_under_a_new_id_is_a_duplicate`,
//! `concurrent_resends_under_fresh_ids_run_once` and `a_flood_of_resends_adds_nothing`
//! failed: every fresh id ran the handler.
#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hookshield_core::replay::MemoryStore;
use hookshield_core::{
    Encoding, ErrorKind, Receiver, Scheme, SchemeBuilder, Secret, SignOptions, SignedHeaders,
    Signer, Step, Verifier, presets,
};
use time::OffsetDateTime;

const SECRET: &str = "unsigned-id-secret";
const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;

fn receiver(scheme: fn() -> SchemeBuilder) -> Receiver {
    let verifier = Verifier::builder(scheme())
        .encoded_secret(SECRET)
        .build()
        .unwrap();
    Receiver::new(verifier)
}

fn signer(scheme: fn() -> SchemeBuilder) -> Signer {
    Signer::new(scheme(), Secret::from_text(SECRET).unwrap()).unwrap()
}

/// The signed headers with the id header set to `id` (the attacker's edit: the id is not
/// signed, so the signature still matches).
fn with_id(headers: &SignedHeaders, id_header: &str, id: &str) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if name.eq_ignore_ascii_case(id_header) {
                id
            } else {
                value
            };
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// A preset: its name, its function and its event-id header.
type Preset = (&'static str, fn() -> SchemeBuilder, &'static str);

/// The presets whose id header is not signed, with that header.
const UNSIGNED: [Preset; 3] = [
    ("civo", presets::civo, "X-Civo-Event"),
    ("github", presets::github, "X-GitHub-Delivery"),
    ("shopify", presets::shopify, "X-Shopify-Webhook-Id"),
];

#[test]
fn which_presets_sign_their_ids() {
    let now = OffsetDateTime::now_utc();
    for (name, scheme, _) in UNSIGNED {
        let headers = signer(scheme)
            .sign(BODY, &SignOptions::new().id("evt-1"))
            .unwrap();
        let verified = receiver(scheme).verifier().verify(&headers, BODY).unwrap();
        assert!(!verified.id_is_signed(), "{name}");
    }
    // Standard Webhooks signs `{id}.{t}.{body}`; Stripe's id is in the signed body.
    let sw_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let sw = Verifier::builder(presets::standard_webhooks())
        .encoded_secret(sw_secret)
        .build()
        .unwrap();
    let key = sw.scheme().parse_secret(sw_secret).unwrap();
    let headers = Signer::new(presets::standard_webhooks(), key)
        .unwrap()
        .sign(BODY, &SignOptions::new().id("msg_1").timestamp(now))
        .unwrap();
    assert!(sw.verify(&headers, BODY).unwrap().id_is_signed());
    let stripe = Verifier::builder(presets::stripe())
        .encoded_secret(SECRET)
        .build()
        .unwrap();
    let body = br#"{"id":"evt_1"}"#;
    let headers = Signer::new(presets::stripe(), Secret::from_text(SECRET).unwrap())
        .unwrap()
        .sign(body, &SignOptions::new().timestamp(now))
        .unwrap();
    assert!(stripe.verify(&headers, body).unwrap().id_is_signed());
}

#[tokio::test]
async fn resent_under_a_new_id_is_a_duplicate() {
    for (name, scheme, id_header) in UNSIGNED {
        let receiver = receiver(scheme);
        let headers = signer(scheme)
            .sign(BODY, &SignOptions::new().id("evt-1"))
            .unwrap();
        let Step::Run(ticket, _) = receiver.receive(&headers, BODY).await.unwrap() else {
            panic!("{name}: a new event runs");
        };
        assert!(ticket.holds_content_digest(), "{name}");
        ticket.commit().await.unwrap();

        for forged_id in ["evt-2", "evt-1 ", "EVT-1", "another-uuid"] {
            let resent = with_id(&headers, id_header, forged_id);
            let step = receiver.receive(resent.as_slice(), BODY).await.unwrap();
            assert!(matches!(step, Step::Duplicate), "{name}: {forged_id}");
        }
        // The provider's own retry (same id) is a duplicate as before.
        assert!(matches!(
            receiver.receive(&headers, BODY).await.unwrap(),
            Step::Duplicate
        ));
        // Another event of the provider runs.
        let other = signer(scheme)
            .sign(b"{\"event\":\"other\"}", &SignOptions::new().id("evt-3"))
            .unwrap();
        assert!(matches!(
            receiver
                .receive(&other, b"{\"event\":\"other\"}")
                .await
                .unwrap(),
            Step::Run(..)
        ));
    }
}

#[tokio::test]
async fn a_failed_handler_releases_the_id_and_the_content() {
    let receiver = receiver(presets::civo);
    let headers = signer(presets::civo)
        .sign(BODY, &SignOptions::new().id("evt-1"))
        .unwrap();
    let Step::Run(ticket, _) = receiver.receive(&headers, BODY).await.unwrap() else {
        panic!("new event");
    };
    // While it runs, a copy under another id is a concurrent duplicate of the content.
    let copy = with_id(&headers, "X-Civo-Event", "evt-other");
    let in_flight = receiver.receive(copy.as_slice(), BODY).await.unwrap_err();
    assert_eq!(in_flight.kind(), ErrorKind::DuplicateInFlight);
    ticket.release().await.unwrap();

    // The retry runs: neither the id nor the content is left reserved.
    let Step::Run(ticket, _) = receiver.receive(&headers, BODY).await.unwrap() else {
        panic!("the retry runs");
    };
    ticket.commit().await.unwrap();
    assert!(matches!(
        receiver.receive(copy.as_slice(), BODY).await.unwrap(),
        Step::Duplicate
    ));
}

#[tokio::test]
async fn a_dropped_ticket_releases_both() {
    let receiver = receiver(presets::github);
    let headers = signer(presets::github)
        .sign(BODY, &SignOptions::new().id("evt-1"))
        .unwrap();
    let step = receiver.receive(&headers, BODY).await.unwrap();
    drop(step); // the request went away mid-handler
    let copy = with_id(&headers, "X-GitHub-Delivery", "evt-2");
    // The release runs in a spawned task: give it a moment, bounded.
    for _ in 0..100 {
        match receiver.receive(copy.as_slice(), BODY).await {
            Ok(Step::Run(..)) => return,
            Err(e) if e.kind() == ErrorKind::DuplicateInFlight => {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            other => panic!("{other:?}"),
        }
    }
    panic!("the dropped reservations were not released");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_resends_under_fresh_ids_run_once() {
    let receiver = receiver(presets::shopify);
    let headers = signer(presets::shopify)
        .sign(BODY, &SignOptions::new().id("evt-0"))
        .unwrap();
    let runs = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..200 {
        let receiver = receiver.clone();
        let runs = Arc::clone(&runs);
        let copy = with_id(&headers, "X-Shopify-Webhook-Id", &format!("evt-{i}"));
        tasks.push(tokio::spawn(async move {
            match receiver.receive(copy.as_slice(), BODY).await {
                Ok(Step::Run(ticket, _)) => {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    ticket.commit().await.unwrap();
                }
                Ok(Step::Duplicate) => {}
                Err(e) => assert_eq!(e.kind(), ErrorKind::DuplicateInFlight),
                Ok(other) => panic!("{other:?}"),
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

/// A store of 64 ids holds 30 handled events (an id and a content digest each). 1000
/// resends of one of them under fresh ids are all duplicates and add no entry: every
/// real event is still remembered afterwards, by its id and by its content. (Reserving
/// the fresh id first would have pushed the real events out of the full store.)
#[tokio::test]
async fn a_flood_of_resends_adds_nothing() {
    let receiver = receiver(presets::civo).with_replay_store(MemoryStore::new(64));
    let signer = signer(presets::civo);
    let events: Vec<(SignedHeaders, Vec<u8>)> = (0..30)
        .map(|i| {
            let body = format!(r#"{{"event":"instance.created","resourceID":"{i}"}}"#);
            let headers = signer
                .sign(body.as_bytes(), &SignOptions::new().id(&format!("evt-{i}")))
                .unwrap();
            (headers, body.into_bytes())
        })
        .collect();
    for (headers, body) in &events {
        let Step::Run(ticket, _) = receiver.receive(headers, body).await.unwrap() else {
            panic!("new event");
        };
        ticket.commit().await.unwrap();
    }
    let (captured, body) = &events[0];
    for i in 0..1000 {
        let copy = with_id(captured, "X-Civo-Event", &format!("flood-{i}"));
        let step = receiver.receive(copy.as_slice(), body).await.unwrap();
        assert!(matches!(step, Step::Duplicate));
    }
    for (i, (headers, body)) in events.iter().enumerate() {
        let retry = receiver.receive(headers, body).await.unwrap();
        assert!(matches!(retry, Step::Duplicate), "event {i} was forgotten");
        let resent = with_id(headers, "X-Civo-Event", &format!("late-{i}"));
        let resent = receiver.receive(resent.as_slice(), body).await.unwrap();
        assert!(
            matches!(resent, Step::Duplicate),
            "content {i} was forgotten"
        );
    }
}

/// The documented cost: two deliveries with byte-identical signed content count as one.
#[tokio::test]
async fn byte_identical_deliveries_count_as_one() {
    let receiver = receiver(presets::civo);
    let signer = signer(presets::civo);
    let first = signer.sign(BODY, &SignOptions::new().id("a")).unwrap();
    let second = signer.sign(BODY, &SignOptions::new().id("b")).unwrap();
    let Step::Run(ticket, _) = receiver.receive(&first, BODY).await.unwrap() else {
        panic!("new event");
    };
    ticket.commit().await.unwrap();
    assert!(matches!(
        receiver.receive(&second, BODY).await.unwrap(),
        Step::Duplicate
    ));
}

/// A custom scheme with an unsigned id but a signed timestamp: the digest covers the
/// timestamp, so the provider's re-signed retries are different content, and a resend
/// within the window under a new id is still a duplicate.
#[tokio::test]
async fn the_digest_covers_a_signed_timestamp() {
    let scheme = || {
        Scheme::builder("acme")
            .signature_header("X-Acme-Signature")
            .encoding(Encoding::Hex)
            .signed_content("{t}.{body}")
            .timestamp_header("X-Acme-Timestamp")
            .id_header("X-Acme-Id")
    };
    let receiver = receiver(scheme);
    let signer = signer(scheme);
    let now = OffsetDateTime::now_utc();
    let first = signer
        .sign(BODY, &SignOptions::new().id("a").timestamp(now))
        .unwrap();
    let Step::Run(ticket, verified) = receiver.receive(&first, BODY).await.unwrap() else {
        panic!("new event");
    };
    assert!(!verified.id_is_signed());
    ticket.commit().await.unwrap();
    let resent = with_id(&first, "X-Acme-Id", "b");
    assert!(matches!(
        receiver.receive(resent.as_slice(), BODY).await.unwrap(),
        Step::Duplicate
    ));
    let later = signer
        .sign(
            BODY,
            &SignOptions::new()
                .id("c")
                .timestamp(now + time::Duration::seconds(1)),
        )
        .unwrap();
    assert!(matches!(
        receiver.receive(&later, BODY).await.unwrap(),
        Step::Run(..)
    ));
}
