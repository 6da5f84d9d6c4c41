//! Plaid's signed token as its documentation describes it (written here independently of
//! `src/`): a JWS in compact form (RFC 7515), the base64url (unpadded) JOSE header, claims
//! and signature joined by dots. The header names the algorithm, ES256 (RFC 7518: ECDSA
//! over P-256 with SHA-256, the signature `r || s`, 32 bytes each), and the key (`kid`);
//! the claims say when the token was issued (`iat`, Unix seconds) and what body it is for
//! (`request_body_sha256`, the lower-case hex SHA-256 of the raw body). The receiver finds
//! the key by `kid`, refuses any algorithm but ES256, checks the signature, and only then
//! reads the claims: `iat` within its window, the body's hash equal to the claimed one.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hookshield_core::Reason;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The three parts of a token as sent (still encoded).
pub(crate) fn parts(token: &[u8]) -> [String; 3] {
    let text = std::str::from_utf8(token).expect("a token is ASCII");
    match text.split('.').collect::<Vec<_>>()[..] {
        [header, claims, signature] => [header, claims, signature].map(str::to_owned),
        _ => panic!("a token has three parts: {text:?}"),
    }
}

/// The token of three (encoded) parts.
pub(crate) fn join(parts: &[String; 3]) -> Vec<u8> {
    parts.join(".").into_bytes()
}

pub(crate) fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A part's bytes: base64url without padding, in its canonical form (RFC 4648 §3.5: the
/// unused bits of the last character zero), the only one read.
pub(crate) fn decode(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part).ok()
}

/// A part read as JSON.
pub(crate) fn json(part: &str) -> Option<Value> {
    serde_json::from_slice(&decode(part)?).ok()
}

/// The JOSE header as Plaid writes it.
pub(crate) fn header(alg: &str, kid: &str) -> String {
    format!(
        r#"{{"alg":{},"kid":{},"typ":"JWT"}}"#,
        serde_json::to_string(alg).expect("text"),
        serde_json::to_string(kid).expect("text")
    )
}

/// The lower-case hex SHA-256 of `body`.
pub(crate) fn body_hash(body: &[u8]) -> String {
    const_hex::encode(Sha256::digest(body))
}

/// The claims as Plaid writes them.
pub(crate) fn claims(iat: i64, body: &[u8]) -> String {
    format!(
        r#"{{"iat":{iat},"request_body_sha256":"{}"}}"#,
        body_hash(body)
    )
}

fn signing_key(key: &[u8]) -> SigningKey {
    SigningKey::from_slice(key).expect("a P-256 scalar")
}

/// The ES256 signature (`r || s`) of `signing_input` (the encoded header and claims,
/// joined by a dot) with the private key whose scalar is `key`.
pub(crate) fn sign(key: &[u8], signing_input: &str) -> Vec<u8> {
    let signature: Signature = signing_key(key).sign(signing_input.as_bytes());
    signature.to_bytes().to_vec()
}

/// The token of `header` and `claims` (JSON text) signed with `key`.
pub(crate) fn token(key: &[u8], header: &str, claims: &str) -> Vec<u8> {
    let signing_input = format!("{}.{}", encode(header), encode(claims));
    let signature = encode(sign(key, &signing_input));
    format!("{signing_input}.{signature}").into_bytes()
}

/// The other valid form of an ECDSA signature: `(r, n - s)` for `(r, s)`. Signers that do
/// not normalise `s` send either.
pub(crate) fn other_s(signature: &[u8]) -> Vec<u8> {
    let signature = Signature::from_slice(signature).expect("an ES256 signature");
    let (r, s) = signature.split_scalars();
    Signature::from_scalars(r, -s)
        .expect("n - s is a valid s")
        .to_bytes()
        .to_vec()
}

/// Whether `signature` is the ES256 signature of `signing_input` by the key `key`.
fn verifies(key: &[u8], signing_input: &str, signature: &[u8]) -> bool {
    Signature::from_slice(signature).is_ok_and(|signature| {
        signing_key(key)
            .verifying_key()
            .verify(signing_input.as_bytes(), &signature)
            .is_ok()
    })
}

