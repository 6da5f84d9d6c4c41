//! `verify` against the bare HMAC of the same bytes, measured in the same run.
//!
//! The floor is what a hand-written receiver does at the least: key an HMAC from the
//! secret, feed it the signed bytes, finalize. hookshield's `verify` does that plus reading
//! and decoding the headers, the constant-time comparison, the window check and (Stripe,
//! HCP, Paddle, PagerDuty's nested `event.id`) reading the event id from the JSON body.
//! Every figure goes through `verify_request`, the path the adapters take; Square also
//! joins the public URL with the target (its floor is the HMAC of the joined bytes), and
//! Twilio parses and sorts the form fields (its floor decodes and sorts them too, as any
//! Twilio verifier must, then MACs them).
//!
//! Run: `cargo bench -p hookshield-core --bench verify`, then
//! `python3 scripts/bench_ratios.py` for the table of ratios.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use hookshield_core::{
    RequestContext, SchemeBuilder, Secret, SignOptions, Signer, Verifier, presets,
};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use time::OffsetDateTime;

mod support;

use support::{SIZES, body, floor};

const NOW: i64 = 1_700_000_000;
const ID: &str = "evt_1NG8Du2eZvKYlo2CUI79vXWy";
const TEXT_SECRET: &str = "whsec_bench_secret_0123456789abcdef";
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PUBLIC_URL: &str = "https://hooks.example.com";
const TARGET: &str = "/webhooks/provider?tenant=7";
const URL: &str = "https://hooks.example.com/webhooks/provider?tenant=7";

/// Builds the floor's closure from (key, id, body).
type Floor = fn(&[u8], &[u8], Vec<u8>) -> Box<dyn Fn()>;

struct Case {
    name: &'static str,
    scheme: fn() -> SchemeBuilder,
    secret: &'static str,
    id_field: &'static str,
    /// The bare HMAC over the same signed bytes.
    floor: Floor,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "github",
            scheme: presets::github,
            secret: TEXT_SECRET,
            id_field: "action",
            floor: |key, _, body| Box::new(floor::<Hmac<Sha256>>(key, &[&body])),
        },
        Case {
            name: "stripe",
            scheme: presets::stripe,
            secret: TEXT_SECRET,
            id_field: "id",
            floor: |key, _, body| {
                Box::new(floor::<Hmac<Sha256>>(
                    key,
                    &[NOW.to_string().as_bytes(), b".", &body],
                ))
            },
        },
        Case {
            name: "standard-webhooks",
            scheme: presets::standard_webhooks,
            secret: SW_SECRET,
            id_field: "type",
            floor: |key, id, body| {
                Box::new(floor::<Hmac<Sha256>>(
                    key,
                    &[id, b".", NOW.to_string().as_bytes(), b".", &body],
                ))
            },
        },
        Case {
            name: "civo",
            scheme: presets::civo,
            secret: TEXT_SECRET,
            id_field: "event",
            floor: |key, _, body| Box::new(floor::<Hmac<Sha1>>(key, &[&body])),
        },
        Case {
            name: "hcp",
            scheme: presets::hcp,
            secret: TEXT_SECRET,
            id_field: "event_id",
            floor: |key, _, body| Box::new(floor::<Hmac<Sha512>>(key, &[&body])),
        },
        Case {
            name: "paddle",
            scheme: presets::paddle,
            secret: TEXT_SECRET,
            id_field: "event_id",
            floor: |key, _, body| {
                Box::new(floor::<Hmac<Sha256>>(
                    key,
                    &[NOW.to_string().as_bytes(), b":", &body],
                ))
            },
        },
        Case {
            name: "square",
            scheme: presets::square,
            secret: TEXT_SECRET,
            id_field: "event_id",
            floor: |key, _, body| Box::new(floor::<Hmac<Sha256>>(key, &[URL.as_bytes(), &body])),
        },
        Case {
            name: "twilio",
            scheme: presets::twilio,
            secret: TEXT_SECRET,
            id_field: "",
            floor: |key, _, body| {
                // What any Twilio verifier does: decode the fields, sort them, then MAC the
                // URL and every name and value.
                let key = key.to_vec();
                Box::new(move || {
                    let mut fields: Vec<_> = form_urlencoded::parse(&body).collect();
                    fields.sort();
                    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(&key).unwrap();
                    mac.update(URL.as_bytes());
                    for (name, value) in &fields {
                        mac.update(name.as_bytes());
                        mac.update(value.as_bytes());
                    }
                    black_box(mac.finalize().into_bytes());
                })
            },
        },
        Case {
            name: "pagerduty",
            scheme: presets::pagerduty,
            secret: TEXT_SECRET,
            id_field: "event.id",
            floor: |key, _, body| Box::new(floor::<Hmac<Sha256>>(key, &[&body])),
        },
    ]
}

fn bench(c: &mut Criterion) {
    let now = OffsetDateTime::from_unix_timestamp(NOW).unwrap();
    for case in cases() {
        let mut group = c.benchmark_group(case.name);
        group
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        let verifier = Verifier::builder((case.scheme)())
            .encoded_secret(case.secret)
            .public_url(PUBLIC_URL)
            .build()
            .unwrap();
        let request = RequestContext::new("POST", TARGET);
        let key: Secret = verifier.scheme().parse_secret(case.secret).unwrap();
        let signer = Signer::new((case.scheme)(), key.clone()).unwrap();
        for size in SIZES {
            let body = match case.id_field {
                "" => form_body(size),
                field => body(size, field, ID),
            };
            let options = SignOptions::new().timestamp(now).id(ID).url(URL);
            let headers = signer.sign(&body, &options).unwrap().into_vec();
            group.throughput(Throughput::Bytes(size as u64));
            verifier
                .verify_request_at(&request, &headers, &body, now)
                .unwrap();
            group.bench_with_input(BenchmarkId::new("hookshield", size), &body, |b, body| {
                b.iter(|| {
                    verifier
                        .verify_request_at(&request, black_box(&headers), black_box(body), now)
                        .unwrap()
                });
            });
            let run = (case.floor)(key.expose(), ID.as_bytes(), body);
            group.bench_function(BenchmarkId::new("bare-hmac", size), |b| b.iter(&run));
        }
        group.finish();
    }
}

/// A Twilio SMS webhook's form of exactly `size` bytes (the message text fills it).
fn form_body(size: usize) -> Vec<u8> {
    let head = "AccountSid=AC0123456789abcdef0123456789abcdef&From=%2B14158675309&MessageSid=SM0123456789abcdef0123456789abcdef&To=%2B18005551212&Body=";
    let mut body = head.as_bytes().to_vec();
    body.extend(std::iter::repeat_n(b'x', size.saturating_sub(head.len())));
    body
}

criterion_group!(benches, bench);
criterion_main!(benches);
