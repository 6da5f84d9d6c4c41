//! `verify` against the bare HMAC of the same bytes, measured in the same run.
//!
//! The floor is what a hand-written receiver does at the least: key an HMAC from the
//! secret, feed it the signed bytes, finalize. hookshield's `verify` does that plus reading
//! and decoding the headers, the constant-time comparison, the window check and (Stripe,
//! HCP, Paddle, PagerDuty's nested `event.id`) reading the event id from the JSON body.
//!
//! Run: `cargo bench -p hookshield-core --bench verify`, then
//! `python3 scripts/bench_ratios.py` for the table of ratios.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::Hmac;
use hookshield_core::{SchemeBuilder, Secret, SignOptions, Signer, Verifier, presets};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use time::OffsetDateTime;

mod support;

use support::{SIZES, body, floor};

const NOW: i64 = 1_700_000_000;
const ID: &str = "evt_1NG8Du2eZvKYlo2CUI79vXWy";
const TEXT_SECRET: &str = "whsec_bench_secret_0123456789abcdef";
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

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
            .build()
            .unwrap();
        let key: Secret = verifier.scheme().parse_secret(case.secret).unwrap();
        let signer = Signer::new((case.scheme)(), key.clone()).unwrap();
        for size in SIZES {
            let body = body(size, case.id_field, ID);
            let headers = signer
                .sign(&body, &SignOptions::new().timestamp(now).id(ID))
                .unwrap()
                .into_vec();
            group.throughput(Throughput::Bytes(size as u64));
            verifier.verify_at(&headers, &body, now).unwrap();
            group.bench_with_input(BenchmarkId::new("hookshield", size), &body, |b, body| {
                b.iter(|| {
                    verifier
                        .verify_at(black_box(&headers), black_box(body), now)
                        .unwrap()
                });
            });
            let run = (case.floor)(key.expose(), ID.as_bytes(), body);
            group.bench_function(BenchmarkId::new("bare-hmac", size), |b| b.iter(&run));
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