/// The public key as a JWK's `x` and `y` (base64url of the point's coordinates), as
/// Plaid's `/webhook_verification_key/get` returns it.
pub(crate) fn jwk(key: &[u8]) -> (String, String) {
    let point = signing_key(key).verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    assert_eq!((bytes.len(), bytes[0]), (65, 4), "an uncompressed point");
    (encode(&bytes[1..33]), encode(&bytes[33..]))
}

/// The public keys a verifier holds, by the private keys' scalars.
#[derive(Clone, Copy)]
pub(crate) enum KeyModel<'a> {
    /// Keys given to the verifier: whatever the token's `kid`, they are tried in turn.
    Fixed(&'a [&'a [u8]]),
    /// Key sets under key ids: the one the token's `kid` names is used.
    ByKid(&'a [(&'a str, &'a [&'a [u8]])]),
}

/// The reasons a refusal may give: one, or for a header that is no JSON object, as it
/// is read or as what was not signed (the receiver needs only its `alg` and `kid` before
/// the signature is checked, and a header the provider signed is always JSON).
pub(crate) type Reasons = &'static [Reason];

const SYNTAX: Reasons = &[Reason::TokenSyntax];
const UNREADABLE_HEADER: Reasons = &[Reason::TokenSyntax, Reason::SignatureMismatch];

/// What the receiver makes of `token` sent with `body` at `now` (Unix nanoseconds), as
/// Plaid's docs describe it: the index of the key that signed it in its set and its
/// `iat`, or why it is refused.
pub(crate) fn judge(
    token: &[u8],
    body: &[u8],
    now: i128,
    window: i64,
    keys: KeyModel<'_>,
) -> Result<(usize, i64), Reasons> {
    let syntax = SYNTAX;
    let text = std::str::from_utf8(token).map_err(|_| syntax)?;
    let [header, claims, signature] = match text.split('.').collect::<Vec<_>>()[..] {
        [h, c, s] => [h, c, s],
        _ => return Err(syntax),
    };
    // The header, read before any key is looked for: ES256, and the key's id if any. (Its
    // bytes must be UTF-8 JSON, RFC 7515 §5.2.)
    let head = decode(header).ok_or(syntax)?;
    let head: Value = serde_json::from_slice(&head).map_err(|_| UNREADABLE_HEADER)?;
    if !head.is_object() {
        return Err(syntax);
    }
    if head.get("alg") != Some(&Value::from("ES256")) {
        return Err(syntax);
    }
    let kid = match head.get("kid") {
        None | Some(Value::Null) => None,
        Some(Value::String(kid)) => Some(kid.as_str()),
        Some(_) => return Err(syntax),
    };
    let keys: &[&[u8]] = match keys {
        KeyModel::Fixed(keys) => keys,
        KeyModel::ByKid(sets) => {
            let kid = kid.filter(|k| !k.is_empty()).ok_or(syntax)?;
            sets.iter()
                .find(|(k, _)| *k == kid)
                .ok_or(&[Reason::UnknownKey][..])?
                .1
        }
    };
    // The signature, over the header and claims as sent.
    let signature = decode(signature).ok_or(syntax)?;
    let signing_input = &text[..header.len() + 1 + claims.len()];
    let index = keys
        .iter()
        .position(|key| verifies(key, signing_input, &signature))
        .ok_or(&[Reason::SignatureMismatch][..])?;
    // Only then the claims.
    let claims = json(claims).ok_or(syntax)?;
    let iat = claims.get("iat").and_then(Value::as_i64).ok_or(syntax)?;
    let claimed = claims
        .get("request_body_sha256")
        .and_then(Value::as_str)
        .ok_or(syntax)?;
    let age = now - i128::from(iat) * 1_000_000_000;
    let window = i128::from(window) * 1_000_000_000;
    if age > window {
        return Err(&[Reason::TimestampTooOld]);
    }
    if -age > window {
        return Err(&[Reason::TimestampTooNew]);
    }
    if claimed != body_hash(body) {
        return Err(&[Reason::BodyHashMismatch]);
    }
    Ok((index, iat))
}
