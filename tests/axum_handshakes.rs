//! Provider handshakes over real HTTP: HCP's verification payload, Slack's
//! `url_verification` and Frappe's "Webhook Validate" are answered by the layer without
//! running the handler and without being remembered; `.with_handshakes(false)` hands them
//! to the handler.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use axum::http::StatusCode;
use hookshield::tower::WebhookLayer;
use hookshield::{Receiver, Secret, SignOptions, Signer, Verifier, presets};
use support::{
    Bodies, Calls, Headers, Reply, assert_duplicate, assert_rejected, client, counting, layered,
    replaced, send, serve, url,
};

const HCP_TOKEN: &str = "hcp-webhook-token";
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const FRAPPE_SECRET: &str = "frappe-shared-secret";

const HCP_VERIFICATION: &[u8] = br#"{"event_id":"webhook.event:mlizg1TCaSsrJ2hOXZMmS","event_action":"test","event_description":"Verification","event_source":"hashicorp.webhook.verification","resource_id":"","resource_name":"","event_version":"1","event_payload":{}}"#;
const HCP_EVENT: &[u8] = br#"{"event_id":"packer.event:MtCpPwmkdPpD8qqfMRhJ","event_action":"create","event_source":"hashicorp.packer.version","event_payload":{}}"#;
const SLACK_CHALLENGE: &[u8] = br#"{"token":"x","challenge":"abc123","type":"url_verification"}"#;
const FRAPPE_VALIDATE: &[u8] = br#"{"event":"Webhook Validate","data":{}}"#;

#[derive(Debug, Clone, Copy)]
enum Kind {
    Hcp,
    Slack,
    Frappe,
}

impl Kind {
    fn layer(self) -> WebhookLayer {
        WebhookLayer::new(self.verifier())
    }

    fn receiver(self) -> Receiver {
        Receiver::new(self.verifier())
    }

    fn verifier(self) -> Verifier {
        let verifier = match self {
            Self::Hcp => Verifier::builder(presets::hcp()).encoded_secret(HCP_TOKEN),
            Self::Slack => Verifier::builder(presets::slack()).encoded_secret(SLACK_SECRET),
            Self::Frappe => Verifier::builder(presets::shared_token("X-Webhook-Secret"))
                .encoded_secret(FRAPPE_SECRET),
        };
        verifier.build().unwrap()
    }

    fn headers(self, body: &[u8]) -> Headers {
        let (scheme, secret) = match self {
            Self::Hcp => (presets::hcp(), HCP_TOKEN),
            Self::Slack => (presets::slack(), SLACK_SECRET),
            // The shared token is the header's value itself.
            Self::Frappe => return vec![("X-Webhook-Secret".to_owned(), FRAPPE_SECRET.to_owned())],
        };
        Signer::new(scheme, Secret::from_text(secret).unwrap())
            .unwrap()
            .sign(body, &SignOptions::new())
            .unwrap()
            .into_vec()
    }
}

/// A server for `kind` behind `layer` whose handler answers 202 `handled`.
async fn endpoint(layer: WebhookLayer) -> (String, Calls) {
    let (calls, bodies) = (Calls::default(), Bodies::default());
    let app = layered(counting(&calls, &bodies, StatusCode::ACCEPTED), layer);
    (url(serve(app).await), calls)
}

async fn deliver(url: &str, kind: Kind, body: &[u8]) -> Reply {
    send(&client(), url, &kind.headers(body), body.to_vec()).await
}

#[track_caller]
fn assert_hcp_verified(reply: &Reply) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.json(), serde_json::json!({ "verified": true }));
}

