//! Asana's secret handover over real HTTP, on axum + `WebhookLayer` and actix-web +
//! `WebhookMiddleware`: route `/asana/{tenant}`, a `KeyMap` by path segment 1 as both
//! key resolver and secret learner. A handover is refused 403 unless the tenant was
//! announced with `KeyMap::expect_secret`, and then accepted once per announcement: 200
//! echoing `X-Hook-Secret`, without running the handler; a new announcement (the app
//! creating the webhook again) lets the next handover replace the secret. Deliveries signed with the learned
//! secret reach the handler as that tenant's, and only on that tenant's route.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use hookshield::{KeyMap, Receiver, Secret, SignOptions, Signer, presets};
use support::keys::{ADAPTERS, HANDLED, TenantRuns, keyed_verifier};
use support::{Headers, Reply, assert_rejected, client, send};

const ROUTE: &str = "/asana/{tenant}";
const HEADER: &str = "X-Hook-Secret";
/// The secret Asana hands over for project `p1`.
const SECRET: &str = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";
/// A secret a stranger tries to plant for `p1` afterwards.
const STRANGER: &str = "0000000000000000000000000000000000000000000000000000000000000bad";
const EVENTS: &[u8] = br#"{"events":[{"action":"changed","resource":{"gid":"1","resource_type":"task"},"user":{"gid":"2","resource_type":"user"}}]}"#;

/// The handshake: an unsigned `POST` carrying `X-Hook-Secret`.
fn handover(secret: &str) -> Headers {
    vec![(HEADER.to_owned(), secret.to_owned())]
}

/// A delivery of `EVENTS` signed with `secret` (`X-Hook-Signature`).
fn signed_with(secret: &str) -> Headers {
    Signer::new(presets::asana(), Secret::from_text(secret).unwrap())
        .unwrap()
        .sign(EVENTS, &SignOptions::new())
        .unwrap()
        .into_vec()
}

#[track_caller]
fn assert_refused(reply: &Reply, name: &str) {
    assert_rejected(reply, 403, "challenge_refused");
    assert_eq!(
        reply.header(HEADER),
        None,
        "{name}: echoed a refused secret"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_is_learned_once_for_an_announced_tenant_then_verifies_its_deliveries() {
    for &adapter in ADAPTERS {
        let name = adapter.name();
        let tenants = KeyMap::by_path_segment(1);
        let verifier = keyed_verifier(presets::asana(), &tenants, true);
        let runs = TenantRuns::default();
        let server = adapter.serve(ROUTE, Receiver::new(verifier), &runs);
        let (p1, p2) = (server.url("/asana/p1"), server.url("/asana/p2"));
        let client = client();

        // Not announced: refused.
        let reply = send(&client, &p1, &handover(SECRET), Vec::new()).await;
        assert_refused(&reply, name);
        assert!(tenants.get("p1").is_none(), "{name}");

        // Announced: learned, and echoed back.
        tenants.expect_secret("p1").unwrap();
        let reply = send(&client, &p1, &handover(SECRET), Vec::new()).await;
        assert_eq!(reply.status, 200, "{name}: {reply:?}");
        assert_eq!(reply.header(HEADER), Some(SECRET), "{name}: {reply:?}");
        assert!(reply.body.is_empty(), "{name}: {reply:?}");
        assert_eq!(tenants.get("p1").unwrap().tenant(), Some("p1"), "{name}");

        // Once per announcement: a second handover is refused.
        let reply = send(&client, &p1, &handover(STRANGER), Vec::new()).await;
        assert_refused(&reply, name);
        assert_eq!(runs.count(), 0, "{name}: the handler ran for a handover");
        // The app creates the webhook again: the next handover replaces the secret.
        tenants.expect_secret("p1").unwrap();
        let reply = send(&client, &p1, &handover(SECRET), Vec::new()).await;
        assert_eq!(reply.status, 200, "{name}: {reply:?}");
        let reply = send(&client, &p1, &handover(STRANGER), Vec::new()).await;
        assert_refused(&reply, name);

        // Deliveries verify with the learned secret (not the stranger's), as p1's.
        let reply = send(&client, &p1, &signed_with(SECRET), EVENTS.to_vec()).await;
        assert_eq!((reply.status, reply.text()), (200, HANDLED), "{name}");
        assert_eq!(runs.tenants(), [Some("p1".to_owned())], "{name}");
        let reply = send(&client, &p1, &signed_with(STRANGER), EVENTS.to_vec()).await;
        assert_rejected(&reply, 401, "signature_mismatch");

        // p1's signature is not p2's (which has no secret).
        let reply = send(&client, &p2, &signed_with(SECRET), EVENTS.to_vec()).await;
        assert_rejected(&reply, 401, "signature_mismatch");
        assert_eq!(
            runs.count(),
            1,
            "{name}: a refused delivery reached the handler"
        );
    }
}
