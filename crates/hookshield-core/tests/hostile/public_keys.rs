//! Public keys: Discord (hex Ed25519 of `{t}{body}`) and SendGrid (base64 DER ECDSA P-256
//! of `{t}{body}`), signed with fixed private keys and verified with their public keys.
//!
//! The signatures are altered at the level of their bytes, so that each case says what it
//! is: a bit of Ed25519's `R` or `S`, `S + L` (the same scalar, not reduced: the classic
//! malleation a strict verifier refuses), ECDSA's `r` or `s`, its `(r, n − s)` twin
//! (accepted: SendGrid's own SDK tests send high-S signatures), `s + n`, DER that decodes
//! from base64 but is no DER (a mismatch, since nothing is wrong with the header's
//! encoding), and lengths outside what the algorithm has (an encoding error).

// The byte arithmetic below (Ed25519's S + L, P-256's n - s, DER) indexes and adds freely;
// clippy.toml's in-test allowances cover `#[test]` functions only.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hookshield_core::{Algorithm, ConfigError, IdOrigin, PrivateKey, Reason as R, headers};

use crate::support::{
    BINARY_BODY, Case, Cases, Expect, NOW, Pairs,
    Preset::{self, Discord, Sendgrid},
    accept, baseline, digest, get_str, plus, reject, sign_with_private, with, without,
};

/// Discord's signature and timestamp headers.
const DS: &str = "X-Signature-Ed25519";
const DT: &str = "X-Signature-Timestamp";
/// SendGrid's signature and timestamp headers.
const GS: &str = "X-Twilio-Email-Event-Webhook-Signature";
const GT: &str = "X-Twilio-Email-Event-Webhook-Timestamp";

/// An application command (an interaction): its `id` is the event id.
const COMMAND: &[u8] = br#"{"id":"787053080478613555","token":"tok","type":2,"version":1}"#;
const COMMAND_ID: &str = "787053080478613555";
/// A webhook event: no `id`, so a digest of the body stands in.
const EVENT: &[u8] = br#"{"version":1,"application_id":"1234","type":1,"event":{"type":"APPLICATION_AUTHORIZED","timestamp":"2024-10-18T14:42:53.064834","data":{}}}"#;
/// An interaction `PING`.
const PING: &[u8] = br#"{"id":"1","token":"t","type":1,"version":1}"#;
/// A SendGrid batch, CR LF included (SendGrid's payloads end so, and the bytes count).
const BATCH: &[u8] = b"[{\"email\":\"a@example.com\",\"event\":\"processed\",\"sg_event_id\":\"sg_1\",\"timestamp\":1700000000}]\r\n";

/// [`BATCH`] with a space after a colon: the same JSON, other bytes.
const BATCH_SPACED: &[u8] = b"[{\"email\": \"a@example.com\",\"event\":\"processed\",\"sg_event_id\":\"sg_1\",\"timestamp\":1700000000}]\r\n";

/// The order of Ed25519's group, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
/// The order of P-256's group, big-endian.
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    discord(&mut cases);
    sendgrid(&mut cases);
    keys(&mut cases);
    cases.into_vec()
}

/// Another key pair of `preset`'s algorithm than its own.
fn stranger(preset: Preset) -> PrivateKey {
    let algorithm = match preset {
        Discord => Algorithm::Ed25519,
        _ => Algorithm::EcdsaP256Sha256,
    };
    PrivateKey::parse(algorithm, &"5c".repeat(32)).unwrap()
}

/// `a + b`, little-endian, as wide as `a` (the carry out of the top byte is dropped).
fn add_le(a: &[u8], b: &[u8; 32]) -> Vec<u8> {
    let mut carry = 0u16;
    a.iter()
        .zip(b.iter().chain(std::iter::repeat(&0)))
        .map(|(x, y)| {
            let sum = u16::from(*x) + u16::from(*y) + carry;
            carry = sum >> 8;
            sum.to_le_bytes()[0]
        })
        .collect()
}

