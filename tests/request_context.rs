//! The request context over real HTTP: a Twilio receiver behind a simulated proxy, whose
//! signed URL is `https://mycompany.com/…` while the app is called on
//! `http://127.0.0.1:<port>/…`. The public URL comes from the configured `public_url`, or
//! from `Forwarded` / `X-Forwarded-*` only when the verifier trusts them; a path prefix the
//! proxy strips is part of the public URL. Then the standalone extractors of axum and
//! actix-web, which answer `GET` challenges and verify with the request context too.
//!
//! Every case runs on every adapter through the conformance machinery
//! (`tests/conformance/{case,expect,routed,run}.rs`): the same exact answers, the same
//! handler runs.

#![cfg(feature = "actix")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

// Each test binary uses a different part of these.
#[allow(dead_code)]
#[path = "conformance/case.rs"]
mod case;
#[allow(dead_code)]
#[path = "conformance/context_cases.rs"]
mod context_cases;
#[allow(dead_code)]
#[path = "conformance/expect.rs"]
mod expect;
#[allow(dead_code)]
#[path = "conformance/hmac_sha256.rs"]
mod hmac_sha256;
#[path = "conformance/routed.rs"]
mod routed;
#[path = "conformance/run.rs"]
mod run;
mod support;

use hookshield::SignOptions;

use case::{Case, get, post_to};
use context_cases::{TWILIO_FORM, TWILIO_TARGET, headers, twilio_form_headers};
use expect::{challenge_text, duplicate, handled, rejected};
use routed::{Preset, Routed, adapters, standalone};
use run::{assert_alike, run_all};
use support::Headers;

/// What the proxy in front of the app says: the request came in over HTTPS for
/// `mycompany.com`, the host Twilio called.
const X_FORWARDED: &[(&str, &str)] = &[
    ("X-Forwarded-Proto", "https"),
    ("X-Forwarded-Host", "mycompany.com"),
];
const FORWARDED: &[(&str, &str)] = &[("Forwarded", "proto=https;host=mycompany.com")];
/// What a client forging its URL says.
const FORGED: &[(&str, &str)] = &[
    ("X-Forwarded-Proto", "http"),
    ("X-Forwarded-Host", "evil.example"),
];

/// Twilio's published form request with `extra` headers.
fn twilio_with(extra: &[(&str, &str)]) -> Headers {
    let mut all = twilio_form_headers();
    all.extend(headers(extra));
    all
}

/// The form request as Twilio signs it for `url`.
fn twilio_signed_for(url: &str) -> Headers {
    let options = SignOptions::new().url(url).id("prefix-delivery");
    let mut headers = Preset::Twilio
        .signer()
        .sign(TWILIO_FORM, &options)
        .expect("sign")
        .into_vec();
    headers.push((
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    ));
    headers
}

