//! Two tenants on one route over real HTTP (`/hooks/{tenant}`, the GitHub preset, a
//! `KeyMap` by path segment, each tenant with its own secret), on axum + `WebhookLayer`
//! and actix-web + `WebhookMiddleware`: one tenant's signature is refused on the other's
//! route, and the same event id delivered to both is handled for each (each tenant's ids
//! are remembered in a namespace of its own) and only once per tenant.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use hookshield::{KeyMap, KeySet, Receiver, Secret, SignOptions, Signer, presets};
use support::keys::{ADAPTERS, Adapter, HANDLED, Server, TenantRuns, keyed_verifier};
use support::{Headers, assert_duplicate, assert_rejected, client, send};

const ROUTE: &str = "/hooks/{tenant}";
const SECRET_A: &str = "tenant-a-github-secret";
const SECRET_B: &str = "tenant-b-github-secret";
const BODY: &[u8] = br#"{"action":"opened","number":1,"repository":{"full_name":"o/r"}}"#;
/// One `X-GitHub-Delivery`, sent to both tenants.
const DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

/// Tenants `a` and `b`, each with its own GitHub secret, by path segment 1.
fn tenants() -> KeyMap {
    let scheme = presets::github().build().unwrap();
    let tenants = KeyMap::by_path_segment(1);
    for (tenant, secret) in [("a", SECRET_A), ("b", SECRET_B)] {
        let keys = KeySet::builder()
            .tenant(tenant)
            .encoded_secret(secret)
            .build(&scheme)
            .unwrap();
        tenants.insert(keys);
    }
    tenants
}

/// `adapter` serving both tenants on [`ROUTE`].
fn serve(adapter: Adapter, runs: &TenantRuns) -> Server {
    let verifier = keyed_verifier(presets::github(), &tenants(), false);
    adapter.serve(ROUTE, Receiver::new(verifier), runs)
}

/// A GitHub delivery of `BODY` as `DELIVERY`, signed with `secret`.
fn signed_with(secret: &str) -> Headers {
    Signer::new(presets::github(), Secret::from_text(secret).unwrap())
        .unwrap()
        .sign(BODY, &SignOptions::new().id(DELIVERY))
        .unwrap()
        .into_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenants_signature_is_refused_on_another_tenants_route() {
    for &adapter in ADAPTERS {
        let name = adapter.name();
        let runs = TenantRuns::default();
        let server = serve(adapter, &runs);
        let client = client();
        let by_a = signed_with(SECRET_A);

        for path in ["/hooks/b", "/hooks/nobody"] {
            let reply = send(&client, &server.url(path), &by_a, BODY.to_vec()).await;
            assert_rejected(&reply, 401, "signature_mismatch");
        }
        // B's route with B's own signature of the same delivery is fine.
        let by_b = signed_with(SECRET_B);
        let reply = send(&client, &server.url("/hooks/b"), &by_b, BODY.to_vec()).await;
        assert_eq!((reply.status, reply.text()), (200, HANDLED), "{name}");
        assert_eq!(
            runs.all(),
            [(Some("b".to_owned()), DELIVERY.to_owned())],
            "{name}: the refused deliveries must not reach the handler"
        );
    }
}

/// Depends on the `Receiver` reserving a tenant's event ids in the tenant's own
/// namespace (`<namespace>/<tenant>`, see `KeySet`'s docs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_event_id_is_handled_once_per_tenant() {
    for &adapter in ADAPTERS {
        let name = adapter.name();
        let runs = TenantRuns::default();
        let server = serve(adapter, &runs);
        let client = client();
        let (url_a, url_b) = (server.url("/hooks/a"), server.url("/hooks/b"));
        let (by_a, by_b) = (signed_with(SECRET_A), signed_with(SECRET_B));

        let reply = send(&client, &url_a, &by_a, BODY.to_vec()).await;
        assert_eq!((reply.status, reply.text()), (200, HANDLED), "{name}: A");
        let reply = send(&client, &url_b, &by_b, BODY.to_vec()).await;
        assert_eq!(
            (reply.status, reply.text()),
            (200, HANDLED),
            "{name}: B's delivery with A's event id must be handled: {reply:?}"
        );
        assert_eq!(
            runs.all(),
            [
                (Some("a".to_owned()), DELIVERY.to_owned()),
                (Some("b".to_owned()), DELIVERY.to_owned()),
            ],
            "{name}"
        );

        // Each tenant's copy again: a duplicate, and the handler does not run.
        for (url, headers) in [(&url_a, &by_a), (&url_b, &by_b)] {
            let reply = send(&client, url, headers, BODY.to_vec()).await;
            assert_duplicate(&reply);
        }
        assert_eq!(runs.count(), 2, "{name}: a duplicate reached the handler");
    }
}