/// `a + b` or `a − b` (`a ≥ b`) of big-endian numbers of 32 bytes, on 33 bytes.
fn add_sub_be(a: &[u8; 32], b: &[u8; 32], subtract: bool) -> [u8; 33] {
    let mut out = [0u8; 33];
    let mut carry = 0i16;
    for i in (0..32).rev() {
        let (x, y) = (i16::from(a[i]), i16::from(b[i]));
        let v = if subtract {
            x - y + carry
        } else {
            x + y + carry
        };
        carry = v.div_euclid(256);
        out[i + 1] = u8::try_from(v.rem_euclid(256)).unwrap();
    }
    out[0] = u8::try_from(carry.rem_euclid(256)).unwrap();
    out
}

/// The `r` and `s` of a DER ECDSA signature, as 32-byte big-endian numbers.
fn der_scalars(der: &[u8]) -> ([u8; 32], [u8; 32]) {
    let integer = |at: usize| {
        assert_eq!(der[at], 0x02, "an INTEGER");
        let len = usize::from(der[at + 1]);
        let bytes = &der[at + 2..at + 2 + len];
        let bytes = bytes.strip_prefix(&[0]).unwrap_or(bytes);
        let mut out = [0u8; 32];
        out[32 - bytes.len()..].copy_from_slice(bytes);
        (out, at + 2 + len)
    };
    assert_eq!((der[0], usize::from(der[1])), (0x30, der.len() - 2));
    let (r, next) = integer(2);
    let (s, end) = integer(next);
    assert_eq!(end, der.len());
    (r, s)
}

/// The DER encoding of `SEQUENCE { INTEGER r, INTEGER s }`, each minimal (big-endian, a
/// zero byte before a high bit).
fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let integer = |n: &[u8]| {
        let start = n.iter().position(|b| *b != 0).unwrap_or(n.len() - 1);
        let mut digits = n[start..].to_vec();
        if digits[0] & 0x80 != 0 {
            digits.insert(0, 0);
        }
        let mut out = vec![0x02, u8::try_from(digits.len()).unwrap()];
        out.extend(digits);
        out
    };
    let body = [integer(r), integer(s)].concat();
    let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

