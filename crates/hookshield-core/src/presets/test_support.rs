//! What the providers' example tests share: a verifier for a preset and a secret, a
//! verification at a fixed time, MACs computed without the engine, and the forgeries
//! every preset must refuse.
// clippy.toml's in-test allowances cover `#[test]` functions only, not these helpers.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;
use time::OffsetDateTime;

use crate::{ErrorKind, SchemeBuilder, Verified, Verifier, VerifyError};

/// The instant `unix` seconds after the epoch.
pub(super) fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

/// A verifier for `scheme` with the one secret `secret`, in the scheme's encoding.
pub(super) fn verifier(scheme: SchemeBuilder, secret: &str) -> Verifier {
    Verifier::builder(scheme)
        .encoded_secret(secret)
        .build()
        .unwrap()
}

/// `verifier` checks `headers` and `body` as if it were `now` (unix seconds).
pub(super) fn verify(
    verifier: &Verifier,
    headers: &[(&str, &str)],
    body: &[u8],
    now: i64,
) -> Result<Verified, VerifyError> {
    verifier.verify_at(headers, body, at(now))
}

/// HMAC-SHA256 of the concatenated `parts` under `key`, computed with the `hmac` crate
/// directly rather than through a scheme's template: an independent path to the bytes a
/// provider sends.
pub(super) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    parts.iter().for_each(|p| mac.update(p));
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA1, as [`hmac_sha256`].
pub(super) fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
    parts.iter().for_each(|p| mac.update(p));
    mac.finalize().into_bytes().to_vec()
}

/// Lowercase hex.
pub(super) fn hex(bytes: &[u8]) -> String {
    const_hex::encode(bytes)
}

/// Standard, padded base64.
pub(super) fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A request as a provider sends it, at `now`.
pub(super) struct Request {
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
    pub(super) now: i64,
}

impl Request {
    fn pairs(&self) -> Vec<(&str, &str)> {
        self.headers.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }

    fn verify_with(&self, verifier: &Verifier) -> Result<Verified, VerifyError> {
        verify(verifier, &self.pairs(), &self.body, self.now)
    }
}

/// A Standard Webhooks request as Svix sends it for Clerk and Resend: `svix-id`,
/// `svix-timestamp` and `svix-signature: v1,<base64 HMAC-SHA256 of "{id}.{t}.{body}">`
/// under `key` (the bytes after `whsec_`), at `ts`.
pub(super) fn svix_request(key: &[u8], id: &str, ts: i64, body: &str) -> Request {
    let signed = format!("{id}.{ts}.{body}");
    let mac = hmac_sha256(key, &[signed.as_bytes()]);
    Request {
        headers: vec![
            ("svix-id", id.to_owned()),
            ("svix-timestamp", ts.to_string()),
            ("svix-signature", format!("v1,{}", b64(&mac))),
        ],
        body: body.as_bytes().to_vec(),
        now: ts,
    }
}

/// Asserts that `request` verifies under `secret`, and that the forgeries every preset
/// must refuse are refused: a body changed by one bit, another secret (`wrong`, in the
/// preset's secret format), and the request without each header of `required`. Returns
/// what the authentic request verified as.
pub(super) fn assert_authentic(
    preset: fn() -> SchemeBuilder,
    secret: &str,
    wrong: &str,
    request: &Request,
    required: &[&str],
) -> Verified {
    let good = verifier(preset(), secret);
    let verified = request.verify_with(&good).unwrap();

    let mut tampered = request.body.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    let err = verify(&good, &request.pairs(), &tampered, request.now).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "tampered body");

    let err = request.verify_with(&verifier(preset(), wrong)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "wrong secret");

    for name in required {
        let without: Vec<_> = request
            .pairs()
            .into_iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
            .collect();
        assert_eq!(without.len() + 1, request.headers.len(), "{name} is sent");
        let err = verify(&good, &without, &request.body, request.now).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingHeader, "without {name}");
    }
    verified
}

/// Asserts that `request` (verifying under `secret` at its `now`) is refused once it is
/// older than the window allows, and when it comes from further ahead than it allows.
pub(super) fn assert_window(preset: fn() -> SchemeBuilder, secret: &str, request: &Request) {
    let verifier = verifier(preset(), secret);
    let window = verifier.window();
    let past = i64::try_from(window.past().as_secs()).unwrap();
    let future = i64::try_from(window.future().as_secs()).unwrap();
    let at = |now: i64| verify(&verifier, &request.pairs(), &request.body, now);
    assert!(at(request.now + past).is_ok(), "at the past edge");
    assert!(at(request.now - future).is_ok(), "at the future edge");
    let stale = at(request.now + past + 1).unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::TimestampOutOfWindow, "stale");
    let early = at(request.now - future - 1).unwrap_err();
    assert_eq!(early.kind(), ErrorKind::TimestampOutOfWindow, "ahead");
}
