//! Hostile-input catalogue: one table of requests a receiver must refuse (or, for a few
//! odd-but-valid inputs, accept), each with the exact [`Reason`] it is refused for.
//!
//! Every case starts from a request the [`Signer`] produced for a fixed instant and changes
//! one thing: an empty, huge, repeated or non-ASCII header; a timestamp that is not a plain
//! unsigned integer or lies outside the window; a signature in the wrong encoding, of the
//! wrong length, of an unknown version or one too many; a body the scheme cannot read its
//! event id from; a bad secret. Each verification runs under `catch_unwind` (no input may
//! panic), and its kind and status are checked against the rejection table of the design
//! (`DESIGN.md`), not only against the library's own mapping.
//!
//! Cases given as `(name, value)` pairs are also replayed through an `http::HeaderMap`
//! whenever `http` accepts the bytes, and must come out the same.

// clippy.toml's in-test allowances cover `#[test]` functions only, not the helpers below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use hookshield_core::{
    ConfigError, ErrorKind, FixedClock, IdOrigin, MAX_ID_LEN, MAX_SIGNATURES, Reason,
    SchemeBuilder, Secret, SignOptions, Signer, Verified, Verifier, VerifyError, headers, presets,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;
use time::OffsetDateTime;

/// The instant every case is verified at (2023-11-14T22:13:20Z).
const NOW: i64 = 1_700_000_000;

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_BODY: &[u8] = br#"{"type":"invoice.paid","data":{"amount":42}}"#;
const STRIPE_BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"invoice.paid"}"#;
const HCP_BODY: &[u8] = br#"{"event_id":"webhook.event:abc123","event_action":"test"}"#;
const SLACK_BODY: &[u8] = br#"{"type":"event_callback","event_id":"Ev01","event":{}}"#;
const PLAIN_BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;
/// Not UTF-8 at all: bodies are bytes, and the signature covers them as they are.
const BINARY_BODY: &[u8] = b"\xff\xfe\x00\x80binary\xc3\x28\xf0\x28\x8c\xbc";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preset {
    Civo,
    Hcp,
    Github,
    Stripe,
    Slack,
    Shopify,
    StandardWebhooks,
    SharedToken,
}

impl Preset {
    fn builder(self) -> SchemeBuilder {
        match self {
            Self::Civo => presets::civo(),
            Self::Hcp => presets::hcp(),
            Self::Github => presets::github(),
            Self::Stripe => presets::stripe(),
            Self::Slack => presets::slack(),
            Self::Shopify => presets::shopify(),
            Self::StandardWebhooks => presets::standard_webhooks(),
            Self::SharedToken => presets::shared_token("X-Webhook-Secret"),
        }
    }

    /// The secret as the provider's dashboard shows it.
    fn secret(self) -> &'static str {
        match self {
            Self::Civo => "civo-webhook-secret",
            Self::Hcp => "hcp-webhook-token",
            Self::Github => "github-webhook-secret",
            Self::Stripe => "whsec_stripe_text_secret",
            Self::Slack => "8f742231b10e8888abcd99yyyzzz85a5",
            Self::Shopify => "shopify-client-secret",
            Self::StandardWebhooks => SW_SECRET,
            Self::SharedToken => "shared-token-value",
        }
    }

    /// The key bytes behind [`secret`](Self::secret).
    fn key(self) -> Secret {
        self.builder()
            .build()
            .unwrap()
            .parse_secret(self.secret())
            .unwrap()
    }
}

type Pairs = Vec<(String, Vec<u8>)>;

enum Headers {
    /// The slice-of-pairs form (values are raw bytes).
    Pairs(Pairs),
    /// `http::HeaderMap`, for obs-text bytes and repeated values as `http` holds them.
    Map(HeaderMap),
}

#[derive(Debug)]
enum Expect {
    /// Verifies; the event id (`None`: a `sha256:` digest) and where it came from.
    Accept(Option<String>, IdOrigin),
    /// Refused with this reason.
    Reject(Reason),
    /// The verifier cannot even be built.
    Config(ConfigError),
}

struct Case {
    name: &'static str,
    preset: Preset,
    /// The secret text given to the verifier.
    secret: String,
    headers: Headers,
    body: Vec<u8>,
    expect: Expect,
}

fn at(offset: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOW.checked_add(offset).unwrap()).unwrap()
}

fn accept(id: &str, origin: IdOrigin) -> Expect {
    Expect::Accept(Some(id.to_owned()), origin)
}

fn digest() -> Expect {
    Expect::Accept(None, IdOrigin::Digest)
}

/// The headers `preset` sends for `body`, signed `offset` seconds from [`NOW`] with `key`.
fn sign_with(preset: Preset, key: Secret, body: &[u8], offset: i64, id: &str) -> Pairs {
    Signer::new(preset.builder(), key)
        .unwrap()
        .sign(body, &SignOptions::new().timestamp(at(offset)).id(id))
        .unwrap()
        .into_vec()
        .into_iter()
        .map(|(k, v)| (k, v.into_bytes()))
        .collect()
}

fn sign(preset: Preset, body: &[u8], offset: i64, id: &str) -> Pairs {
    sign_with(preset, preset.key(), body, offset, id)
}

fn baseline(preset: Preset, body: &[u8]) -> Pairs {
    sign(preset, body, 0, "msg_1")
}

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Standard Webhooks headers built by hand, for timestamps no `OffsetDateTime` can hold and
/// for timestamps written with leading zeros (signed exactly as sent).
fn sw_raw(id: &str, t: &str, body: &[u8]) -> Pairs {
    let key = Preset::StandardWebhooks.key();
    let mac = hmac256(
        key.expose(),
        &[id.as_bytes(), b".", t.as_bytes(), b".", body],
    );
    vec![
        ("webhook-id".to_owned(), id.as_bytes().to_vec()),
        ("webhook-timestamp".to_owned(), t.as_bytes().to_vec()),
        (
            "webhook-signature".to_owned(),
            format!("v1,{}", B64.encode(mac)).into_bytes(),
        ),
    ]
}

/// A Stripe header built by hand for timestamp `t` (sent as is).
fn stripe_raw(t: &str, body: &[u8]) -> Pairs {
    let mac = hmac256(
        Preset::Stripe.secret().as_bytes(),
        &[t.as_bytes(), b".", body],
    );
    vec![(
        "Stripe-Signature".to_owned(),
        format!("t={t},v1={}", const_hex::encode(mac)).into_bytes(),
    )]
}

/// Every value of header `name` (ASCII case-insensitive).
fn get(h: &Pairs, name: &str) -> Vec<u8> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .unwrap()
}

fn get_str(h: &Pairs, name: &str) -> String {
    String::from_utf8(get(h, name)).unwrap()
}

/// Replaces the value of `name` (adds the header when absent).
fn with(mut h: Pairs, name: &str, value: impl AsRef<[u8]>) -> Pairs {
    h.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    h.push((name.to_owned(), value.as_ref().to_vec()));
    h
}

fn without(mut h: Pairs, name: &str) -> Pairs {
    h.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    h
}

