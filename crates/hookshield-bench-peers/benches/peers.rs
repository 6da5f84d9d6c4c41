//! hookshield against the other Rust webhook verifiers and the bare HMAC, issue #7.
//!
//! In the same run, on the same bytes (one correctly signed request per body size):
//!
//! - `peers-standard-webhooks`: hookshield, `svix`, `standardwebhooks`, `webhook-verify`
//!   and the bare HMAC-SHA256 of `{id}.{t}.{body}`;
//! - `peers-github` (`X-Hub-Signature-256: sha256=…`): hookshield, `webhook-verify`, bare
//!   HMAC-SHA256 of the body;
//! - `peers-civo` (HMAC-SHA1) and `peers-hcp` (HMAC-SHA512): hookshield, `webhook-verify`'s
//!   `Provider::Custom` (the only peer that can express them), bare HMAC of the body.
//!
//! Every verifier uses its own API the way a receiver would, built once where the API allows
//! it (hookshield's `Verifier`, svix's and standardwebhooks' `Webhook`), and does its own
//! timestamp check where it has one: hookshield and `webhook-verify` are given the signing
//! time as "now" (`verify_at`, an injected `Clock`); `svix` and `standardwebhooks` read the
//! system clock and cannot be given one, so Standard Webhooks requests are signed with the
//! real time, again for each body size. hookshield and `webhook-verify` read headers from a
//! `Vec<(String, String)>`; `svix` and `standardwebhooks` only take an `http::HeaderMap`, so
//! hookshield is measured on one too (`hookshield-headermap`).
//!
//! Run: `scripts/peer_bench.sh` (the bench, then `python3 scripts/bench_ratios.py peers`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use hmac::Hmac;
use hookshield_core::{SchemeBuilder, presets};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use time::OffsetDateTime;
use webhook_verify::{CustomScheme, HashAlg, Provider};

mod common;
#[path = "../../hookshield-core/benches/support/mod.rs"]
mod support;

use common::{FIXED_NOW, ID, SW_SECRET, Signed, TEXT_SECRET, custom, sign, wv_options};
use support::{SIZES, body, floor};

