//! axum's `Router::nest` hands the routes inside it their path without the mount prefix,
//! as a proxy that strips a prefix does, so the layer of a URL-signing preset sees
//! `/twilio` where Twilio signed `…/hooks/twilio`: the prefix belongs in the public URL.
//! (actix-web's scopes keep the full path; `tests/conformance` covers them.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::tower::WebhookLayer;
use hookshield::{Secret, SignOptions, Signer, Verifier, presets};
use support::{Headers, assert_rejected, client, send, serve};

const TOKEN: &str = "12345";
const BODY: &str = "CallSid=CA1234567890ABCDE&From=%2B14158675309";
const SIGNED_URL: &str = "https://mycompany.com/hooks/twilio?foo=1";

fn layer(public_url: &str) -> WebhookLayer {
    let verifier = Verifier::builder(presets::twilio())
        .encoded_secret(TOKEN)
        .public_url(public_url)
        .build()
        .unwrap();
    WebhookLayer::new(verifier)
}

async fn nested(public_url: &str) -> String {
    let inner = Router::new().route(
        "/twilio",
        post(|| async { StatusCode::NO_CONTENT }).layer(layer(public_url)),
    );
    let addr = serve(Router::new().nest("/hooks", inner)).await;
    format!("http://{addr}/hooks/twilio?foo=1")
}

fn signed() -> Headers {
    Signer::new(presets::twilio(), Secret::from_text(TOKEN).unwrap())
        .unwrap()
        .sign(BODY.as_bytes(), &SignOptions::new().url(SIGNED_URL))
        .unwrap()
        .into_vec()
}

#[tokio::test]
async fn the_nest_prefix_goes_in_the_public_url() {
    let client = client();
    let with_prefix = nested("https://mycompany.com/hooks").await;
    let reply = send(&client, &with_prefix, &signed(), BODY).await;
    assert_eq!(reply.status, 204, "{reply:?}");

    let without = nested("https://mycompany.com").await;
    let reply = send(&client, &without, &signed(), BODY).await;
    assert_rejected(&reply, 401, "signature_mismatch");
}
