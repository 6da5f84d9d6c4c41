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
//! The public-key presets (issue #15: Discord's Ed25519, SendGrid's ECDSA P-256) are
//! measured against the bare crate verify of the same bytes instead: `ed25519-dalek`'s
//! `verify_strict` of `{t}{body}`, already concatenated, with the signature already decoded
//! from hex; `p256`'s `verify_prehash` of the SHA-256 of `{t}` and `{body}`, fed one after
//! the other, with the signature already decoded from base64 DER. hookshield's figure is a
//! whole `verify_request` through an `http::HeaderMap`, on the system clock (the request is
//! signed "now", so the window passes): headers, hex or base64 decoding, the DER decode,
//! the concatenation (Ed25519), the window, the event id.
//!
//! The user's path (issue #16, groups `headermap-github` and `headermap-standard-webhooks`,
//! feature `http`): a whole `verify_request` through an `http::HeaderMap` read by
//! hookshield-core's own lookup for it (by the `http::HeaderName`s parsed when the scheme
//! was built), on the system clock, as every request through the tower layer is verified;
//! against the bare HMAC of the same bytes, at the four sizes. The groups above measure
//! `(name, value)` pairs on a fixed clock instead.
//!
//! Run: `cargo bench -p hookshield-core --bench verify --features http`, then
//! `python3 scripts/bench_ratios.py` for the table of ratios (`-- 'discord|sendgrid'` and
//! `python3 scripts/bench_ratios.py keys` for the public-key groups alone; `-- headermap`
//! and `python3 scripts/bench_ratios.py headermap` for the user's path). Without the
//! feature the `headermap-` groups are not built, and the public-key groups read their
//! `http::HeaderMap` by each name's text.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use hmac::{Hmac, KeyInit, Mac};
use hookshield_core::HeaderLookup;
use hookshield_core::{
    Algorithm, PrivateKey, PublicKey, RequestContext, SchemeBuilder, Secret, SignOptions, Signer,
    Verifier, presets,
};
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use p256::pkcs8::DecodePublicKey as _;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
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

/// The body sizes of the public-key groups: the curve arithmetic (tens to hundreds of µs)
/// hides everything else well before 16 KiB.
const KEY_SIZES: [usize; 2] = [256, 1024];

/// Builds the floor's closure from (public key, signature header value, timestamp, body).
type KeyFloor = fn(&PublicKey, &str, &[u8], Vec<u8>) -> Box<dyn Fn()>;

struct KeyCase {
    name: &'static str,
    scheme: fn() -> SchemeBuilder,
    algorithm: Algorithm,
    signature_header: &'static str,
    timestamp_header: &'static str,
    body: fn(usize) -> Vec<u8>,
    /// The floor's function name in the group (`scripts/bench_ratios.py` reads it).
    floor_name: &'static str,
    /// The bare crate verify of the same signed bytes.
    floor: KeyFloor,
}

fn key_cases() -> Vec<KeyCase> {
    vec![
        KeyCase {
            name: "discord",
            scheme: presets::discord,
            algorithm: Algorithm::Ed25519,
            signature_header: "X-Signature-Ed25519",
            timestamp_header: "X-Signature-Timestamp",
            // An interaction, its snowflake `id` first.
            body: |size| body(size, "id", ID),
            floor_name: "bare-ed25519",
            floor: |public, signature, timestamp, body| {
                let mut bytes = [0u8; 32];
                const_hex::decode_to_slice(public.to_text(), &mut bytes).unwrap();
                let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes).unwrap();
                let signature =
                    ed25519_dalek::Signature::from_slice(&const_hex::decode(signature).unwrap())
                        .unwrap();
                let message = [timestamp, &body].concat();
                Box::new(move || {
                    key.verify_strict(black_box(&message), &signature).unwrap();
                })
            },
        },
        KeyCase {
            name: "sendgrid",
            scheme: presets::sendgrid,
            algorithm: Algorithm::EcdsaP256Sha256,
            signature_header: "X-Twilio-Email-Event-Webhook-Signature",
            timestamp_header: "X-Twilio-Email-Event-Webhook-Timestamp",
            // A batch: a JSON array of events.
            body: |size| {
                let mut batch = vec![b'['];
                batch.extend(body(size.saturating_sub(2), "sg_event_id", ID));
                batch.push(b']');
                batch
            },
            floor_name: "bare-p256",
            floor: |public, signature, timestamp, body| {
                let der = STANDARD.decode(public.to_text()).unwrap();
                let key = p256::ecdsa::VerifyingKey::from_public_key_der(&der).unwrap();
                let signature =
                    p256::ecdsa::Signature::from_der(&STANDARD.decode(signature).unwrap()).unwrap();
                let timestamp = timestamp.to_vec();
                Box::new(move || {
                    let digest = Sha256::new_with_prefix(black_box(&timestamp))
                        .chain_update(black_box(&body))
                        .finalize();
                    key.verify_prehash(&digest, &signature).unwrap();
                })
            },
        },
    ]
}

/// The public-key groups' headers: the `http::HeaderMap` itself, read by hookshield-core's
/// lookup for it (feature `http`), as the adapters read it.
#[cfg(feature = "http")]
fn lookup(map: http::HeaderMap) -> http::HeaderMap {
    map
}

/// Without the `http` feature: the map read by `get_all` of each name's text.
#[cfg(not(feature = "http"))]
fn lookup(map: http::HeaderMap) -> TextLookup {
    TextLookup(map)
}

