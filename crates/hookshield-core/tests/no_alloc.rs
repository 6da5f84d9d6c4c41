//! A valid request verified through an `http::HeaderMap` on the system clock, as every
//! request through the tower layer is, allocates nothing: header names are looked up by
//! the `http::HeaderName`s parsed when the scheme was built, the clock is read as a number,
//! and the event id is held in place in `Verified`.
//!
//! Allocations are counted per thread by `allocation-counter`'s global allocator (this
//! test binary's own, so no other test's allocations are counted).
#![cfg(feature = "http")]
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use allocation_counter::measure;
use hookshield_core::{
    RequestContext, SchemeBuilder, SignOptions, SignedHeaders, Signer, Verifier, presets,
};

/// The headers as a server hands them over, the signed ones after those every request
/// carries.
fn header_map(signed: &SignedHeaders) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::HOST, "hooks.example.com".parse().unwrap());
    headers.insert(
        http::header::CONTENT_TYPE,
        "application/json".parse().unwrap(),
    );
    for (name, value) in signed.iter() {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    headers
}

#[test]
fn the_counter_counts() {
    let info = measure(|| drop(black_box(Box::new(7u64))));
    assert_eq!(info.count_total, 1, "the counting allocator is installed");
}

/// A preset, its secret, a body and the event id it is sent with.
struct Case {
    name: &'static str,
    scheme: fn() -> SchemeBuilder,
    secret: &'static str,
    body: &'static [u8],
    id: &'static str,
}

const CASES: [Case; 3] = [
    Case {
        name: "github",
        scheme: presets::github,
        secret: "It's a Secret to Everybody",
        body: br#"{"action":"opened","number":1}"#,
        id: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    },
    Case {
        name: "stripe",
        scheme: presets::stripe,
        secret: "whsec_test_secret",
        // Stripe's id is the body's `id`.
        body: br#"{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event"}"#,
        id: "evt_1NG8Du2eZvKYlo2CUI79vXWy",
    },
    Case {
        name: "standard-webhooks",
        scheme: presets::standard_webhooks,
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        body: br#"{"type":"invoice.paid"}"#,
        id: "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
    },
];

#[test]
fn a_valid_request_allocates_nothing() {
    for case in CASES {
        let Case { name, body, id, .. } = case;
        let verifier = Verifier::builder((case.scheme)())
            .encoded_secret(case.secret)
            .build()
            .unwrap();
        let key = verifier.scheme().parse_secret(case.secret).unwrap();
        // Signed now: the window passes on the system clock.
        let signed = Signer::new((case.scheme)(), key)
            .unwrap()
            .sign(body, &SignOptions::new().id(id))
            .unwrap();
        let headers = header_map(&signed);
        let request = RequestContext::new("POST", "/hooks");
        assert_eq!(verifier.verify(&headers, body).unwrap().event_id(), id);

        let info = measure(|| {
            let verified = verifier.verify(black_box(&headers), black_box(body));
            black_box(verified.unwrap());
        });
        assert_eq!(info.count_total, 0, "{name}: verify allocated {info:?}");
        let info = measure(|| {
            let verified = verifier.verify_request(&request, black_box(&headers), black_box(body));
            black_box(verified.unwrap());
        });
        assert_eq!(
            info.count_total, 0,
            "{name}: verify_request allocated {info:?}"
        );
    }
}