fn proxy_cases() -> Vec<Case> {
    let twilio = Routed::new(Preset::Twilio);
    let trusting = twilio.trust_forwarded(true);
    let mycompany = twilio.public_url("https://mycompany.com");
    let mismatch = || rejected(401, "signature_mismatch");
    let mut cases = Vec::new();

    // No public URL: the trusted forwarded headers give it.
    cases.push(
        Case::new("trusted X-Forwarded-Proto and -Host give the URL", trusting)
            .answers(
                post_to(TWILIO_TARGET, twilio_with(X_FORWARDED), TWILIO_FORM),
                handled(),
            )
            .answers(
                post_to(TWILIO_TARGET, twilio_with(X_FORWARDED), TWILIO_FORM),
                duplicate(),
            )
            .runs(1)
            .bodies(&[TWILIO_FORM]),
    );
    cases.push(
        Case::new("trusted Forwarded gives the URL", trusting)
            .answers(
                post_to(TWILIO_TARGET, twilio_with(FORWARDED), TWILIO_FORM),
                handled(),
            )
            .runs(1),
    );
    // `Forwarded` wins over `X-Forwarded-*`.
    let both: Vec<(&str, &str)> = FORWARDED.iter().chain(FORGED).copied().collect();
    cases.push(
        Case::new("trusted Forwarded wins over X-Forwarded-*", trusting)
            .answers(
                post_to(TWILIO_TARGET, twilio_with(&both), TWILIO_FORM),
                handled(),
            )
            .runs(1),
    );
    // Without a forwarded host, `Host` gives it.
    cases.push(
        Case::new("trusted X-Forwarded-Proto with the Host header", trusting)
            .answers(
                post_to(
                    TWILIO_TARGET,
                    twilio_with(&[("X-Forwarded-Proto", "https"), ("Host", "mycompany.com")]),
                    TWILIO_FORM,
                ),
                handled(),
            )
            .runs(1),
    );
    cases.push(
        Case::new("unreadable trusted forwarded headers", trusting)
            .answers(
                post_to(
                    TWILIO_TARGET,
                    twilio_with(&[("X-Forwarded-Proto", "gopher"), X_FORWARDED[1]]),
                    TWILIO_FORM,
                ),
                rejected(400, "malformed_header"),
            )
            .answers(
                post_to(
                    TWILIO_TARGET,
                    twilio_with(&[X_FORWARDED[0], X_FORWARDED[1], X_FORWARDED[1]]),
                    TWILIO_FORM,
                ),
                rejected(400, "malformed_header"),
            ),
    );

    // The same headers, not trusted: the configured public URL (another one) is used.
    let elsewhere = twilio.public_url("https://other.example");
    cases.push(
        Case::new("untrusted forwarded headers are ignored", elsewhere)
            .answers(
                post_to(TWILIO_TARGET, twilio_with(X_FORWARDED), TWILIO_FORM),
                mismatch(),
            )
            .answers(
                post_to(TWILIO_TARGET, twilio_with(FORWARDED), TWILIO_FORM),
                mismatch(),
            ),
    );
    // A client cannot choose its URL unless the forwarded headers are trusted.
    let forged_forwarded = [("Forwarded", "proto=http;host=evil.example")];
    cases.push(
        Case::new(
            "a forged X-Forwarded-Host is ignored without trust",
            mycompany,
        )
        .answers(
            post_to(TWILIO_TARGET, twilio_with(FORGED), TWILIO_FORM),
            handled(),
        )
        .answers(
            post_to(TWILIO_TARGET, twilio_with(&forged_forwarded), TWILIO_FORM),
            duplicate(),
        )
        .runs(1),
    );
    cases.push(
        Case::new(
            "a forged X-Forwarded-Host is believed with trust",
            mycompany.trust_forwarded(true),
        )
        .answers(
            post_to(TWILIO_TARGET, twilio_with(FORGED), TWILIO_FORM),
            mismatch(),
        )
        // What the headers leave out is the public URL's.
        .answers(
            post_to(
                TWILIO_TARGET,
                twilio_with(&[("X-Forwarded-Proto", "https")]),
                TWILIO_FORM,
            ),
            handled(),
        )
        .runs(1),
    );

    // A proxy that strips `/api`: Twilio signed https://mycompany.com/api/myapp.php?…
    let prefixed = twilio_signed_for("https://mycompany.com/api/myapp.php?foo=1&bar=2");
    cases.push(
        Case::new(
            "public URL with the path prefix the proxy strips",
            twilio.public_url("https://mycompany.com/api"),
        )
        .answers(
            post_to(TWILIO_TARGET, prefixed.clone(), TWILIO_FORM),
            handled(),
        )
        .runs(1),
    );
    cases.push(
        Case::new("public URL without the prefix", mycompany).answers(
            post_to(TWILIO_TARGET, prefixed.clone(), TWILIO_FORM),
            mismatch(),
        ),
    );
    let mut with_prefix = prefixed;
    with_prefix.push(("X-Forwarded-Prefix".to_owned(), "/api".to_owned()));
    cases.push(
        Case::new(
            "trusted X-Forwarded-Prefix",
            mycompany.trust_forwarded(true),
        )
        .answers(post_to(TWILIO_TARGET, with_prefix, TWILIO_FORM), handled())
        .runs(1),
    );
    cases
}

fn standalone_cases() -> Vec<Case> {
    let meta = Routed::new(Preset::Meta);
    let challenge = |token: &str| {
        format!(
            "/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}"
        )
    };
    let twilio = Routed::new(Preset::Twilio).public_url("https://mycompany.com");
    vec![
        Case::new("Meta GET challenge, standalone", meta)
            .answers(
                get(&challenge("meatyhamhock"), Vec::new()),
                challenge_text("1158201444"),
            )
            .answers(
                get(&challenge("guess"), Vec::new()),
                rejected(403, "challenge_refused"),
            )
            .answers(
                get("/webhooks/meta", Vec::new()),
                rejected(401, "missing_header"),
            ),
        // No replay protection: the copy reaches the handler too.
        Case::new("Twilio form request, standalone", twilio)
            .answers(
                post_to(TWILIO_TARGET, twilio_form_headers(), TWILIO_FORM),
                handled(),
            )
            .answers(
                post_to(TWILIO_TARGET, twilio_form_headers(), TWILIO_FORM),
                handled(),
            )
            .answers(
                post_to("/myapp.php?foo=1&bar=3", twilio_form_headers(), TWILIO_FORM),
                rejected(401, "signature_mismatch"),
            )
            .runs(2)
            .bodies(&[TWILIO_FORM, TWILIO_FORM]),
        Case::new(
            "Twilio behind a trusted proxy, standalone",
            Routed::new(Preset::Twilio).trust_forwarded(true),
        )
        .answers(
            post_to(TWILIO_TARGET, twilio_with(X_FORWARDED), TWILIO_FORM),
            handled(),
        )
        .answers(
            post_to(TWILIO_TARGET, twilio_with(FORGED), TWILIO_FORM),
            rejected(401, "signature_mismatch"),
        )
        .runs(1),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_adapter_verifies_behind_a_proxy_alike() {
    let cases = proxy_cases();
    let (count, total) = (adapters().len(), cases.len());
    let (failures, _) = run_all(adapters(), cases).await;
    assert_alike(&failures, total, count);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standalone_extractors_use_the_request_context() {
    let cases = standalone_cases();
    let (count, total) = (standalone().len(), cases.len());
    let (failures, _) = run_all(standalone(), cases).await;
    assert_alike(&failures, total, count);
}
