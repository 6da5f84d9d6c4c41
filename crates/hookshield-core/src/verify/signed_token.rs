//! Signed tokens: a JWS (compact JWT) in a header whose claims sign the body's hash and
//! the time, as Plaid sends them (`Plaid-Verification`, ES256).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::error::Reason;
use crate::keys::key_set::KeySet;

/// The longest token read (the header is capped at 8 KiB anyway).
const MAX_TOKEN: usize = 4096;

/// The JOSE header: which algorithm, which key.
#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

/// The claims hookshield checks.
#[derive(Deserialize)]
struct Claims {
    iat: i64,
    request_body_sha256: String,
}

/// The three parts of a compact JWS.
struct Parts<'a> {
    header: &'a [u8],
    signing_input: &'a [u8],
    payload: &'a [u8],
    signature: &'a [u8],
}

fn split(token: &[u8]) -> Result<Parts<'_>, Reason> {
    if token.len() > MAX_TOKEN {
        return Err(Reason::TokenSyntax);
    }
    let mut dots = memchr::memchr_iter(b'.', token);
    let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(Reason::TokenSyntax);
    };
    let part = |range: std::ops::Range<usize>| token.get(range).ok_or(Reason::TokenSyntax);
    Ok(Parts {
        header: part(0..first)?,
        signing_input: part(0..second)?,
        payload: part(first.saturating_add(1)..second)?,
        signature: part(second.saturating_add(1)..token.len())?,
    })
}

fn decode(part: &[u8]) -> Result<Vec<u8>, Reason> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Reason::TokenSyntax)
}

/// A JSON part of the token: UTF-8, as RFC 7515 requires, then the fields read.
fn json<T: serde::de::DeserializeOwned>(part: &[u8]) -> Result<T, Reason> {
    let bytes = decode(part)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| Reason::TokenSyntax)?;
    serde_json::from_str(text).map_err(|_| Reason::TokenSyntax)
}

/// The header of an ES256 token; anything else (`none`, `HS256`, another curve) is
/// refused before a key is looked for.
fn es256_header(token: &[u8]) -> Result<(Parts<'_>, Header), Reason> {
    let parts = split(token)?;
    let header: Header = json(parts.header)?;
    if header.alg != "ES256" {
        return Err(Reason::TokenSyntax);
    }
    Ok((parts, header))
}

/// The key id an ES256 token names, for the key resolver; [`Reason::TokenSyntax`] when
/// the token cannot be read or is of another algorithm.
pub(crate) fn key_id(token: &[u8]) -> Result<String, Reason> {
    let (_, header) = es256_header(token)?;
    header
        .kid
        .filter(|kid| (1..=256).contains(&kid.len()))
        .ok_or(Reason::TokenSyntax)
}

/// What a verified token says: the index of the key that signed it and its `iat`.
pub(crate) struct Checked {
    pub(crate) key_index: usize,
    pub(crate) issued_at: i64,
}

/// Verifies an ES256 token with `keys`; only then reads its claims and compares the
/// body's SHA-256 (hex) with `request_body_sha256`, in constant time.
pub(crate) fn check(token: &[u8], keys: &KeySet, body: &[u8]) -> Result<Checked, Reason> {
    let (parts, _) = es256_header(token)?;
    let signature = decode(parts.signature)?;
    let key_index = keys
        .keys
        .iter()
        .position(|key| key.keyed.verifies_raw_p256(parts.signing_input, &signature))
        .ok_or(Reason::SignatureMismatch)?;
    let claims: Claims = json(parts.payload)?;
    let digest = const_hex::encode(Sha256::digest(body));
    let claimed = claims.request_body_sha256.to_ascii_lowercase();
    let same =
        claimed.len() == digest.len() && bool::from(claimed.as_bytes().ct_eq(digest.as_bytes()));
    if !same {
        return Err(Reason::BodyHashMismatch);
    }
    Ok(Checked {
        key_index,
        issued_at: claims.iat,
    })
}