fn to_header_map(pairs: &[(String, String)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        map.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    group
}

fn bench_hookshield(
    g: &mut BenchmarkGroup<'_, WallTime>,
    s: &Signed,
    body: &[u8],
    now: OffsetDateTime,
) {
    g.bench_function(BenchmarkId::new("hookshield", body.len()), |b| {
        b.iter(|| {
            s.verifier
                .verify_at(black_box(&s.headers), black_box(body), now)
                .unwrap()
        });
    });
}

fn bench_webhook_verify(
    g: &mut BenchmarkGroup<'_, WallTime>,
    provider: Provider,
    secret: &str,
    s: &Signed,
    body: &[u8],
    now: OffsetDateTime,
) {
    let secret = webhook_verify::Secret::new(secret);
    let options = wv_options(now);
    webhook_verify::verify(provider, &s.headers, body, &secret, options.clone()).unwrap();
    g.bench_function(BenchmarkId::new("webhook-verify", body.len()), |b| {
        b.iter(|| {
            webhook_verify::verify(
                provider,
                black_box(&s.headers),
                black_box(body),
                &secret,
                options.clone(),
            )
            .unwrap();
        });
    });
}

fn standard_webhooks(c: &mut Criterion) {
    let mut g = group(c, "peers-standard-webhooks");
    let svix = svix::webhooks::Webhook::new(SW_SECRET).unwrap();
    let standard = standardwebhooks::Webhook::new(SW_SECRET).unwrap();
    for size in SIZES {
        g.throughput(Throughput::Bytes(size as u64));
        let body = body(size, "type", ID);
        // svix and standardwebhooks check against the system clock: sign with the real time.
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let s = sign(presets::standard_webhooks, SW_SECRET, &body, now);
        let map = to_header_map(&s.headers);
        svix.verify(&body, &map).unwrap();
        standard.verify(&body, &map).unwrap();

        bench_hookshield(&mut g, &s, &body, now);
        g.bench_function(BenchmarkId::new("hookshield-headermap", size), |b| {
            b.iter(|| {
                s.verifier
                    .verify_at(black_box(&map), black_box(&body), now)
                    .unwrap()
            });
        });
        g.bench_function(BenchmarkId::new("svix", size), |b| {
            b.iter(|| svix.verify(black_box(&body), black_box(&map)).unwrap());
        });
        g.bench_function(BenchmarkId::new("standardwebhooks", size), |b| {
            b.iter(|| standard.verify(black_box(&body), black_box(&map)).unwrap());
        });
        bench_webhook_verify(
            &mut g,
            Provider::StandardWebhooks,
            SW_SECRET,
            &s,
            &body,
            now,
        );
        let t = now.unix_timestamp().to_string();
        let run = floor::<Hmac<Sha256>>(
            s.key.expose(),
            &[ID.as_bytes(), b".", t.as_bytes(), b".", &body],
        );
        g.bench_function(BenchmarkId::new("bare-hmac", size), |b| b.iter(&run));
    }
    g.finish();
}

fn github(c: &mut Criterion) {
    let mut g = group(c, "peers-github");
    let now = OffsetDateTime::from_unix_timestamp(FIXED_NOW).unwrap();
    for size in SIZES {
        g.throughput(Throughput::Bytes(size as u64));
        let body = body(size, "action", ID);
        let s = sign(presets::github, TEXT_SECRET, &body, now);
        bench_hookshield(&mut g, &s, &body, now);
        bench_webhook_verify(&mut g, Provider::GitHub, TEXT_SECRET, &s, &body, now);
        let run = floor::<Hmac<Sha256>>(s.key.expose(), &[&body]);
        g.bench_function(BenchmarkId::new("bare-hmac", size), |b| b.iter(&run));
    }
    g.finish();
}

/// Builds the floor's closure from (key, body).
type Floor = fn(&[u8], &[u8]) -> Box<dyn Fn()>;

/// Civo and HCP: hex HMAC of the body in one header, which `webhook-verify` can only express
/// as a `Provider::Custom` (its `signed_string` returns an owned copy of the signed bytes).
fn body_only(
    c: &mut Criterion,
    name: &str,
    scheme: fn() -> SchemeBuilder,
    custom: CustomScheme,
    id_field: &str,
    floor: Floor,
) {
    let mut g = group(c, name);
    let now = OffsetDateTime::from_unix_timestamp(FIXED_NOW).unwrap();
    for size in SIZES {
        g.throughput(Throughput::Bytes(size as u64));
        let body = body(size, id_field, ID);
        let s = sign(scheme, TEXT_SECRET, &body, now);
        bench_hookshield(&mut g, &s, &body, now);
        bench_webhook_verify(
            &mut g,
            Provider::Custom(custom),
            TEXT_SECRET,
            &s,
            &body,
            now,
        );
        let run = floor(s.key.expose(), &body);
        g.bench_function(BenchmarkId::new("bare-hmac", size), |b| b.iter(&run));
    }
    g.finish();
}

fn civo_hcp(c: &mut Criterion) {
    body_only(
        c,
        "peers-civo",
        presets::civo,
        custom(HashAlg::Sha1, "X-Civo-Signature"),
        "event",
        |key, body| Box::new(floor::<Hmac<Sha1>>(key, &[body])),
    );
    body_only(
        c,
        "peers-hcp",
        presets::hcp,
        custom(HashAlg::Sha512, "X-HCP-Webhook-Signature"),
        "event_id",
        |key, body| Box::new(floor::<Hmac<Sha512>>(key, &[body])),
    );
}

criterion_group!(benches, standard_webhooks, github, civo_hcp);
criterion_main!(benches);