fn discord(cases: &mut Cases) {
    let signed = baseline(Discord, COMMAND);
    let sig = get_str(&signed, DS);
    let bytes = const_hex::decode(&sig).unwrap();
    assert_eq!(bytes.len(), 64);
    let hex = |b: &[u8]| const_hex::encode(b);
    let flipped = |at: usize| {
        let mut b = bytes.clone();
        b[at] ^= 1;
        hex(&b)
    };
    let malleated = {
        let mut b = bytes[..32].to_vec();
        b.extend(add_le(&bytes[32..], &L));
        hex(&b)
    };
    let identity_r = format!("01{}", "00".repeat(63));
    let over = headers::MAX_HEADER_VALUE.checked_add(1).unwrap();
    let command = || accept(COMMAND_ID, IdOrigin::Body);

    cases.signed(
        "discord: valid baseline (the interaction's id)",
        Discord,
        COMMAND,
        command(),
    );
    cases.signed(
        "discord: webhook event without an id: a digest of the body",
        Discord,
        EVENT,
        digest(),
    );
    cases.signed(
        "discord: interaction PING answered {\"type\":1}",
        Discord,
        PING,
        Expect::Reply("application/json", r#"{"type":1}"#.to_owned()),
    );
    cases.signed_bodies(
        Discord,
        [
            (
                "discord: an integer id",
                br#"{"id":42,"type":2}"#.as_slice(),
                accept("42", IdOrigin::Body),
            ),
            (
                "discord: an id that is an object: the digest stands in (the id is optional)",
                br#"{"id":{"x":1},"type":2}"#.as_slice(),
                digest(),
            ),
            (
                "discord: a body that is not JSON: the digest stands in",
                BINARY_BODY,
                digest(),
            ),
            (
                "discord: an id with a control character",
                br#"{"id":"a\u0001b","type":2}"#.as_slice(),
                reject(R::BodyIdSyntax),
            ),
        ],
    );

    cases.values(
        Discord,
        &signed,
        DS,
        COMMAND,
        [
            (
                "discord: signature in upper case",
                sig.to_uppercase(),
                command(),
            ),
            (
                "discord: one bit of R flipped",
                flipped(3),
                reject(R::SignatureMismatch),
            ),
            (
                "discord: one bit of S flipped",
                flipped(40),
                reject(R::SignatureMismatch),
            ),
            (
                "discord: S + L (the same scalar, not reduced)",
                malleated,
                reject(R::SignatureMismatch),
            ),
            (
                "discord: R the identity point, S zero",
                identity_r,
                reject(R::SignatureMismatch),
            ),
            (
                "discord: all zero (128 digits)",
                "0".repeat(128),
                reject(R::SignatureMismatch),
            ),
            (
                "discord: the signature of another body",
                get_str(&baseline(Discord, EVENT), DS),
                reject(R::SignatureMismatch),
            ),
            (
                "discord: truncated to 126 digits",
                sig[..126].to_owned(),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: R alone (64 digits)",
                sig[..64].to_owned(),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: one digit short (odd length)",
                sig[..127].to_owned(),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: one digit over (odd length)",
                format!("{sig}0"),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: one byte over (130 digits)",
                format!("{sig}00"),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: the signature twice",
                sig.repeat(2),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: a non-hex digit",
                format!("{}g", &sig[..127]),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: 0x and 126 digits (128 characters)",
                format!("0x{}", &sig[..126]),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: 0x and the 128 digits",
                format!("0x{sig}"),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: base64 of the signature",
                B64.encode(&bytes),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: a space inside",
                format!("{} {}", &sig[..64], &sig[64..]),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: a sha256= prefix (Discord has none)",
                format!("sha256={sig}"),
                reject(R::SignatureEncoding),
            ),
            (
                "discord: empty signature",
                String::new(),
                reject(R::MissingSignature),
            ),
            (
                "discord: signature of spaces only",
                "   ".to_owned(),
                reject(R::MissingSignature),
            ),
            (
                "discord: signature over 8 KiB",
                "0".repeat(over),
                reject(R::HeaderTooLong),
            ),
        ],
    );
    cases.values(
        Discord,
        &signed,
        DT,
        COMMAND,
        [
            (
                "discord: timestamp one second later",
                (NOW + 1).to_string(),
                reject(R::SignatureMismatch),
            ),
            (
                "discord: timestamp with a leading zero (signed as sent)",
                format!("0{NOW}"),
                reject(R::SignatureMismatch),
            ),
            (
                "discord: timestamp in milliseconds",
                format!("{NOW}000"),
                reject(R::SignatureMismatch),
            ),
            (
                "discord: timestamp not a number",
                "now".to_owned(),
                reject(R::TimestampSyntax),
            ),
            (
                "discord: negative timestamp",
                format!("-{NOW}"),
                reject(R::TimestampSyntax),
            ),
            (
                "discord: empty timestamp",
                String::new(),
                reject(R::MissingTimestamp),
            ),
        ],
    );
    cases.table(
        Discord,
        COMMAND,
        [
            (
                "discord: missing signature header",
                without(signed.clone(), DS),
                reject(R::MissingSignature),
            ),
            (
                "discord: missing timestamp header",
                without(signed.clone(), DT),
                reject(R::MissingTimestamp),
            ),
            (
                "discord: no headers at all",
                Pairs::new(),
                reject(R::MissingSignature),
            ),
            (
                "discord: repeated signature header (identical values)",
                plus(signed.clone(), DS, sig.as_str()),
                reject(R::RepeatedHeader),
            ),
            (
                "discord: repeated signature header, names differing in case",
                plus(signed.clone(), &DS.to_ascii_lowercase(), "0".repeat(128)),
                reject(R::RepeatedHeader),
            ),
            (
                "discord: repeated timestamp header (identical values)",
                plus(signed.clone(), DT, NOW.to_string()),
                reject(R::RepeatedHeader),
            ),
            (
                "discord: signed by another application's key",
                sign_with_private(Discord, stranger(Discord), COMMAND),
                reject(R::SignatureMismatch),
            ),
        ],
    );
    for (name, body) in [
        (
            "discord: body changed after signing",
            &br#"{"id":"787053080478613555","token":"tok","type":1,"version":1}"#[..],
        ),
        (
            "discord: body with a trailing newline",
            b"{\"id\":\"787053080478613555\",\"token\":\"tok\",\"type\":2,\"version\":1}\n",
        ),
        ("discord: empty body", b""),
    ] {
        cases.add(
            name,
            Discord,
            signed.clone(),
            body,
            reject(R::SignatureMismatch),
        );
    }
    // The window: 15 minutes in the past, 5 ahead.
    cases.signed_at(
        Discord,
        COMMAND,
        [
            ("discord: signed 899 s ago", -899, command()),
            (
                "discord: signed 901 s ago",
                -901,
                reject(R::TimestampTooOld),
            ),
            ("discord: signed 299 s ahead", 299, command()),
            (
                "discord: signed 301 s ahead",
                301,
                reject(R::TimestampTooNew),
            ),
        ],
    );
}

fn sendgrid(cases: &mut Cases) {
    let signed = baseline(Sendgrid, BATCH);
    let sig = get_str(&signed, GS);
    let bytes = B64.decode(&sig).unwrap();
    let (r, s) = der_scalars(&bytes);
    // The encoding of `der` is minimal, so it gives the signature back.
    assert_eq!(der(&r, &s), bytes);
    let b64 = |b: &[u8]| B64.encode(b);
    let flipped = |at: usize| {
        let mut b = bytes.clone();
        b[at] ^= 1;
        b64(&b)
    };
    // The twin of (r, s): (r, n − s), which verifies as well. (The signer does not
    // normalise s: either may be the high one.)
    let twin = b64(&der(&r, &add_sub_be(&N, &s, true)));
    let s_plus_n = b64(&der(&r, &add_sub_be(&s, &N, false)));
    let trailing_zero = [bytes.as_slice(), &[0]].concat();
    // 70 to 72 bytes: one more is still within the longest DER length, or over it.
    let trailing_expect = if trailing_zero.len() <= 72 {
        reject(R::SignatureMismatch)
    } else {
        reject(R::SignatureEncoding)
    };
    let (padded, unpadded) = (sig.ends_with('='), sig.trim_end_matches('=').to_owned());
    let over = headers::MAX_HEADER_VALUE.checked_add(1).unwrap();
    // A body whose signature has `+` or `/`, so that the URL-safe alphabet differs.
    let (specials, special_body) = (0u32..)
        .map(|n| {
            let body = format!("[{{\"n\":{n}}}]").into_bytes();
            (baseline(Sendgrid, &body), body)
        })
        .find(|(h, _)| get_str(h, GS).contains(['+', '/']))
        .unwrap();
    let url_safe = get_str(&specials, GS).replace('+', "-").replace('/', "_");

    cases.signed(
        "sendgrid: valid baseline (a digest of the batch)",
        Sendgrid,
        BATCH,
        digest(),
    );
    cases.add(
        "sendgrid: a signature with + or / (the control of the URL-safe case)",
        Sendgrid,
        specials.clone(),
        &special_body,
        digest(),
    );
    cases.add(
        "sendgrid: the URL-safe base64 alphabet",
        Sendgrid,
        with(specials, GS, url_safe),
        &special_body,
        reject(R::SignatureEncoding),
    );
    cases.values(
        Sendgrid,
        &signed,
        GS,
        BATCH,
        [
            (
                "sendgrid: the twin (r, n - s) verifies too (SendGrid sends high-S)",
                twin,
                digest(),
            ),
            (
                "sendgrid: base64 without its padding",
                unpadded.clone(),
                digest(),
            ),
            (
                "sendgrid: an extra '='",
                format!("{sig}="),
                reject(R::SignatureEncoding),
            ),
            (
                "sendgrid: one bit of r flipped (still DER)",
                flipped(bytes.len() - 40),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: one bit of s flipped (still DER)",
                flipped(bytes.len() - 1),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: s + n (out of range, as DER)",
                s_plus_n,
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: r and s swapped",
                b64(&der(&s, &r)),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: DER's SEQUENCE tag changed (base64 fine, not DER)",
                flipped(0),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: DER's length one byte off",
                flipped(1),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: DER's last byte dropped",
                b64(&bytes[..bytes.len() - 1]),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: DER followed by a zero byte",
                b64(&trailing_zero),
                trailing_expect,
            ),
            (
                "sendgrid: truncated to 40 base64 characters (30 bytes)",
                sig[..40].to_owned(),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: 8 zero bytes (the shortest DER length read)",
                b64(&[0; 8]),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: 7 zero bytes (under the shortest DER)",
                b64(&[0; 7]),
                reject(R::SignatureEncoding),
            ),
            (
                "sendgrid: all zero (70 bytes)",
                b64(&[0; 70]),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: 73 bytes (over the longest DER)",
                b64(&[0x30; 73]),
                reject(R::SignatureEncoding),
            ),
            (
                "sendgrid: 200 base64 characters (over 96)",
                "A".repeat(200),
                reject(R::SignatureEncoding),
            ),
            (
                "sendgrid: hex of the DER instead of base64",
                const_hex::encode(&bytes),
                reject(R::SignatureEncoding),
            ),
            (
                "sendgrid: a '*' inside",
                format!("{}*{}", &sig[..20], &sig[20..]),
                reject(R::SignatureEncoding),
            ),
            (
                "sendgrid: a space inside",
                format!("{} {}", &sig[..20], &sig[20..]),
                reject(R::SignatureEncoding),
            ),
            (
                "sendgrid: an Ed25519 signature (64 bytes, not DER)",
                b64(&const_hex::decode(get_str(&baseline(Discord, BATCH), DS)).unwrap()),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: the signature of another batch",
                get_str(&baseline(Sendgrid, b"[]"), GS),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: empty signature",
                String::new(),
                reject(R::MissingSignature),
            ),
            (
                "sendgrid: signature over 8 KiB",
                "A".repeat(over),
                reject(R::HeaderTooLong),
            ),
        ],
    );
    // Padding of a signature that has some, moved to the middle.
    if padded {
        cases.add(
            "sendgrid: the padding in the middle",
            Sendgrid,
            with(
                signed.clone(),
                GS,
                format!("{}={}", &unpadded[..20], &unpadded[20..]),
            ),
            BATCH,
            reject(R::SignatureEncoding),
        );
    }
    cases.values(
        Sendgrid,
        &signed,
        GT,
        BATCH,
        [
            (
                "sendgrid: timestamp one second earlier",
                (NOW - 1).to_string(),
                reject(R::SignatureMismatch),
            ),
            (
                "sendgrid: timestamp with a plus sign",
                format!("+{NOW}"),
                reject(R::TimestampSyntax),
            ),
            (
                "sendgrid: timestamp with a fraction",
                format!("{NOW}.0"),
                reject(R::TimestampSyntax),
            ),
            (
                "sendgrid: timestamp over 8 KiB",
                "1".repeat(over),
                reject(R::HeaderTooLong),
            ),
        ],
    );
    cases.table(
        Sendgrid,
        BATCH,
        [
            (
                "sendgrid: missing signature header",
                without(signed.clone(), GS),
                reject(R::MissingSignature),
            ),
            (
                "sendgrid: missing timestamp header",
                without(signed.clone(), GT),
                reject(R::MissingTimestamp),
            ),
            (
                "sendgrid: repeated signature header (identical values)",
                plus(signed.clone(), GS, sig.as_str()),
                reject(R::RepeatedHeader),
            ),
            (
                "sendgrid: repeated timestamp header, names differing in case",
                plus(signed.clone(), &GT.to_ascii_uppercase(), NOW.to_string()),
                reject(R::RepeatedHeader),
            ),
            (
                "sendgrid: signed by another key",
                sign_with_private(Sendgrid, stranger(Sendgrid), BATCH),
                reject(R::SignatureMismatch),
            ),
        ],
    );
    for (name, body) in [
        (
            "sendgrid: the batch without its CR LF",
            &BATCH[..BATCH.len() - 2],
        ),
        (
            "sendgrid: the batch re-serialised with a space",
            BATCH_SPACED,
        ),
        ("sendgrid: empty body", b""),
    ] {
        cases.add(
            name,
            Sendgrid,
            signed.clone(),
            body,
            reject(R::SignatureMismatch),
        );
    }
    // The window: 10 minutes either way.
    cases.signed_at(
        Sendgrid,
        BATCH,
        [
            ("sendgrid: signed 599 s ago", -599, digest()),
            (
                "sendgrid: signed 601 s ago",
                -601,
                reject(R::TimestampTooOld),
            ),
            (
                "sendgrid: signed 601 s ahead",
                601,
                reject(R::TimestampTooNew),
            ),
        ],
    );
}

/// Keys given as text: what each preset takes, and what it refuses at build time.
fn keys(cases: &mut Cases) {
    let ed25519_public = Discord.private_key().unwrap().public_key();
    let p256_public = Sendgrid.private_key().unwrap().public_key();
    let spki = p256_public.to_text();
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n{}\n-----END PUBLIC KEY-----\n",
        &spki[..64],
        &spki[64..]
    );
    let base64_key = B64.encode(const_hex::decode(ed25519_public.to_text()).unwrap());

    for (name, preset, key, body, expect) in [
        (
            "discord: the public key in base64",
            Discord,
            base64_key.clone(),
            COMMAND,
            accept(COMMAND_ID, IdOrigin::Body),
        ),
        (
            "discord: the public key in upper-case hex",
            Discord,
            ed25519_public.to_text().to_uppercase(),
            COMMAND,
            accept(COMMAND_ID, IdOrigin::Body),
        ),
        (
            "sendgrid: the public key as PEM",
            Sendgrid,
            pem,
            BATCH,
            digest(),
        ),
    ] {
        let mut case = Case::new(name, preset, baseline(preset, body), body, expect);
        case.secret = key;
        cases.push(case);
    }

    let ed25519 = ConfigError::InvalidPublicKey(
        "an Ed25519 key is 64 hex digits, or base64 (optionally after whpk_) of 32 bytes",
    );
    let p256 = ConfigError::InvalidPublicKey(
        "a P-256 key is base64 DER SubjectPublicKeyInfo, PEM, or a SEC1 point",
    );
    let off_curve = format!("04{}", "00".repeat(64));
    for (name, preset, key, want) in [
        (
            "config: discord given a shared secret",
            Discord,
            "discord-shared-secret".to_owned(),
            ed25519.clone(),
        ),
        (
            "config: discord given 62 hex digits",
            Discord,
            ed25519_public.to_text()[..62].to_owned(),
            ed25519.clone(),
        ),
        (
            "config: discord given SendGrid's (P-256) key",
            Discord,
            spki.clone(),
            ed25519,
        ),
        (
            "config: discord given a weak key (the identity point)",
            Discord,
            format!("01{}", "00".repeat(31)),
            ConfigError::InvalidPublicKey(
                "a weak (small-order) Ed25519 key would accept forged signatures",
            ),
        ),
        (
            "config: sendgrid given a shared secret",
            Sendgrid,
            "sendgrid-shared-secret".to_owned(),
            p256.clone(),
        ),
        (
            "config: sendgrid given Discord's (Ed25519) key",
            Sendgrid,
            ed25519_public.to_text(),
            p256.clone(),
        ),
        (
            "config: sendgrid given a point off the curve",
            Sendgrid,
            off_curve,
            p256.clone(),
        ),
        (
            "config: sendgrid given its key truncated",
            Sendgrid,
            spki[..spki.len() - 8].to_owned(),
            p256,
        ),
    ] {
        cases.config(name, preset, &key, want);
    }
}