#[tokio::test]
async fn hcp_verification_is_answered_every_time_and_never_handled() {
    let (url, calls) = endpoint(Kind::Hcp.layer()).await;
    // Sent when the webhook is created, and again whenever it is changed: each time the
    // answer is the handshake's, never `{"duplicate":true}`.
    for _ in 0..3 {
        let reply = deliver(&url, Kind::Hcp, HCP_VERIFICATION).await;
        assert_hcp_verified(&reply);
        assert!(!reply.is_duplicate());
    }
    assert_eq!(calls.get(), 0, "the handshake reached the handler");

    // Ordinary HCP events on the same endpoint are handled once.
    assert_eq!(deliver(&url, Kind::Hcp, HCP_EVENT).await.status, 202);
    assert_duplicate(&deliver(&url, Kind::Hcp, HCP_EVENT).await);
    assert_eq!(calls.get(), 1);
}

#[tokio::test]
async fn hcp_verification_with_a_bad_signature_is_refused() {
    let (url, calls) = endpoint(Kind::Hcp.layer()).await;
    let forged = "0".repeat(128); // hex HMAC-SHA512 length
    let headers = replaced(
        Kind::Hcp.headers(HCP_VERIFICATION),
        "X-HCP-Webhook-Signature",
        &forged,
    );
    let reply = send(&client(), &url, &headers, HCP_VERIFICATION.to_vec()).await;
    assert_rejected(&reply, 401, "signature_mismatch");
    assert_eq!(calls.get(), 0);
}

#[tokio::test]
async fn slack_url_verification_echoes_the_challenge_as_text() {
    let (url, calls) = endpoint(Kind::Slack.layer()).await;
    for _ in 0..2 {
        let reply = deliver(&url, Kind::Slack, SLACK_CHALLENGE).await;
        assert_eq!((reply.status, reply.text()), (200, "abc123"), "{reply:?}");
        let content_type = reply.header("content-type").unwrap();
        assert!(content_type.starts_with("text/plain"), "{content_type}");
    }
    assert_eq!(calls.get(), 0, "the handshake reached the handler");
}

/// A signed `url_verification` whose challenge cannot be echoed is refused, and never
/// handed to the handler as an event.
#[tokio::test]
async fn a_slack_challenge_that_cannot_be_echoed_is_refused_not_handled() {
    let (url, calls) = endpoint(Kind::Slack.layer()).await;
    let body = br#"{"token":"x","challenge":"<script>x</script>","type":"url_verification"}"#;
    let reply = deliver(&url, Kind::Slack, body).await;
    assert_rejected(&reply, 403, "challenge_refused");
    assert_eq!(calls.get(), 0, "the handshake reached the handler");
}

#[tokio::test]
async fn frappe_webhook_validate_is_answered_ok() {
    let (url, calls) = endpoint(Kind::Frappe.layer()).await;
    for _ in 0..2 {
        let reply = deliver(&url, Kind::Frappe, FRAPPE_VALIDATE).await;
        assert_eq!((reply.status, reply.text()), (200, "OK"), "{reply:?}");
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with("text/plain")
        );
    }
    assert_eq!(calls.get(), 0, "the handshake reached the handler");

    // A wrong token is refused, handshake or not.
    let wrong = vec![("X-Webhook-Secret".to_owned(), "guess".to_owned())];
    let reply = send(&client(), &url, &wrong, FRAPPE_VALIDATE.to_vec()).await;
    assert_rejected(&reply, 401, "signature_mismatch");
    assert_eq!(calls.get(), 0);
}

#[tokio::test]
async fn with_handshakes_off_the_handshake_reaches_the_handler() {
    for (kind, body) in [
        (Kind::Hcp, HCP_VERIFICATION),
        (Kind::Slack, SLACK_CHALLENGE),
        (Kind::Frappe, FRAPPE_VALIDATE),
    ] {
        let (url, calls) =
            endpoint(WebhookLayer::from(kind.receiver().with_handshakes(false))).await;
        let reply = deliver(&url, kind, body).await;
        assert_eq!(
            (reply.status, reply.text()),
            (202, "handled"),
            "{kind:?}: {reply:?}"
        );
        assert_eq!(calls.get(), 1, "{kind:?}");
        // Now an ordinary event: remembered like any other.
        assert_duplicate(&deliver(&url, kind, body).await);
        assert_eq!(calls.get(), 1, "{kind:?}");
    }
}