/// An `http::HeaderMap` looked up by text, for builds without the `http` feature.
#[cfg(not(feature = "http"))]
struct TextLookup(http::HeaderMap);

#[cfg(not(feature = "http"))]
impl HeaderLookup for TextLookup {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.0
            .get_all(name)
            .into_iter()
            .map(http::HeaderValue::as_bytes)
    }
}

/// Figure `hookshield/<body length>`: a whole `verify_request` of `body` through `headers`,
/// checked once before it is timed.
fn bench_verify_request<H: HeaderLookup>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    verifier: &Verifier,
    request: &RequestContext<'_>,
    headers: &H,
    body: &[u8],
) {
    group.throughput(Throughput::Bytes(body.len() as u64));
    verifier.verify_request(request, headers, body).unwrap();
    group.bench_with_input(
        BenchmarkId::new("hookshield", body.len()),
        body,
        |b, body| {
            b.iter(|| {
                verifier
                    .verify_request(request, black_box(headers), black_box(body))
                    .unwrap()
            });
        },
    );
}

fn bench_public_keys(c: &mut Criterion) {
    for case in key_cases() {
        let mut group = c.benchmark_group(case.name);
        group
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        let key = PrivateKey::parse(case.algorithm, &"2a".repeat(32)).unwrap();
        let public = key.public_key();
        let verifier = Verifier::builder((case.scheme)())
            .public_key(public.clone())
            .build()
            .unwrap();
        let signer = Signer::with_private_key((case.scheme)(), key).unwrap();
        let request = RequestContext::new("POST", TARGET);
        for size in KEY_SIZES {
            let body = (case.body)(size);
            assert_eq!(body.len(), size);
            // Signed now, verified on the system clock: the window passes for the minutes
            // the group runs.
            let signed = signer.sign(&body, &SignOptions::new()).unwrap();
            let mut headers = http::HeaderMap::new();
            for (name, value) in signed.iter() {
                headers.append(
                    http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    http::HeaderValue::from_str(value).unwrap(),
                );
            }
            bench_verify_request(&mut group, &verifier, &request, &lookup(headers), &body);
            let signature = signed.get(case.signature_header).unwrap();
            let timestamp = signed.get(case.timestamp_header).unwrap();
            let run = (case.floor)(&public, signature, timestamp.as_bytes(), body);
            run();
            group.bench_function(BenchmarkId::new(case.floor_name, size), |b| b.iter(&run));
        }
        group.finish();
    }
}

/// The user's path (issue #16): a whole `verify_request` through an `http::HeaderMap`,
/// read by hookshield-core's own `HeaderLookup` for it (feature `http`), on the system
/// clock, as every request through the tower layer is verified. The request is signed
/// "now", so the window passes for the seconds each size runs. The map holds the headers a
/// provider's request carries besides the signature's (host, user agent, content type and
/// length), as a server hands them over.
#[cfg(feature = "http")]
fn bench_user_path(c: &mut Criterion) {
    for case in cases()
        .into_iter()
        .filter(|case| matches!(case.name, "github" | "standard-webhooks"))
    {
        let mut group = c.benchmark_group(format!("headermap-{}", case.name));
        group
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        let verifier = Verifier::builder((case.scheme)())
            .encoded_secret(case.secret)
            .build()
            .unwrap();
        let request = RequestContext::new("POST", TARGET);
        let key: Secret = verifier.scheme().parse_secret(case.secret).unwrap();
        let signer = Signer::new((case.scheme)(), key.clone()).unwrap();
        for size in SIZES {
            let body = body(size, case.id_field, ID);
            let now = OffsetDateTime::now_utc();
            let signed = signer
                .sign(&body, &SignOptions::new().timestamp(now).id(ID))
                .unwrap();
            let headers = header_map(&signed, size);
            bench_verify_request(&mut group, &verifier, &request, &headers, &body);
            // The floor of the same bytes: GitHub's is the body; Standard Webhooks' is
            // `{id}.{t}.{body}` with the timestamp just signed.
            let parts: Vec<&[u8]> = match case.name {
                "github" => vec![&body],
                _ => {
                    let t = signed.get("webhook-timestamp").unwrap();
                    vec![ID.as_bytes(), b".", t.as_bytes(), b".", &body]
                }
            };
            let run = floor::<Hmac<Sha256>>(key.expose(), &parts);
            group.bench_function(BenchmarkId::new("bare-hmac", size), |b| b.iter(&run));
        }
        group.finish();
    }
}

/// The signed headers in an `http::HeaderMap`, after those every request carries.
#[cfg(feature = "http")]
fn header_map(signed: &hookshield_core::SignedHeaders, size: usize) -> http::HeaderMap {
    use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, USER_AGENT};
    let mut headers = http::HeaderMap::new();
    headers.insert(HOST, http::HeaderValue::from_static("hooks.example.com"));
    headers.insert(
        USER_AGENT,
        http::HeaderValue::from_static("Provider-Hookshot/1.0"),
    );
    headers.insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    headers.insert(CONTENT_LENGTH, http::HeaderValue::from(size));
    for (name, value) in signed.iter() {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_str(value).unwrap(),
        );
    }
    headers
}

#[cfg(feature = "http")]
criterion_group!(benches, bench, bench_public_keys, bench_user_path);
#[cfg(not(feature = "http"))]
criterion_group!(benches, bench, bench_public_keys);
criterion_main!(benches);