/// Adds one more value of `name`, keeping the existing ones.
fn plus(mut h: Pairs, name: &str, value: impl AsRef<[u8]>) -> Pairs {
    h.push((name.to_owned(), value.as_ref().to_vec()));
    h
}

/// Renames every header starting with `from` to start with `to` instead.
fn renamed(h: Pairs, from: &str, to: &str) -> Pairs {
    h.into_iter()
        .map(|(k, v)| match k.strip_prefix(from) {
            Some(rest) => (format!("{to}{rest}"), v),
            None => (k, v),
        })
        .collect()
}

/// The pairs as an `http::HeaderMap` (repeated names appended), or `None` when `http`
/// refuses a name or value (control characters).
fn to_map(h: &Pairs) -> Option<HeaderMap> {
    let mut map = HeaderMap::new();
    for (k, v) in h {
        let name = HeaderName::from_bytes(k.as_bytes()).ok()?;
        let value = HeaderValue::from_bytes(v).ok()?;
        map.append(name, value);
    }
    Some(map)
}

/// Like [`to_map`], for values `http` must accept (obs-text, tab).
fn map(h: &Pairs) -> Headers {
    Headers::Map(to_map(h).expect("http accepts these header bytes"))
}

/// A Standard Webhooks body whose signature contains `+` or `/` (so that the URL-safe
/// alphabet differs), with its headers.
fn sw_signed_with_b64_specials() -> (Pairs, Vec<u8>) {
    (0u32..)
        .map(|n| {
            let body = format!("{{\"n\":{n}}}").into_bytes();
            (baseline(Preset::StandardWebhooks, &body), body)
        })
        .find(|(h, _)| {
            let sig = get(h, "webhook-signature");
            sig.contains(&b'+') || sig.contains(&b'/')
        })
        .unwrap()
}

/// Like [`sw_signed_with_b64_specials`] for Shopify's bare base64 header.
fn shopify_signed_with_b64_specials() -> (Pairs, Vec<u8>) {
    (0u32..)
        .map(|n| {
            let body = format!("{{\"n\":{n}}}").into_bytes();
            (baseline(Preset::Shopify, &body), body)
        })
        .find(|(h, _)| {
            let sig = get(h, "X-Shopify-Hmac-Sha256");
            sig.contains(&b'+') || sig.contains(&b'/')
        })
        .unwrap()
}

fn url_safe(text: &str) -> String {
    text.replace('+', "-").replace('/', "_")
}

/// Inserts `insert` in the middle of `text`.
fn split_with(text: &str, insert: &str) -> String {
    let (a, b) = text.split_at(text.len() / 2);
    format!("{a}{insert}{b}")
}

fn cases() -> Vec<Case> {
    use Preset::{Civo, Github, Hcp, SharedToken, Shopify, Slack, StandardWebhooks as Sw, Stripe};
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name: &'static str, preset: Preset, headers: Headers, body: &[u8], expect| {
        cases.push(Case {
            name,
            preset,
            secret: preset.secret().to_owned(),
            headers,
            body: body.to_vec(),
            expect,
        });
    };
    let p = Headers::Pairs;

    // ---- Standard Webhooks: headers present, absent, empty, huge, repeated ----
    let sw = baseline(Sw, SW_BODY);
    let sw_sig = get_str(&sw, "webhook-signature");
    let sw_b64 = sw_sig.strip_prefix("v1,").unwrap().to_owned();
    add(
        "sw: valid baseline",
        Sw,
        p(sw.clone()),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: valid baseline through http::HeaderMap",
        Sw,
        map(&sw),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: svix-* header names only",
        Sw,
        p(renamed(sw.clone(), "webhook-", "svix-")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: webhook-signature wins over a garbage svix-signature",
        Sw,
        p(plus(sw.clone(), "svix-signature", "garbage")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: missing signature header",
        Sw,
        p(without(sw.clone(), "webhook-signature")),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: missing timestamp header",
        Sw,
        p(without(sw.clone(), "webhook-timestamp")),
        SW_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "sw: missing id header",
        Sw,
        p(without(sw.clone(), "webhook-id")),
        SW_BODY,
        Expect::Reject(R::MissingId),
    );
    add(
        "sw: no headers at all",
        Sw,
        p(Vec::new()),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: empty signature value",
        Sw,
        p(with(sw.clone(), "webhook-signature", "")),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: signature value of spaces only",
        Sw,
        p(with(sw.clone(), "webhook-signature", "   ")),
        SW_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "sw: empty timestamp value",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", "")),
        SW_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "sw: empty id value",
        Sw,
        p(with(sw.clone(), "webhook-id", "")),
        SW_BODY,
        Expect::Reject(R::MissingId),
    );
    let over = headers::MAX_HEADER_VALUE.checked_add(1).unwrap();
    add(
        "sw: signature value over 8 KiB",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("{sw_sig} {}", "v2,x ".repeat(over / 5)),
        )),
        SW_BODY,
        Expect::Reject(R::HeaderTooLong),
    );
    add(
        "sw: timestamp value over 8 KiB (all digits)",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", "1".repeat(over))),
        SW_BODY,
        Expect::Reject(R::HeaderTooLong),
    );
    add(
        "sw: id value over 8 KiB",
        Sw,
        p(with(sw.clone(), "webhook-id", "a".repeat(over))),
        SW_BODY,
        Expect::Reject(R::HeaderTooLong),
    );
    add(
        "sw: signature of exactly 8 KiB: read, then too long for base64",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!(
                "v1,{}",
                "A".repeat(headers::MAX_HEADER_VALUE.checked_sub(3).unwrap())
            ),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: id of exactly 8 KiB: read, then over MAX_ID_LEN",
        Sw,
        p(with(
            sw.clone(),
            "webhook-id",
            "a".repeat(headers::MAX_HEADER_VALUE),
        )),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: 64 KiB header hookshield does not read",
        Sw,
        p(plus(sw.clone(), "x-padding", "p".repeat(64 * 1024))),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: repeated signature header (identical values)",
        Sw,
        p(plus(sw.clone(), "webhook-signature", sw_sig.as_str())),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated signature header, names differing in case",
        Sw,
        p(plus(sw.clone(), "WEBHOOK-SIGNATURE", "v1,AAAA")),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated signature header in an http::HeaderMap",
        Sw,
        map(&plus(sw.clone(), "webhook-signature", sw_sig.as_str())),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated timestamp header",
        Sw,
        p(plus(sw.clone(), "webhook-timestamp", NOW.to_string())),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated id header",
        Sw,
        p(plus(sw.clone(), "webhook-id", "msg_2")),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: repeated svix-signature when webhook-signature is absent",
        Sw,
        p(plus(
            renamed(sw.clone(), "webhook-", "svix-"),
            "svix-signature",
            sw_sig.as_str(),
        )),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: two huge signature values: repeated is reported first",
        Sw,
        p(vec![
            ("webhook-signature".to_owned(), vec![b'x'; over]),
            ("webhook-signature".to_owned(), vec![b'y'; over]),
        ]),
        SW_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "sw: webhook-signature with svix-timestamp and svix-id (names mixed)",
        Sw,
        p(renamed(
            renamed(sw.clone(), "webhook-timestamp", "svix-timestamp"),
            "webhook-id",
            "svix-id",
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: an empty webhook-timestamp falls back to svix-timestamp",
        Sw,
        p(plus(
            with(sw.clone(), "webhook-timestamp", ""),
            "svix-timestamp",
            NOW.to_string(),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    // ---- Standard Webhooks: timestamps ----
    for (name, t) in [
        ("sw: timestamp -1", "-1"),
        ("sw: timestamp i64::MIN", "-9223372036854775808"),
        (
            "sw: timestamp u64::MAX + 1 (overflow)",
            "18446744073709551616",
        ),
        (
            "sw: timestamp of 20 nines (overflow)",
            "99999999999999999999",
        ),
        ("sw: timestamp 1.5", "1.5"),
        ("sw: timestamp 1e9", "1e9"),
        ("sw: timestamp with a leading space", " 1700000000"),
        ("sw: timestamp with a trailing space", "1700000000 "),
        ("sw: timestamp +123", "+123"),
        ("sw: timestamp in hex 0x10", "0x10"),
        ("sw: timestamp of Arabic-Indic digit three", "\u{663}"),
        (
            "sw: timestamp in Arabic-Indic digits",
            "\u{661}\u{667}\u{660}\u{660}",
        ),
        ("sw: timestamp of fullwidth digits", "\u{ff11}\u{ff17}"),
        ("sw: timestamp with a NUL", "1700000000\0"),
    ] {
        add(
            name,
            Sw,
            p(with(sw.clone(), "webhook-timestamp", t)),
            SW_BODY,
            Expect::Reject(R::TimestampSyntax),
        );
    }
    add(
        "sw: timestamp i64::MAX sent unsigned (valid syntax, MAC covers t)",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", i64::MAX.to_string())),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: timestamp i64::MAX correctly signed",
        Sw,
        p(sw_raw("msg_1", &i64::MAX.to_string(), SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "sw: timestamp u64::MAX correctly signed",
        Sw,
        p(sw_raw("msg_1", &u64::MAX.to_string(), SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "sw: timestamp 0123 (leading zero: allowed digits) correctly signed",
        Sw,
        p(sw_raw("msg_1", "0123", SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "sw: timestamp 0123 sent unsigned",
        Sw,
        p(with(sw.clone(), "webhook-timestamp", "0123")),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: now with a leading zero, signed as sent",
        Sw,
        p(sw_raw("msg_1", "01700000000", SW_BODY)),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: now zero-padded to 20 digits, signed as sent",
        Sw,
        p(sw_raw("msg_1", "00000000001700000000", SW_BODY)),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: now zero-padded to 21 digits (over 20), signed as sent",
        Sw,
        p(sw_raw("msg_1", "000000000001700000000", SW_BODY)),
        SW_BODY,
        Expect::Reject(R::TimestampSyntax),
    );
    add(
        "sw: timestamp 0 (epoch) correctly signed",
        Sw,
        p(sign(Sw, SW_BODY, -NOW, "msg_1")),
        SW_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "sw: stale by 301 s",
        Sw,
        p(sign(Sw, SW_BODY, -301, "msg_1")),
        SW_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "sw: 300 s old (inclusive edge)",
        Sw,
        p(sign(Sw, SW_BODY, -300, "msg_1")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: 301 s in the future",
        Sw,
        p(sign(Sw, SW_BODY, 301, "msg_1")),
        SW_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "sw: 300 s in the future (inclusive edge)",
        Sw,
        p(sign(Sw, SW_BODY, 300, "msg_1")),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    // ---- Standard Webhooks: non-ASCII and control bytes in headers ----
    add(
        "sw: obs-text timestamp (http::HeaderMap)",
        Sw,
        map(&with(sw.clone(), "webhook-timestamp", b"17\xff\xfe00")),
        SW_BODY,
        Expect::Reject(R::TimestampSyntax),
    );
    add(
        "sw: obs-text id, not UTF-8 (http::HeaderMap)",
        Sw,
        map(&with(sw.clone(), "webhook-id", b"msg_\xff\xfe")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: obs-text id, not UTF-8 (pairs)",
        Sw,
        p(with(sw.clone(), "webhook-id", b"\x80")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: obs-text signature (http::HeaderMap)",
        Sw,
        map(&with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}\u{e9}", &sw_b64[1..]),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: obs-text version tag (http::HeaderMap)",
        Sw,
        map(&with(
            sw.clone(),
            "webhook-signature",
            format!("v\u{b9},{sw_b64}"),
        )),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    let utf8_id = "msg_\u{e9}\u{2713}\u{1f600}";
    let sw_utf8 = sign(Sw, SW_BODY, 0, utf8_id);
    add(
        "sw: UTF-8 non-ASCII id, signed (pairs)",
        Sw,
        p(sw_utf8.clone()),
        SW_BODY,
        accept(utf8_id, IdOrigin::Header),
    );
    add(
        "sw: UTF-8 non-ASCII id, signed (http::HeaderMap)",
        Sw,
        map(&sw_utf8),
        SW_BODY,
        accept(utf8_id, IdOrigin::Header),
    );
    add(
        "sw: id with a C1 control (U+0085)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_\u{85}")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with U+0085 (http::HeaderMap)",
        Sw,
        map(&with(sw.clone(), "webhook-id", "msg_\u{85}")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with DEL",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_\x7f")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with a tab (http::HeaderMap allows it)",
        Sw,
        map(&with(sw.clone(), "webhook-id", "msg\t1")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with CR LF (pairs only)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_1\r\nx-injected: 1")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id with NUL (pairs only)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_\x001")),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    let longest = "i".repeat(MAX_ID_LEN);
    add(
        "sw: id of exactly MAX_ID_LEN bytes, signed",
        Sw,
        p(sign(Sw, SW_BODY, 0, &longest)),
        SW_BODY,
        accept(&longest, IdOrigin::Header),
    );
    add(
        "sw: id of MAX_ID_LEN + 1 bytes",
        Sw,
        p(with(
            sw.clone(),
            "webhook-id",
            "i".repeat(MAX_ID_LEN.checked_add(1).unwrap()),
        )),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );
    add(
        "sw: id of MAX_ID_LEN bytes in 2-byte characters (over by bytes)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-id",
            "\u{e9}".repeat(MAX_ID_LEN / 2 + 1),
        )),
        SW_BODY,
        Expect::Reject(R::IdSyntax),
    );

    // ---- Standard Webhooks: signature list and base64 ----
    add(
        "sw: unknown version only (v2,abc)",
        Sw,
        p(with(sw.clone(), "webhook-signature", "v2,abc")),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "sw: Ed25519 v1a entry only (valid base64)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1a,{sw_b64}"),
        )),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "sw: version tag in upper case (V1) is another version",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("V1,{sw_b64}"),
        )),
        SW_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "sw: entry without a comma",
        Sw,
        p(with(sw.clone(), "webhook-signature", "v1")),
        SW_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "sw: valid v1 among unknown versions",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v2,zzz v1a,AAAA {sw_sig}  v0,"),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: 1000 unknown-version entries then a valid v1",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("{}{sw_sig}", "v2,x ".repeat(1000)),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: base64 without padding",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            sw_sig.trim_end_matches('='),
        )),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: base64 with an extra '='",
        Sw,
        p(with(sw.clone(), "webhook-signature", format!("{sw_sig}="))),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 with '=' in the middle",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", split_with(&sw_b64, "=")),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 with a tab inside",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", split_with(&sw_b64, "\t")),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 with a space inside (splits the entry)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", split_with(&sw_b64, " ")),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    let (sw_special, sw_special_body) = sw_signed_with_b64_specials();
    add(
        "sw: URL-safe base64 alphabet",
        Sw,
        p(with(
            sw_special.clone(),
            "webhook-signature",
            url_safe(&get_str(&sw_special, "webhook-signature")),
        )),
        &sw_special_body,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: standard alphabet control for the URL-safe case",
        Sw,
        p(sw_special),
        &sw_special_body,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: base64 of 31 bytes (wrong length)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", B64.encode([7u8; 31])),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 of 64 bytes (wrong length)",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            format!("v1,{}", B64.encode([7u8; 64])),
        )),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "sw: base64 of 0 bytes (v1,)",
        Sw,
        p(with(sw.clone(), "webhook-signature", "v1,")),
        SW_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    let many = MAX_SIGNATURES.checked_add(1).unwrap();
    add(
        "sw: MAX_SIGNATURES + 1 copies of the valid signature",
        Sw,
        p(with(
            sw.clone(),
            "webhook-signature",
            vec![sw_sig.as_str(); many].join(" "),
        )),
        SW_BODY,
        Expect::Reject(R::TooManySignatures),
    );
    let bogus = format!("v1,{}", B64.encode([0u8; 32]));
    let mut exactly_max = vec![bogus.as_str(); MAX_SIGNATURES.checked_sub(1).unwrap()];
    exactly_max.push(&sw_sig);
    add(
        "sw: MAX_SIGNATURES entries, the last one valid",
        Sw,
        p(with(sw.clone(), "webhook-signature", exactly_max.join(" "))),
        SW_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "sw: signed with another secret",
        Sw,
        p(sign_with(
            Sw,
            Secret::from_prefixed_base64("whsec_", "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .unwrap(),
            SW_BODY,
            0,
            "msg_1",
        )),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: body changed by one byte",
        Sw,
        p(sw.clone()),
        br#"{"type":"invoice.paid","data":{"amount":43}}"#,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: id changed (signed content covers it)",
        Sw,
        p(with(sw.clone(), "webhook-id", "msg_2")),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: empty body against a signature of the real body",
        Sw,
        p(sw.clone()),
        b"",
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "sw: non-UTF-8 body, signed",
        Sw,
        p(baseline(Sw, BINARY_BODY)),
        BINARY_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    // ---- Secrets: configuration errors at build time ----
    let mut add_config = |name: &'static str, preset: Preset, secret: &str, want: ConfigError| {
        cases.push(Case {
            name,
            preset,
            secret: secret.to_owned(),
            headers: Headers::Pairs(Vec::new()),
            body: Vec::new(),
            expect: Expect::Config(want),
        });
    };
    add_config(
        "config: empty secret (sw)",
        Sw,
        "",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: whsec_ with nothing after",
        Sw,
        "whsec_",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: whitespace-only whsec secret",
        Sw,
        "   ",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: empty secret (civo, text)",
        Civo,
        "",
        ConfigError::EmptySecret,
    );
    add_config(
        "config: empty secret (shared token)",
        SharedToken,
        "",
        ConfigError::EmptySecret,
    );
    // Blank secrets: keys anyone can guess (issue 11, defect 1).
    for (name, preset, secret) in [
        ("config: blank secret, one space (civo)", Civo, " "),
        ("config: blank secret, newlines (github)", Github, "\n\n"),
        ("config: blank secret, tab (stripe)", Stripe, "\t"),
        ("config: blank secret, CR LF (slack)", Slack, " \r\n"),
        (
            "config: blank secret, no-break space (shopify)",
            Shopify,
            "\u{a0}",
        ),
        ("config: blank secret, spaces (hcp)", Hcp, "   "),
        (
            "config: blank secret, space (shared token)",
            SharedToken,
            " ",
        ),
        ("config: whsec_ of base64 spaces", Sw, "whsec_ICAg"),
        ("config: base64 of CR LF, no prefix", Sw, "DQo="),
    ] {
        add_config(name, preset, secret, ConfigError::BlankSecret);
    }
    add_config(
        "config: whsec_ with characters outside base64",
        Sw,
        "whsec_not base64!!",
        ConfigError::SecretEncoding,
    );
    add_config(
        "config: whsec_ with URL-safe base64",
        Sw,
        "whsec_-_-_-_-_",
        ConfigError::SecretEncoding,
    );
    add_config(
        "config: whsec_ with one base64 character",
        Sw,
        "whsec_A",
        ConfigError::SecretEncoding,
    );
    add_config(
        "config: whsec_ with non-ASCII",
        Sw,
        "whsec_\u{e9}\u{e9}\u{e9}\u{e9}",
        ConfigError::SecretEncoding,
    );

    let mut add = |name: &'static str, preset: Preset, headers: Headers, body: &[u8], expect| {
        cases.push(Case {
            name,
            preset,
            secret: preset.secret().to_owned(),
            headers,
            body: body.to_vec(),
            expect,
        });
    };

    // ---- Stripe: k=v list, timestamp parameter, id in the body ----
    const SS: &str = "Stripe-Signature";
    let st = baseline(Stripe, STRIPE_BODY);
    let st_sig = get_str(&st, SS);
    let st_hex = st_sig.split_once(",v1=").unwrap().1.to_owned();
    let t_now = format!("t={NOW}");
    add(
        "stripe: valid baseline",
        Stripe,
        p(st.clone()),
        STRIPE_BODY,
        accept("evt_1", IdOrigin::Body),
    );
    add(
        "stripe: missing signature header",
        Stripe,
        p(Vec::new()),
        STRIPE_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "stripe: empty signature value (no t)",
        Stripe,
        p(with(st.clone(), SS, "")),
        STRIPE_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "stripe: v1 without t",
        Stripe,
        p(with(st.clone(), SS, format!("v1={st_hex}"))),
        STRIPE_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "stripe: t given twice",
        Stripe,
        p(with(st.clone(), SS, format!("{t_now},t={NOW},v1={st_hex}"))),
        STRIPE_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "stripe: repeated Stripe-Signature header",
        Stripe,
        p(plus(st.clone(), "stripe-signature", st_sig.as_str())),
        STRIPE_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    for (name, t) in [
        ("stripe: t=-1", "-1"),
        ("stripe: t=i64::MIN", "-9223372036854775808"),
        ("stripe: t=u64::MAX+1", "18446744073709551616"),
        ("stripe: t=1e9", "1e9"),
        ("stripe: t=1.5", "1.5"),
        ("stripe: t empty", ""),
    ] {
        add(
            name,
            Stripe,
            p(with(st.clone(), SS, format!("t={t},v1={st_hex}"))),
            STRIPE_BODY,
            Expect::Reject(R::TimestampSyntax),
        );
    }
    add(
        "stripe: t=i64::MAX correctly signed",
        Stripe,
        p(stripe_raw(&i64::MAX.to_string(), STRIPE_BODY)),
        STRIPE_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    add(
        "stripe: v0 signature only",
        Stripe,
        p(with(st.clone(), SS, format!("{t_now},v0={st_hex}"))),
        STRIPE_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "stripe: t only",
        Stripe,
        p(with(st.clone(), SS, t_now.as_str())),
        STRIPE_BODY,
        Expect::Reject(R::NoSupportedSignature),
    );
    add(
        "stripe: an item without '='",
        Stripe,
        p(with(st.clone(), SS, format!("{st_sig},garbage"))),
        STRIPE_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "stripe: spaces and empty items around valid pairs",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!(" t = {NOW} ,, v1 = {st_hex} ,"),
        )),
        STRIPE_BODY,
        accept("evt_1", IdOrigin::Body),
    );
    add(
        "stripe: hex of odd length",
        Stripe,
        p(with(st.clone(), SS, format!("{t_now},v1={}", &st_hex[1..]))),
        STRIPE_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "stripe: hex with a non-hex character",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!("{t_now},v1=g{}", &st_hex[1..]),
        )),
        STRIPE_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "stripe: upper-case hex",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!("{t_now},v1={}", st_hex.to_ascii_uppercase()),
        )),
        STRIPE_BODY,
        accept("evt_1", IdOrigin::Body),
    );
    add(
        "stripe: MAX_SIGNATURES + 1 v1 values",
        Stripe,
        p(with(
            st.clone(),
            SS,
            format!("{t_now},{}", vec![format!("v1={st_hex}"); many].join(",")),
        )),
        STRIPE_BODY,
        Expect::Reject(R::TooManySignatures),
    );
    add(
        "stripe: signed with another secret",
        Stripe,
        p(sign_with(
            Stripe,
            Secret::from_text("whsec_other").unwrap(),
            STRIPE_BODY,
            0,
            "x",
        )),
        STRIPE_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "stripe: stale by 301 s",
        Stripe,
        p(sign(Stripe, STRIPE_BODY, -301, "x")),
        STRIPE_BODY,
        Expect::Reject(R::TimestampTooOld),
    );
    add(
        "stripe: 301 s in the future",
        Stripe,
        p(sign(Stripe, STRIPE_BODY, 301, "x")),
        STRIPE_BODY,
        Expect::Reject(R::TimestampTooNew),
    );
    for (name, body, expect) in [
        (
            "stripe: signed body that is not JSON",
            &b"id=evt_1&type=x"[..],
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed empty body",
            b"",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed non-UTF-8 body",
            BINARY_BODY,
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed JSON array",
            b"[{\"id\":\"evt_1\"}]",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "stripe: signed JSON without id",
            b"{\"object\":\"event\"}",
            Expect::Reject(R::MissingId),
        ),
        (
            "stripe: id nested, not top level",
            b"{\"data\":{\"id\":\"evt_1\"}}",
            Expect::Reject(R::MissingId),
        ),
        (
            "stripe: id is 1.5",
            b"{\"id\":1.5}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "stripe: id is an integer (string or integer is documented)",
            b"{\"id\":42}",
            accept("42", IdOrigin::Body),
        ),
        (
            "stripe: id is empty",
            b"{\"id\":\"\"}",
            Expect::Reject(R::IdSyntax),
        ),
    ] {
        add(name, Stripe, p(sign(Stripe, body, 0, "x")), body, expect);
    }
    let long_id_body = format!(
        "{{\"id\":\"{}\"}}",
        "e".repeat(MAX_ID_LEN.checked_add(1).unwrap())
    );
    add(
        "stripe: id over MAX_ID_LEN in the body",
        Stripe,
        p(sign(Stripe, long_id_body.as_bytes(), 0, "x")),
        long_id_body.as_bytes(),
        Expect::Reject(R::IdSyntax),
    );

    // ---- HCP: HMAC-SHA512 hex, id in the body ----
    add(
        "hcp: valid baseline",
        Hcp,
        p(baseline(Hcp, HCP_BODY)),
        HCP_BODY,
        accept("webhook.event:abc123", IdOrigin::Body),
    );
    for (name, body, expect) in [
        (
            "hcp: body not JSON",
            &b"not json"[..],
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body non-UTF-8 bytes",
            BINARY_BODY,
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body is a JSON string",
            b"\"event_id\"",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body is an unterminated object",
            b"{\"x\":1,",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: body has trailing garbage after a complete object",
            b"{\"x\":1} trailing",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: event_id is a float",
            b"{\"event_id\":1.5}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is an integer too big for 64 bits",
            b"{\"event_id\":100000000000000000000000000000}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is true",
            b"{\"event_id\":true}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is null",
            b"{\"event_id\":null}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is an object",
            b"{\"event_id\":{\"a\":1}}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is an array",
            b"{\"event_id\":[\"a\"]}",
            Expect::Reject(R::BodyFieldType),
        ),
        (
            "hcp: event_id is an integer (documented: string or integer)",
            b"{\"event_id\":42}",
            accept("42", IdOrigin::Body),
        ),
        (
            "hcp: event_id is a negative integer",
            b"{\"event_id\":-7}",
            accept("-7", IdOrigin::Body),
        ),
        (
            "hcp: event_id missing",
            b"{\"event_action\":\"test\"}",
            Expect::Reject(R::MissingId),
        ),
        ("hcp: empty object", b"{}", Expect::Reject(R::MissingId)),
        (
            "hcp: event_id empty string",
            b"{\"event_id\":\"\"}",
            Expect::Reject(R::IdSyntax),
        ),
        (
            "hcp: event_id with escaped control U+0001",
            b"{\"event_id\":\"a\\u0001\"}",
            Expect::Reject(R::IdSyntax),
        ),
        (
            "hcp: event_id with escaped C1 control U+0085",
            b"{\"event_id\":\"a\\u0085\"}",
            Expect::Reject(R::IdSyntax),
        ),
        (
            "hcp: event_id with a raw control byte (invalid JSON)",
            b"{\"event_id\":\"a\x01\"}",
            Expect::Reject(R::BodyNotJson),
        ),
        (
            "hcp: event_id with escaped quote",
            b"{\"event_id\":\"a\\\"b\"}",
            accept("a\"b", IdOrigin::Body),
        ),
        (
            "hcp: first of two event_id fields wins",
            b"{\"event_id\":\"one\",\"event_id\":\"two\"}",
            accept("one", IdOrigin::Body),
        ),
        (
            "hcp: unread rest of the body after the id (documented)",
            b"{\"event_id\":\"evt\", not json at all",
            accept("evt", IdOrigin::Body),
        ),
    ] {
        add(name, Hcp, p(baseline(Hcp, body)), body, expect);
    }
    let hcp_long = format!(
        "{{\"event_id\":\"{}\"}}",
        "e".repeat(MAX_ID_LEN.checked_add(1).unwrap())
    );
    add(
        "hcp: event_id over MAX_ID_LEN",
        Hcp,
        p(baseline(Hcp, hcp_long.as_bytes())),
        hcp_long.as_bytes(),
        Expect::Reject(R::IdSyntax),
    );
    let deep = format!(
        "{{\"x\":{}0{},\"event_id\":\"deep\"}}",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let deep_id = format!(
        "{{\"event_id\":{}0{}}}",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    add(
        "hcp: event_id is 50 000 nested arrays",
        Hcp,
        p(baseline(Hcp, deep_id.as_bytes())),
        deep_id.as_bytes(),
        Expect::Reject(R::BodyFieldType),
    );
    let unterminated = "[".repeat(100_000);
    add(
        "hcp: body of 100 000 unterminated arrays",
        Hcp,
        p(baseline(Hcp, unterminated.as_bytes())),
        unterminated.as_bytes(),
        Expect::Reject(R::BodyNotJson),
    );
    add(
        "hcp: 50 000 nested arrays before the id",
        Hcp,
        p(baseline(Hcp, deep.as_bytes())),
        deep.as_bytes(),
        accept("deep", IdOrigin::Body),
    );
    add(
        "hcp: valid signature, body of another event",
        Hcp,
        p(baseline(Hcp, HCP_BODY)),
        b"{\"event_id\":\"webhook.event:other\"}",
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "hcp: unsigned non-JSON body is a mismatch (body read only after the MAC)",
        Hcp,
        p(baseline(Hcp, HCP_BODY)),
        b"not json",
        Expect::Reject(R::SignatureMismatch),
    );
    let hcp_sig = get_str(&baseline(Hcp, HCP_BODY), "X-HCP-Webhook-Signature");
    add(
        "hcp: SHA-256-length hex for a SHA-512 scheme",
        Hcp,
        p(vec![(
            "X-HCP-Webhook-Signature".to_owned(),
            hcp_sig.as_bytes().get(..64).unwrap().to_vec(),
        )]),
        HCP_BODY,
        Expect::Reject(R::SignatureEncoding),
    );

    // ---- Civo: bare hex HMAC-SHA1, id header ----
    const CS: &str = "X-Civo-Signature";
    let civo = baseline(Civo, PLAIN_BODY);
    let civo_hex = get_str(&civo, CS);
    add(
        "civo: valid baseline",
        Civo,
        p(civo.clone()),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "civo: missing signature",
        Civo,
        p(without(civo.clone(), CS)),
        PLAIN_BODY,
        Expect::Reject(R::MissingSignature),
    );
    add(
        "civo: missing id",
        Civo,
        p(without(civo.clone(), "X-Civo-Event")),
        PLAIN_BODY,
        Expect::Reject(R::MissingId),
    );
    // The id header is not signed: swapping it still verifies (the replay guard's content
    // digest is what refuses the resend; see tests/unsigned_ids.rs). Standard Webhooks
    // signs its id: there the swap is a forgery.
    for (name, preset, id_header) in [
        ("civo: id swapped (not signed)", Civo, "X-Civo-Event"),
        (
            "github: id swapped (not signed)",
            Github,
            "X-GitHub-Delivery",
        ),
        (
            "shopify: id swapped (not signed)",
            Shopify,
            "X-Shopify-Webhook-Id",
        ),
    ] {
        add(
            name,
            preset,
            p(with(baseline(preset, PLAIN_BODY), id_header, "msg_forged")),
            PLAIN_BODY,
            accept("msg_forged", IdOrigin::Header),
        );
    }
    add(
        "sw: id swapped (signed)",
        Sw,
        p(with(baseline(Sw, SW_BODY), "webhook-id", "msg_forged")),
        SW_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    for (name, value) in [
        ("civo: hex of odd length", civo_hex[1..].to_owned()),
        ("civo: hex one byte short", civo_hex[2..].to_owned()),
        ("civo: hex one byte long", format!("{civo_hex}00")),
        (
            "civo: SHA-256-length hex for a SHA-1 scheme",
            "ab".repeat(32),
        ),
        ("civo: non-hex characters", format!("zz{}", &civo_hex[2..])),
        (
            "civo: 0x-prefixed hex of the right total length",
            format!("0x{}", &civo_hex[2..]),
        ),
        ("civo: 0x-prefixed full hex", format!("0x{civo_hex}")),
        (
            "civo: hex with a space inside",
            split_with(&civo_hex[1..], " "),
        ),
        (
            "civo: hex with a leading space",
            format!(" {}", &civo_hex[1..]),
        ),
        (
            "civo: base64 of the right MAC",
            B64.encode(const_hex::decode(&civo_hex).unwrap()),
        ),
        (
            "civo: sha1= prefix it does not use",
            format!("sha1={civo_hex}"),
        ),
    ] {
        add(
            name,
            Civo,
            p(with(civo.clone(), CS, value)),
            PLAIN_BODY,
            Expect::Reject(R::SignatureEncoding),
        );
    }
    add(
        "civo: upper-case hex",
        Civo,
        p(with(civo.clone(), CS, civo_hex.to_ascii_uppercase())),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "civo: obs-text signature (http::HeaderMap)",
        Civo,
        map(&with(civo.clone(), CS, format!("{}\u{e9}", &civo_hex[2..]))),
        PLAIN_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "civo: signed with another secret",
        Civo,
        p(sign_with(
            Civo,
            Secret::from_text("other").unwrap(),
            PLAIN_BODY,
            0,
            "msg_1",
        )),
        PLAIN_BODY,
        Expect::Reject(R::SignatureMismatch),
    );
    add(
        "civo: non-UTF-8 body, signed",
        Civo,
        p(baseline(Civo, BINARY_BODY)),
        BINARY_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    // ---- GitHub: sha256= prefix ----
    const GS: &str = "X-Hub-Signature-256";
    let gh = baseline(Github, PLAIN_BODY);
    let gh_sig = get_str(&gh, GS);
    let gh_hex = gh_sig.strip_prefix("sha256=").unwrap().to_owned();
    add(
        "github: valid baseline",
        Github,
        p(gh.clone()),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "github: prefix in upper case (matched ignoring case)",
        Github,
        p(with(gh.clone(), GS, format!("SHA256={gh_hex}"))),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    for (name, value, reason) in [
        (
            "github: hex without the prefix",
            gh_hex.clone(),
            R::SignatureSyntax,
        ),
        (
            "github: legacy sha1= prefix",
            format!("sha1={gh_hex}"),
            R::SignatureSyntax,
        ),
        (
            "github: prefix truncated",
            "sha256".to_owned(),
            R::SignatureSyntax,
        ),
        (
            "github: prefix only",
            "sha256=".to_owned(),
            R::SignatureEncoding,
        ),
        (
            "github: SHA-1-length hex after the prefix",
            format!("sha256={}", &gh_hex[..40]),
            R::SignatureEncoding,
        ),
        (
            "github: prefix twice",
            format!("sha256=sha256={gh_hex}"),
            R::SignatureEncoding,
        ),
    ] {
        add(
            name,
            Github,
            p(with(gh.clone(), GS, value)),
            PLAIN_BODY,
            Expect::Reject(reason),
        );
    }

    // ---- Slack: v0= prefix, timestamp header, optional body id ----
    let slack_form = b"token=x&team_id=T1&command=%2Fweather&text=94070";
    add(
        "slack: events API body",
        Slack,
        p(baseline(Slack, SLACK_BODY)),
        SLACK_BODY,
        accept("Ev01", IdOrigin::Body),
    );
    add(
        "slack: form-encoded slash command (id: digest)",
        Slack,
        p(baseline(Slack, slack_form)),
        slack_form,
        digest(),
    );
    add(
        "slack: event_id of the wrong type falls back to the digest (id optional)",
        Slack,
        p(baseline(Slack, b"{\"event_id\":1.5}")),
        b"{\"event_id\":1.5}",
        digest(),
    );
    add(
        "slack: non-UTF-8 body, signed",
        Slack,
        p(baseline(Slack, BINARY_BODY)),
        BINARY_BODY,
        digest(),
    );
    let slack = baseline(Slack, SLACK_BODY);
    add(
        "slack: missing timestamp header",
        Slack,
        p(without(slack.clone(), "X-Slack-Request-Timestamp")),
        SLACK_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "slack: timestamp -1",
        Slack,
        p(with(slack.clone(), "X-Slack-Request-Timestamp", "-1")),
        SLACK_BODY,
        Expect::Reject(R::TimestampSyntax),
    );
    add(
        "slack: non-hex signature",
        Slack,
        p(with(
            slack.clone(),
            "X-Slack-Signature",
            format!("v0={}", "zz".repeat(32)),
        )),
        SLACK_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "slack: v1= prefix",
        Slack,
        p(with(
            slack.clone(),
            "X-Slack-Signature",
            format!("v1={}", "00".repeat(32)),
        )),
        SLACK_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "slack: stale by 301 s",
        Slack,
        p(sign(Slack, SLACK_BODY, -301, "x")),
        SLACK_BODY,
        Expect::Reject(R::TimestampTooOld),
    );

    // ---- Shopify: bare base64 ----
    const SH: &str = "X-Shopify-Hmac-Sha256";
    let shop = baseline(Shopify, PLAIN_BODY);
    let shop_b64 = get_str(&shop, SH);
    add(
        "shopify: valid baseline",
        Shopify,
        p(shop.clone()),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "shopify: base64 without padding",
        Shopify,
        p(with(shop.clone(), SH, shop_b64.trim_end_matches('='))),
        PLAIN_BODY,
        accept("msg_1", IdOrigin::Header),
    );
    let (shop_special, shop_special_body) = shopify_signed_with_b64_specials();
    for (name, value) in [
        ("shopify: base64 with an extra '='", format!("{shop_b64}=")),
        ("shopify: base64 with three '='", format!("{shop_b64}==")),
        (
            "shopify: base64 with a space inside",
            split_with(&shop_b64, " "),
        ),
        (
            "shopify: base64 with CR LF inside (MIME style)",
            split_with(&shop_b64, "\r\n"),
        ),
        (
            "shopify: base64 with a leading space",
            format!(" {shop_b64}"),
        ),
        (
            "shopify: base64 with a trailing space",
            format!("{shop_b64} "),
        ),
        ("shopify: base64 of 20 bytes", B64.encode([1u8; 20])),
        ("shopify: base64 over 88 characters", B64.encode([1u8; 67])),
        (
            "shopify: hex of the right MAC",
            const_hex::encode(B64.decode(&shop_b64).unwrap()),
        ),
    ] {
        add(
            name,
            Shopify,
            p(with(shop.clone(), SH, value)),
            PLAIN_BODY,
            Expect::Reject(R::SignatureEncoding),
        );
    }
    add(
        "shopify: URL-safe base64 alphabet",
        Shopify,
        p(with(
            shop_special.clone(),
            SH,
            url_safe(&get_str(&shop_special, SH)),
        )),
        &shop_special_body,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "shopify: standard alphabet control for the URL-safe case",
        Shopify,
        p(shop_special),
        &shop_special_body,
        accept("msg_1", IdOrigin::Header),
    );
    add(
        "shopify: non-UTF-8 body, signed",
        Shopify,
        p(baseline(Shopify, BINARY_BODY)),
        BINARY_BODY,
        accept("msg_1", IdOrigin::Header),
    );

    // ---- Shared token ----
    const TK: &str = "X-Webhook-Secret";
    let token = SharedToken.secret();
    add(
        "token: right token",
        SharedToken,
        p(vec![(TK.to_owned(), token.into())]),
        PLAIN_BODY,
        digest(),
    );
    add(
        "token: non-UTF-8 body",
        SharedToken,
        p(vec![(TK.to_owned(), token.into())]),
        BINARY_BODY,
        digest(),
    );
    add(
        "token: missing header",
        SharedToken,
        p(Vec::new()),
        PLAIN_BODY,
        Expect::Reject(R::MissingSignature),
    );
    // An empty signature header counts as absent, whatever the scheme (headers.rs).
    for (name, preset, headers) in [
        (
            "civo: empty signature",
            Civo,
            with(civo.clone(), "X-Civo-Signature", ""),
        ),
        (
            "github: empty signature value",
            Github,
            with(gh.clone(), GS, ""),
        ),
        ("shopify: empty value", Shopify, with(shop.clone(), SH, "")),
        (
            "token: empty value",
            SharedToken,
            vec![(TK.to_owned(), Vec::new())],
        ),
    ] {
        add(
            name,
            preset,
            p(headers),
            PLAIN_BODY,
            Expect::Reject(R::MissingSignature),
        );
    }
    for (name, value) in [
        ("token: wrong token", "shared-token-valuf".to_owned()),
        ("token: token plus a trailing space", format!("{token} ")),
        ("token: token prefix only", token[..6].to_owned()),
        ("token: token in upper case", token.to_ascii_uppercase()),
    ] {
        add(
            name,
            SharedToken,
            p(vec![(TK.to_owned(), value.into_bytes())]),
            PLAIN_BODY,
            Expect::Reject(R::SignatureMismatch),
        );
    }
    add(
        "token: repeated header",
        SharedToken,
        p(vec![
            (TK.to_owned(), token.into()),
            (TK.to_ascii_lowercase(), token.into()),
        ]),
        PLAIN_BODY,
        Expect::Reject(R::RepeatedHeader),
    );
    add(
        "token: value over 8 KiB",
        SharedToken,
        p(vec![(TK.to_owned(), "t".repeat(over).into_bytes())]),
        PLAIN_BODY,
        Expect::Reject(R::HeaderTooLong),
    );

    cases
}

/// The rejection table of `DESIGN.md`, written out here so that the library's own mapping
/// is checked too.
fn design_row(kind: ErrorKind) -> (u16, &'static str) {
    match kind {
        ErrorKind::PayloadTooLarge => (413, "payload_too_large"),
        ErrorKind::BodyTimeout => (408, "body_timeout"),
        ErrorKind::MissingHeader => (401, "missing_header"),
        ErrorKind::MalformedHeader => (400, "malformed_header"),
        ErrorKind::SignatureMismatch => (401, "signature_mismatch"),
        ErrorKind::TimestampOutOfWindow => (401, "timestamp_out_of_window"),
        ErrorKind::DuplicateInFlight => (409, "duplicate_in_flight"),
        ErrorKind::ReplayStoreUnavailable => (503, "replay_store_unavailable"),
        _ => (0, "unknown kind"),
    }
}

/// Which design row each reason belongs to, independently of `Reason::kind`.
fn design_kind(reason: Reason) -> ErrorKind {
    match reason {
        Reason::MissingSignature | Reason::MissingTimestamp | Reason::MissingId => {
            ErrorKind::MissingHeader
        }
        Reason::RepeatedHeader
        | Reason::HeaderTooLong
        | Reason::SignatureEncoding
        | Reason::SignatureSyntax
        | Reason::TooManySignatures
        | Reason::TimestampSyntax
        | Reason::IdSyntax
        | Reason::BodyNotJson
        | Reason::BodyFieldType => ErrorKind::MalformedHeader,
        Reason::NoSupportedSignature | Reason::SignatureMismatch => ErrorKind::SignatureMismatch,
        Reason::TimestampTooOld | Reason::TimestampTooNew => ErrorKind::TimestampOutOfWindow,
        Reason::BodyTooLarge => ErrorKind::PayloadTooLarge,
        Reason::BodyTimeout => ErrorKind::BodyTimeout,
        Reason::DuplicateInFlight => ErrorKind::DuplicateInFlight,
        _ => ErrorKind::ReplayStoreUnavailable,
    }
}

type Outcome = Result<Verified, VerifyError>;

/// Verifies under `catch_unwind`, both through the clock and with an explicit instant;
/// a panic or a disagreement between the two is reported as a failure.
fn run<H: hookshield_core::HeaderLookup>(
    verifier: &Verifier,
    headers: &H,
    body: &[u8],
) -> Result<Outcome, String> {
    let first = catch_unwind(AssertUnwindSafe(|| verifier.verify(headers, body)))
        .map_err(|_| "verify panicked".to_owned())?;
    let second = catch_unwind(AssertUnwindSafe(|| {
        verifier.verify_at(headers, body, at(0))
    }))
    .map_err(|_| "verify_at panicked".to_owned())?;
    if first != second {
        return Err(format!("verify {first:?} but verify_at {second:?}"));
    }
    Ok(first)
}

/// Verifies a request held in an `http::HeaderMap` through the crate's own `HeaderLookup`
/// implementation (feature `http`).
#[cfg(feature = "http")]
fn run_map(verifier: &Verifier, map: &HeaderMap, body: &[u8]) -> Result<Outcome, String> {
    run(verifier, map, body)
}

/// Without the `http` feature the crate has no `HeaderLookup` for `http::HeaderMap`; this
/// adapter reads it the same way (`get_all`, values as bytes, in order), so the obs-text
/// and repeated-value cases still go through `http`'s own storage and validation.
#[cfg(not(feature = "http"))]
fn run_map(verifier: &Verifier, map: &HeaderMap, body: &[u8]) -> Result<Outcome, String> {
    struct MapLookup<'m>(&'m HeaderMap);

    impl hookshield_core::HeaderLookup for MapLookup<'_> {
        fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
            self.0.get_all(name).into_iter().map(HeaderValue::as_bytes)
        }
    }

    run(verifier, &MapLookup(map), body)
}

fn judge(outcome: &Outcome, expect: &Expect) -> Result<(), String> {
    match (outcome, expect) {
        (Ok(v), Expect::Accept(id, origin)) => {
            if v.id_origin() != *origin {
                return Err(format!("id origin {:?}, want {origin:?}", v.id_origin()));
            }
            match id {
                Some(id) if v.event_id() != id => {
                    Err(format!("event id {:?}, want {id:?}", v.event_id()))
                }
                None if !v.event_id().starts_with("sha256:") => Err(format!(
                    "event id {:?}, want a sha256: digest",
                    v.event_id()
                )),
                _ => Ok(()),
            }
        }
        (Err(e), Expect::Reject(want)) => {
            if e.reason() != *want {
                return Err(format!("refused for {:?}, want {want:?}", e.reason()));
            }
            let kind = design_kind(*want);
            let (status, code) = design_row(kind);
            if e.kind() != kind || e.status() != status || e.code() != code {
                return Err(format!(
                    "{want:?} answered {:?} {} {}, the design says {kind:?} {status} {code}",
                    e.kind(),
                    e.status(),
                    e.code()
                ));
            }
            Ok(())
        }
        (Ok(v), want) => Err(format!("accepted ({v:?}), want {want:?}")),
        (Err(e), want) => Err(format!("refused for {:?}, want {want:?}", e.reason())),
    }
}

#[test]
fn hostile_input_catalogue() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    let mut map_twins = 0usize;
    for case in &cases {
        assert!(
            names.insert(case.name),
            "duplicate case name {:?}",
            case.name
        );
        let built = catch_unwind(AssertUnwindSafe(|| {
            Verifier::builder(case.preset.builder())
                .encoded_secret(&case.secret)
                .clock(FixedClock(at(0)))
                .build()
        }));
        let verifier = match (built, &case.expect) {
            (Err(_), _) => {
                failures.push(format!("{}: building the verifier panicked", case.name));
                continue;
            }
            (Ok(Err(err)), Expect::Config(want)) => {
                if err != *want {
                    failures.push(format!(
                        "{}: config error {err:?}, want {want:?}",
                        case.name
                    ));
                }
                continue;
            }
            (Ok(Err(err)), _) => {
                failures.push(format!("{}: unexpected config error {err:?}", case.name));
                continue;
            }
            (Ok(Ok(_)), Expect::Config(want)) => {
                failures.push(format!("{}: verifier built, want {want:?}", case.name));
                continue;
            }
            (Ok(Ok(verifier)), _) => verifier,
        };
        let outcome = match &case.headers {
            Headers::Pairs(pairs) => {
                let outcome = run(&verifier, pairs, &case.body);
                // The same request through http::HeaderMap, when http takes these bytes.
                if let (Some(map), Ok(first)) = (to_map(pairs), &outcome) {
                    map_twins = map_twins.checked_add(1).unwrap();
                    match run_map(&verifier, &map, &case.body) {
                        Ok(again) if again == *first => {}
                        Ok(again) => failures.push(format!(
                            "{}: pairs gave {first:?} but http::HeaderMap gave {again:?}",
                            case.name
                        )),
                        Err(e) => failures.push(format!("{} (http::HeaderMap): {e}", case.name)),
                    }
                }
                outcome
            }
            Headers::Map(map) => run_map(&verifier, map, &case.body),
        };
        match outcome.and_then(|outcome| judge(&outcome, &case.expect)) {
            Ok(()) => {}
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }
    println!(
        "{} hostile-input cases, {map_twins} replayed through http::HeaderMap",
        cases.len()
    );
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    assert!(
        map_twins >= 45,
        "only {map_twins} cases replayed through http::HeaderMap"
    );
    assert!(
        failures.is_empty(),
        "{} of {} hostile-input cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
