//! The properties each preset is tested for: the round trip with its alterations, and
//! secret rotation. Presets that sign with a private key (Discord, SendGrid, Plaid) are
//! signed with one made from the input's 32 key bytes and verified with its public key,
//! which stands wherever a secret stands for the others; Plaid's token is also judged
//! against the model in `token`, its keys also found by `kid`.

use crate::body::{BodySpec, Input, TokenSpec};
use crate::request::{HUBSPOT_DECODED, Port, UrlSpec, escaped, signed_url, twilio_form};
use crate::shape::{BASE64URL, HEX, Hs, IdHeader, Keys, Layout, Shape, Ts, UrlShape};
use crate::token::{self, KeyModel};
use hookshield_core::{
    Algorithm, ConfigError, ErrorKind, KeyMap, KeySet, PrivateKey, PublicKey, Reason,
    RequestContext, Secret, SignOptions, SignedHeaders, Signer, Verified, Verifier,
    VerifierBuilder, VerifyError, presets,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn secret(key: &[u8]) -> Secret {
    Secret::from_bytes(key).expect("non-empty key")
}

/// The private key of a public-key preset made from 32 key bytes: Ed25519's seed, or
/// P-256's scalar, both written in hex as `PrivateKey::parse` reads them.
fn private(shape: &Shape, key: &[u8]) -> PrivateKey {
    let algorithm = match shape.keys {
        Keys::Ed25519 => Algorithm::Ed25519,
        Keys::P256 => Algorithm::EcdsaP256Sha256,
        Keys::Shared => panic!("{} signs with a shared secret", shape.name),
    };
    PrivateKey::parse(algorithm, &const_hex::encode(key)).expect("a valid private key")
}

fn public(shape: &Shape, key: &[u8]) -> PublicKey {
    private(shape, key).public_key()
}

/// A verifier builder with `keys`: secrets, or the public keys of a public-key preset.
fn builder(name: &str, keys: &[&[u8]]) -> VerifierBuilder {
    let shape = Shape::of(name);
    keys.iter().fold(
        Verifier::builder(presets::by_name(name).expect("preset")),
        |b, k| {
            if shape.is_public_key() {
                b.public_key(public(&shape, k))
            } else {
                b.secret(secret(k))
            }
        },
    )
}

/// A verifier with `keys`, configured with the request's public URL when there is one.
fn verifier(name: &str, keys: &[&[u8]], request: Option<&Request>) -> Verifier {
    let builder = builder(name, keys);
    match request {
        Some(request) => builder.public_url(&request.spec.public_url()),
        None => builder,
    }
    .build()
    .expect("verifier builds")
}

/// The provider's signer: with the secret `key`, or the private key made from it.
fn signer(name: &str, key: &[u8]) -> Signer {
    let shape = Shape::of(name);
    let preset = presets::by_name(name).expect("preset");
    if shape.is_public_key() {
        Signer::with_private_key(preset, private(&shape, key))
    } else {
        Signer::new(preset, secret(key))
    }
    .expect("signer builds")
}

/// `signer` signing with one more key as well (a rotation), if its layout allows it.
fn also(signer: Signer, shape: &Shape, key: &[u8]) -> Result<Signer, ConfigError> {
    if shape.is_public_key() {
        signer.also_private_key(private(shape, key))
    } else {
        signer.with_secret(secret(key))
    }
}

/// Headers as owned byte values, so they can be altered freely.
type Headers = Vec<(String, Vec<u8>)>;

fn owned(headers: &SignedHeaders) -> Headers {
    headers
        .iter()
        .map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec()))
        .collect()
}

fn value_of<'h>(headers: &'h Headers, name: &str) -> &'h [u8] {
    &headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("header {name} was sent"))
        .1
}

fn replace(headers: &Headers, name: &str, value: Vec<u8>) -> Headers {
    let mut out = headers.clone();
    let slot = out
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("header {name} was sent"));
    slot.1 = value;
    out
}

/// Every refusal is a 400 or a 401, and its kind, code and status agree: the reason's
/// kind, but a malformed header's for a scheme that answers it as a mismatch (Discord).
fn refused(shape: &Shape, result: Result<Verified, VerifyError>, what: &str) -> VerifyError {
    let err = match result {
        Ok(v) => panic!("{what}: accepted as {v:?}"),
        Err(err) => err,
    };
    assert!(matches!(err.status(), 400 | 401), "{what}: {err}");
    let kind = match err.reason().kind() {
        ErrorKind::MalformedHeader if shape.malformed_unauthorized => ErrorKind::SignatureMismatch,
        kind => kind,
    };
    assert_eq!(err.kind(), kind, "{what}: {err}");
    assert_eq!(err.code(), err.kind().code());
    err
}

/// The instant `millis` milliseconds after the epoch.
fn from_millis(millis: i64) -> Result<OffsetDateTime, TestCaseError> {
    Ok(OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(millis) * 1_000_000,
    )?)
}

fn millis_of(at: OffsetDateTime) -> Result<i64, TestCaseError> {
    Ok(i64::try_from(
        at.unix_timestamp_nanos().div_euclid(1_000_000),
    )?)
}

/// The request of a preset that signs its URL or method: where the provider sends it and
/// what the app receives.
pub(crate) struct Request {
    spec: UrlSpec,
    shape: UrlShape,
    /// The URL the provider calls: the spec's, with Twilio's `bodySHA256` when `hashed`.
    url: String,
    /// The path and query the app receives.
    target: String,
    /// The URL carries the body's hash, and the URL alone is signed.
    hashed: bool,
}

impl Request {
    /// The request for `input`, when `shape` signs the URL. Twilio gets `bodySHA256`
    /// for JSON bodies (and some raw ones), added by the signer.
    fn of(shape: &Shape, input: &Input, signer: &Signer, body: &[u8]) -> Option<Self> {
        let url_shape = shape.url?;
        let spec = input.url.clone();
        let hashed = url_shape.body_hash.is_some()
            && match input.body {
                BodySpec::Json { .. } => true,
                BodySpec::Form(_) => false,
                BodySpec::Raw(_) => input.hash_raw,
            };
        let plain = spec.full_url();
        let url = match url_shape.body_hash {
            Some(param) => {
                let with_hash = signer
                    .url_with_body_hash(&plain, body)
                    .expect("a scheme with a body hash");
                let separator = if plain.contains('?') { '&' } else { '?' };
                let hash = const_hex::encode(Sha256::digest(body));
                assert_eq!(with_hash, format!("{plain}{separator}{param}={hash}"));
                if hashed { with_hash } else { plain }
            }
            None => {
                assert_eq!(signer.url_with_body_hash(&plain, body), None);
                plain
            }
        };
        let target = spec.target_of(&url);
        Some(Self {
            spec,
            shape: url_shape,
            url,
            target,
            hashed,
        })
    }

    fn context(&self) -> RequestContext<'_> {
        RequestContext::new(self.spec.method, &self.target)
    }

    /// What the provider signs for a request the app receives with `target`.
    fn signed_for(&self, target: &str) -> String {
        let public = self.spec.public_url();
        let base = public.strip_suffix('/').unwrap_or(&public);
        signed_url(self.shape, &format!("{base}{target}"))
    }
}

/// Verifies as the app would: with the request when the scheme signs it.
fn verify<H: hookshield_core::HeaderLookup>(
    verifier: &Verifier,
    request: Option<&Request>,
    headers: &H,
    body: &[u8],
    at: OffsetDateTime,
) -> Result<Verified, VerifyError> {
    match request {
        Some(request) => verifier.verify_request_at(&request.context(), headers, body, at),
        None => verifier.verify_at(headers, body, at),
    }
}

fn sign_options(input: &Input, at: OffsetDateTime, request: Option<&Request>) -> SignOptions {
    let options = SignOptions::new().timestamp(at).id(&input.header_id);
    let options = match &input.token {
        Some(token) => options.key_id(&token.kid),
        None => options,
    };
    match request {
        Some(request) => options.url(&request.url).method(request.spec.method),
        None => options,
    }
}

/// Signs and verifies, then alters each signed part in turn.
pub(crate) fn round_trip(name: &str, input: &Input) -> Result<(), TestCaseError> {
    let shape = Shape::of(name);
    let at = OffsetDateTime::from_unix_timestamp(input.secs)?.replace_nanosecond(input.nanos)?;
    let whole_seconds = OffsetDateTime::from_unix_timestamp(input.secs)?;
    let millis = millis_of(at)?;
    let (body, body_id) = shape.render(&input.body, millis);
    let ts = input.secs.to_string();

    let signer = signer(name, &input.key);
    let request = Request::of(&shape, input, &signer, &body);
    let req = request.as_ref();
    let options = sign_options(input, at, req);
    let signed = signer.sign(&body, &options)?;
    let verifier = verifier(name, &[&input.key], req);
    let verified = verify(&verifier, req, &signed, &body, at)
        .unwrap_or_else(|e| panic!("{name}: own signature refused: {e}"));
    let headers = owned(&signed);

    // What the signer sends: the signature, and the timestamp and id headers.
    let mut sent: Vec<String> = signed.iter().map(|(k, _)| k.to_owned()).collect();
    let mut wanted: Vec<String> = std::iter::once(shape.sig_header)
        .chain(shape.id_header.map(|h| h.name))
        .chain(shape.timestamp.header())
        .map(str::to_owned)
        .collect();
    sent.sort();
    wanted.sort();
    prop_assert_eq!(sent, wanted);

    // The timestamp as sent, signed and digested: only a header or a parameter is.
    let signed_ts = match shape.timestamp {
        Ts::Header(_) | Ts::Param(_) => ts.clone(),
        Ts::HeaderMillis(_) => millis.to_string(),
        Ts::HeaderRfc3339(ts_name) => {
            // Twitch writes UTC with the fraction of a second: it reads back exactly.
            let text = String::from_utf8(value_of(&headers, ts_name).to_vec())?;
            prop_assert!(text.ends_with('Z'), "{}", text);
            prop_assert_eq!(OffsetDateTime::parse(&text, &Rfc3339)?, at);
            text
        }
        Ts::TokenClaim { .. } => {
            // The signing instant's second, as the token's `iat` (checked with the rest of
            // the token in `token_alterations`).
            let [_, claims, _] = token::parts(value_of(&headers, shape.sig_header));
            let iat = token::json(&claims).and_then(|c| c.get("iat").and_then(|t| t.as_i64()));
            prop_assert_eq!(iat, Some(input.secs));
            ts.clone()
        }
        Ts::None | Ts::BodyMillis(_) => String::new(),
    };

    // What the verifier says about the request.
    prop_assert_eq!(verified.scheme(), name);
    prop_assert_eq!(verified.secret_index(), 0);
    prop_assert_eq!(verified.secret_label(), None);
    let header_id = shape.id_header.map(|_| input.header_id.as_str());
    let (expected_id, origin) = shape.expected_id(&signed_ts, &body, header_id, body_id.clone());
    prop_assert_eq!(verified.event_id(), expected_id.as_str());
    prop_assert_eq!(verified.id_origin(), origin);
    let expected_ts = match shape.timestamp {
        Ts::None => None,
        Ts::Header(_) | Ts::Param(_) | Ts::TokenClaim { .. } => Some(whole_seconds),
        // Milliseconds: the signing instant, truncated.
        Ts::HeaderMillis(_) | Ts::BodyMillis(_) => Some(from_millis(millis)?),
        Ts::HeaderRfc3339(_) => Some(at),
    };
    prop_assert_eq!(verified.timestamp(), expected_ts);
    prop_assert_eq!(verifier.scheme().has_timestamp(), expected_ts.is_some());

    // Through owned byte headers, unchanged: still accepted.
    prop_assert_eq!(
        verify(&verifier, req, &headers, &body, at),
        Ok(verified.clone())
    );

    // No verified request here is a handshake but Discord's pings (bodies whose `type` is
    // 0 or 1), nor a signed POST a GET challenge or a secret handover.
    let ctx = req.map_or(RequestContext::new("POST", "/hooks?x=1"), Request::context);
    let reply = verifier
        .handshake_reply(Some(&ctx), &headers, &body, &verified)
        .map(|answer| answer.map(|r| (r.status(), r.body().to_owned())));
    prop_assert_eq!(reply, shape.signed_handshake(&body).map(Ok));
    prop_assert!(verifier.answer_challenge(&ctx, &headers).is_none());
    let get = RequestContext::new("GET", "/hooks?x=1");
    prop_assert!(verifier.answer_challenge(&get, &headers).is_none());
    if let Some(Hs::SecretHandover(handover)) = shape.handshake {
        // A signed delivery that also carries the handover header is a delivery, verified
        // as usual; the header alone is a handover, which a verifier with nowhere to keep
        // the secret refuses.
        let offered = const_hex::encode(Sha256::digest(&input.key)).into_bytes();
        let mut both = headers.clone();
        both.push((handover.to_owned(), offered.clone()));
        prop_assert!(verifier.answer_challenge(&ctx, &both).is_none());
        prop_assert_eq!(
            verify(&verifier, req, &both, &body, at),
            Ok(verified.clone())
        );
        let alone = vec![(handover.to_owned(), offered)];
        let answer = verifier
            .answer_challenge(&ctx, &alone)
            .map(|a| a.map(|_| ()).map_err(|e| e.reason()));
        prop_assert_eq!(answer, Some(Err(Reason::NoChallengeToken)));
    }

    match req {
        Some(request) => {
            url_alterations(name, &shape, input, request, &headers, &body, at, &verified)?
        }
        // A scheme that signs no request part ignores the request.
        None => prop_assert_eq!(
            verifier.verify_request_at(&ctx, &headers, &body, at),
            Ok(verified.clone())
        ),
    }
    if shape.signs_token() {
        token_alterations(name, &shape, input, &signer, &verifier, &headers, &body, at)?;
    }

    // The public key as the provider shows it (Discord's hex, SendGrid's base64 DER).
    if shape.is_public_key() {
        let text = public(&shape, &input.key).to_text();
        let by_text = Verifier::builder(presets::by_name(name)?)
            .encoded_secret(&text)
            .build()?;
        prop_assert_eq!(by_text.verify_at(&signed, &body, at), Ok(verified.clone()));
    }

    // The same key written as the provider shows it (`whsec_` + base64).
    if let Some(prefix) = shape.secret_prefix {
        use base64::Engine as _;
        let text = format!(
            "{prefix}{}",
            base64::engine::general_purpose::STANDARD.encode(&input.key)
        );
        let by_text = Verifier::builder(presets::by_name(name)?)
            .encoded_secret(&text)
            .build()?;
        prop_assert_eq!(by_text.verify_at(&signed, &body, at), Ok(verified.clone()));
    }

    // The same headers under their alias names.
    if let Some((first, second)) = shape.aliases {
        let renamed: Headers = headers
            .iter()
            .map(|(k, v)| {
                let k = match k.get(..first.len()) {
                    Some(head) if head.eq_ignore_ascii_case(first) => {
                        format!("{second}{}", &k[first.len()..])
                    }
                    _ => panic!("{name}: {k} does not start with {first}"),
                };
                (k, v.clone())
            })
            .collect();
        prop_assert_eq!(
            verify(&verifier, req, &renamed, &body, at),
            Ok(verified.clone())
        );
    }

    // One bit of the body flipped.
    if !body.is_empty() {
        let mut flipped = body.clone();
        let (at_index, bit) = &input.body_flip;
        flipped[at_index.index(body.len())] ^= 1 << bit;
        let result = verify(&verifier, req, &signed, &flipped, at);
        if shape.is_token() && shape.body_id.is_none() {
            // Nothing binds the body to a shared token: accepted, and without an id header
            // under another digest id.
            let v = result.unwrap_or_else(|e| panic!("{name}: shared token refused: {e}"));
            let (id, origin) = shape.expected_id(&signed_ts, &flipped, header_id, None);
            prop_assert_eq!(v.event_id(), id.as_str());
            prop_assert_eq!(v.id_origin(), origin);
        } else if shape.is_token() {
            // Okta: the token is right, so the body is read for its id, which the flip
            // may have changed or broken; never anything but a body refusal.
            match result {
                Ok(v) => prop_assert_eq!(v.id_origin(), hookshield_core::IdOrigin::Body),
                Err(err) => {
                    let err = refused(&shape, Err(err), "token, body bit flipped");
                    prop_assert!(
                        matches!(
                            err.kind(),
                            ErrorKind::MalformedBody | ErrorKind::MissingEventId
                        ),
                        "{}: {:?}",
                        name,
                        err
                    );
                }
            }
        } else if shape.signs_token() {
            // The token signs the body's hash: it holds, the hash does not match.
            let err = refused(&shape, result, "body bit flipped");
            prop_assert_eq!(err.reason(), Reason::BodyHashMismatch);
        } else if req.is_some_and(|r| r.hashed) {
            // The URL alone is signed; the body must match the hash it carries.
            let err = refused(&shape, result, "hashed body bit flipped");
            prop_assert_eq!(err.reason(), Reason::BodyHashMismatch);
        } else if shape.signs_form() {
            // Twilio signs the decoded fields: a flip that decodes to the same fields
            // (the case of an escape's hex digit, one invalid byte for another) is the
            // same request.
            let before = twilio_form(&body).expect("generated forms are read");
            match twilio_form(&flipped) {
                Some(after) if after == before => {
                    prop_assert_eq!(result, Ok(verified.clone()));
                }
                Some(_) => {
                    let err = refused(&shape, result, "form bit flipped");
                    prop_assert_eq!(err.reason(), Reason::SignatureMismatch);
                }
                None => {
                    let err = refused(&shape, result, "form bit flipped");
                    prop_assert_eq!(err.reason(), Reason::FormSyntax);
                }
            }
        } else {
            // The signature is checked before the body is parsed: always a mismatch.
            let err = refused(&shape, result, "body bit flipped");
            prop_assert_eq!(err.reason(), Reason::SignatureMismatch);
        }
    }

    let sig_name = shape.sig_header;
    let sig = value_of(&headers, sig_name).to_vec();
    let mac = shape.mac_range(&sig);
    prop_assert!(!mac.is_empty());

    // One character of the MAC replaced by another of the same alphabet (a signed
    // token's, in each of its parts: see `token_alterations`).
    if !shape.signs_token() {
        let pos = mac.start + input.sig_pos.index(mac.len());
        let others: Vec<u8> = shape
            .alphabet
            .iter()
            .copied()
            .filter(|c| *c != sig[pos])
            .collect();
        let mut changed = sig.clone();
        changed[pos] = others[input.sig_char.index(others.len())];
        let err = refused(
            &shape,
            verify(
                &verifier,
                req,
                &replace(&headers, sig_name, changed.clone()),
                &body,
                at,
            ),
            "signature character replaced",
        );
        // Base64's last character may carry unused bits, which must be zero.
        let last_b64 = shape.is_base64() && pos + 1 == mac.end;
        prop_assert!(
            err.reason() == Reason::SignatureMismatch
                || (last_b64 && err.reason() == Reason::SignatureEncoding),
            "{}: {:?} for {:?}",
            name,
            err.reason(),
            String::from_utf8_lossy(&changed)
        );
    }

    // Any byte of the header value replaced by any other byte.
    {
        let pos = input.sig_pos.index(sig.len());
        let old = sig[pos];
        let new = input.sig_byte.apply(old);
        let mut changed = sig.clone();
        changed[pos] = new;
        let result = verify(
            &verifier,
            req,
            &replace(&headers, sig_name, changed.clone()),
            &body,
            at,
        );
        // The only equivalent spellings: hex digits and single-signature prefixes in either
        // case, and a `v1,` list's optional padding turned into a (skipped) list separator.
        // (Keys of `k=v` lists are case-sensitive; their items are trimmed, but a space
        // only ever stands where a meaningful byte was, so trimming it restores nothing.)
        let case_only = old.eq_ignore_ascii_case(&new);
        let equivalent = (case_only && pos < shape.prefix().len())
            || (case_only && shape.alphabet == HEX && mac.contains(&pos))
            || (shape.layout == Layout::Versioned
                && old == b'='
                && new == b' '
                && pos + 1 == sig.len());
        if equivalent {
            prop_assert_eq!(result, Ok(verified.clone()));
        } else {
            let what = format!(
                "{name}: byte {pos} {:?} -> {:?} in {:?}",
                old as char,
                new as char,
                String::from_utf8_lossy(&changed)
            );
            let err = refused(&shape, result, &what);
            prop_assert!(
                err.kind() == ErrorKind::SignatureMismatch
                    || err.kind() == ErrorKind::MalformedHeader
                    || err.kind() == ErrorKind::MissingHeader,
                "{}: {:?}",
                what,
                err
            );
        }
    }

    // The signed timestamp moved by one second: a request with these headers and body.
    let moved_secs = if input.ts_later {
        input.secs + 1
    } else {
        input.secs - 1
    };
    let delta = moved_secs - input.secs;
    let moved = moved_secs.to_string();
    let moved_request = match shape.timestamp {
        Ts::None => None,
        Ts::Header(ts_name) | Ts::HeaderMillis(ts_name) | Ts::HeaderRfc3339(ts_name) => {
            prop_assert_eq!(value_of(&headers, ts_name), signed_ts.as_bytes());
            let value = match shape.timestamp {
                Ts::HeaderMillis(_) => (millis + delta * 1000).to_string(),
                Ts::HeaderRfc3339(_) => (at + time::Duration::seconds(delta)).format(&Rfc3339)?,
                _ => moved,
            };
            Some((replace(&headers, ts_name, value.into_bytes()), body.clone()))
        }
        Ts::Param(key) => {
            let Layout::KeyValue { pair, .. } = shape.layout else {
                panic!("{name}: a parameter needs a k=v list");
            };
            let text = String::from_utf8(sig.clone())?;
            let rest = text
                .strip_prefix(&format!("{key}={ts}{pair}"))
                .unwrap_or_else(|| panic!("{name}: the header starts with {key}="));
            let value = format!("{key}={moved}{pair}{rest}");
            Some((
                replace(&headers, sig_name, value.into_bytes()),
                body.clone(),
            ))
        }
        Ts::TokenClaim { .. } => {
            // The claims changed, the signature kept.
            let [header, _, signature] = token::parts(&sig);
            let claims = token::encode(token::claims(moved_secs, &body));
            let forged = token::join(&[header, claims, signature]);
            Some((replace(&headers, sig_name, forged), body.clone()))
        }
        Ts::BodyMillis(_) => {
            // The timestamp is a body field: moving it is a change of the body, which the
            // body's MAC covers. Signed again, the moved instant is the one reported (one
            // second is within the window).
            let moved_millis = millis + delta * 1000;
            let (moved_body, _) = shape.render(&input.body, moved_millis);
            let resigned = signer.sign(&moved_body, &options)?;
            let v = verify(&verifier, req, &resigned, &moved_body, at)
                .unwrap_or_else(|e| panic!("{name}: moved and signed again: {e}"));
            prop_assert_eq!(v.timestamp(), Some(from_millis(moved_millis)?));
            Some((headers.clone(), moved_body))
        }
    };
    if let Some((moved_headers, moved_body)) = moved_request {
        let err = refused(
            &shape,
            verify(&verifier, req, &moved_headers, &moved_body, at),
            "timestamp moved",
        );
        prop_assert_eq!(err.reason(), Reason::SignatureMismatch);
    }

    // Another event id in the id header, or none.
    if let Some(IdHeader {
        name: id_name,
        signed: signed_id,
        required,
    }) = shape.id_header
    {
        prop_assert_eq!(value_of(&headers, id_name), input.header_id.as_bytes());
        let renamed = replace(&headers, id_name, input.other_id.clone().into_bytes());
        let result = verify(&verifier, req, &renamed, &body, at);
        if signed_id {
            if input.other_id != input.header_id {
                let err = refused(&shape, result, "id header changed");
                prop_assert_eq!(err.reason(), Reason::SignatureMismatch);
            }
        } else {
            // Not part of the signed content: the provider's id is taken as sent.
            let v = result.unwrap_or_else(|e| panic!("{name}: unsigned id header: {e}"));
            prop_assert_eq!(v.event_id(), input.other_id.as_str());
        }

        let without: Headers = headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case(id_name))
            .cloned()
            .collect();
        let result = verify(&verifier, req, &without, &body, at);
        if required {
            let err = refused(&shape, result, "id header removed");
            prop_assert_eq!(err.reason(), Reason::MissingId);
        } else {
            // An optional id: the body's, else a digest stands in.
            let v = result.unwrap_or_else(|e| panic!("{name}: without its id header: {e}"));
            let (id, origin) = shape.expected_id(&signed_ts, &body, None, body_id);
            prop_assert_eq!(v.event_id(), id.as_str());
            prop_assert_eq!(v.id_origin(), origin);
        }
    }
    Ok(())
}

/// For a preset that signs the request: every part of the URL and the method, changed
/// in turn, and the URL told by trusted forwarded headers instead of configured.
#[allow(clippy::too_many_arguments)]
fn url_alterations(
    name: &str,
    shape: &Shape,
    input: &Input,
    request: &Request,
    headers: &Headers,
    body: &[u8],
    at: OffsetDateTime,
    verified: &Verified,
) -> Result<(), TestCaseError> {
    let spec = &request.spec;
    let key: &[u8] = &input.key;
    let with_public = |public: &str| {
        builder(name, &[key])
            .public_url(public)
            .build()
            .unwrap_or_else(|e| panic!("{name}: public URL {public:?}: {e}"))
    };
    let verifier = with_public(&spec.public_url());
    let ctx = request.context();
    let mismatch = |result: Result<Verified, VerifyError>, what: &str| {
        let err = refused(shape, result, &format!("{name}: {what}"));
        assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "{name}: {what}");
        if request.shape.body_hash.is_none() {
            assert_eq!(err.reason(), Reason::SignatureMismatch, "{name}: {what}");
        }
    };

    // Without the request the URL is unknown: the app's wiring is wrong, not the request.
    let err = verifier.verify_at(headers, body, at).unwrap_err();
    prop_assert_eq!(err.reason(), Reason::NoRequestContext);
    prop_assert_eq!((err.status(), err.code()), (500, "webhook_not_configured"));

    // One byte of the target replaced: refused unless HubSpot's decoding makes it the
    // same URL (an escape's hex digit in the other case).
    let altered = spec.altered(&request.target);
    let result = verifier.verify_request_at(
        &RequestContext::new(spec.method, &altered),
        headers,
        body,
        at,
    );
    if request.signed_for(&altered) == request.signed_for(&request.target) {
        prop_assert_eq!(
            result,
            Ok(verified.clone()),
            "{} -> {}",
            request.target,
            altered
        );
    } else {
        mismatch(
            result,
            &format!("target {:?} -> {altered:?}", request.target),
        );
    }

    // Every character HubSpot decodes, escaped: the same URL to HubSpot, another one to
    // the others (unless the target has none).
    let escaped = escaped(&request.target, HUBSPOT_DECODED, spec.lower_escapes);
    let result = verifier.verify_request_at(
        &RequestContext::new(spec.method, &escaped),
        headers,
        body,
        at,
    );
    if request.signed_for(&escaped) == request.signed_for(&request.target) {
        prop_assert_eq!(
            result,
            Ok(verified.clone()),
            "{} -> {}",
            request.target,
            escaped
        );
    } else {
        mismatch(
            result,
            &format!("target {:?} -> {escaped:?}", request.target),
        );
    }

    // A slash added at the end of the path.
    let (path, query) = request
        .target
        .split_once('?')
        .map_or((request.target.as_str(), None), |(p, q)| (p, Some(q)));
    let slashed = match query {
        Some(query) => format!("{path}/?{query}"),
        None => format!("{path}/"),
    };
    mismatch(
        verifier.verify_request_at(
            &RequestContext::new(spec.method, &slashed),
            headers,
            body,
            at,
        ),
        "trailing slash",
    );

    // Another method (or the same in another case): signed by HubSpot only.
    let other = RequestContext::new(spec.other_method(), &request.target);
    let result = verifier.verify_request_at(&other, headers, body, at);
    if shape.signs_method() {
        mismatch(
            result,
            &format!("method {} -> {}", spec.method, spec.other_method()),
        );
    } else {
        prop_assert_eq!(result, Ok(verified.clone()));
    }

    // The other scheme, another host.
    let mut other_spec = spec.clone();
    other_spec.https = !spec.https;
    mismatch(
        with_public(&other_spec.public_url()).verify_request_at(&ctx, headers, body, at),
        "scheme changed",
    );
    if spec.host != "evil.example" {
        let mut other_spec = spec.clone();
        other_spec.host = "evil.example".to_owned();
        mismatch(
            with_public(&other_spec.public_url()).verify_request_at(&ctx, headers, body, at),
            "host changed",
        );
    }

    // The default port written out or left out: the same URL for Twilio only. Another
    // port is another URL for everyone.
    let (toggled, same) = match spec.port {
        Port::None => (Port::Default, request.shape.port_variants),
        Port::Default => (Port::None, request.shape.port_variants),
        Port::Other(_) => (Port::None, false),
    };
    let result =
        with_public(&spec.public_url_with(toggled)).verify_request_at(&ctx, headers, body, at);
    if same {
        prop_assert_eq!(result, Ok(verified.clone()));
    } else {
        mismatch(result, &format!("port {:?} -> {toggled:?}", spec.port));
    }

    // No public URL: trusted forwarded headers (or `Host`) say it.
    let trusting = builder(name, &[key])
        .trust_forwarded_headers(true)
        .build()
        .expect("a verifier that trusts forwarded headers needs no public URL");
    let mut forwarded = headers.clone();
    forwarded.extend(spec.forwarded_headers());
    prop_assert_eq!(
        trusting.verify_request_at(&ctx, &forwarded, body, at),
        Ok(verified.clone()),
        "{:?}",
        spec.forwarded_headers()
    );
    // A forged X-Forwarded-Host: ignored unless trusted, then another URL.
    if spec.host != "evil.example" {
        let mut forged = headers.clone();
        forged.push(("X-Forwarded-Host".to_owned(), b"evil.example".to_vec()));
        prop_assert_eq!(
            verifier.verify_request_at(&ctx, &forged, body, at),
            Ok(verified.clone())
        );
        let trusting_public = builder(name, &[key])
            .public_url(&spec.public_url())
            .trust_forwarded_headers(true)
            .build()?;
        mismatch(
            trusting_public.verify_request_at(&ctx, &forged, body, at),
            "forged X-Forwarded-Host, trusted",
        );
    }
    Ok(())
}

/// The instant `secs` seconds after the epoch.
fn from_secs(secs: i64) -> Result<OffsetDateTime, TestCaseError> {
    Ok(OffsetDateTime::from_unix_timestamp(secs)?)
}

/// A verifier of a token preset, and the keys it holds as the model (`token`) sees them.
#[derive(Clone, Copy)]
struct TokenReceiver<'a> {
    shape: &'a Shape,
    verifier: &'a Verifier,
    keys: KeyModel<'a>,
}

impl TokenReceiver<'_> {
    /// Verifies `token` with `body` as of `now`, and compares the outcome with what
    /// Plaid's docs make of it (see `token`): the key's index and `iat` of the request
    /// accepted, or the reason it was refused for.
    fn judge(
        &self,
        token: &[u8],
        body: &[u8],
        now: OffsetDateTime,
        what: &str,
    ) -> Result<Result<(usize, i64), Reason>, TestCaseError> {
        let shape = self.shape;
        let Ts::TokenClaim { window } = shape.timestamp else {
            panic!("{}: a token's time is its iat", shape.name);
        };
        let headers: Headers = vec![(shape.sig_header.to_owned(), token.to_vec())];
        let result = self.verifier.verify_at(&headers, body, now);
        let expected = token::judge(token, body, now.unix_timestamp_nanos(), window, self.keys);
        let token = String::from_utf8_lossy(token);
        Ok(match expected {
            Ok((index, iat)) => {
                let v = result.unwrap_or_else(|e| panic!("{what}: {token} refused: {e}"));
                let (id, origin) = shape.expected_id("", body, None, None);
                prop_assert_eq!(v.event_id(), id.as_str(), "{}", what);
                prop_assert_eq!(v.id_origin(), origin, "{}", what);
                prop_assert_eq!(v.timestamp(), Some(from_secs(iat)?), "{}", what);
                prop_assert_eq!(v.secret_index(), index, "{}", what);
                prop_assert_eq!(v.tenant(), None, "{}: a key id is no tenant", what);
                Ok((index, iat))
            }
            Err(reasons) => {
                let err = refused(shape, result, &format!("{what}: {token}"));
                prop_assert!(
                    reasons.contains(&err.reason()),
                    "{}: {:?}, not one of {:?}: {}",
                    what,
                    err.reason(),
                    reasons,
                    token
                );
                Err(err.reason())
            }
        })
    }
}

/// The token a signer sent.
fn token_of(headers: &SignedHeaders, shape: &Shape) -> Vec<u8> {
    headers
        .get(shape.sig_header)
        .expect("a token")
        .as_bytes()
        .to_vec()
}

/// For a preset that signs a token (Plaid): the token as the provider's docs describe
/// it, its key as the provider publishes it (a JWK) and found by its `kid`; `iat`
/// anywhere in the window, on its edges and beyond them; the body, each part of the
/// token and its algorithm changed; and tokens made here as the docs describe them,
/// taken as the provider's own.
#[allow(clippy::too_many_arguments)]
fn token_alterations(
    name: &str,
    shape: &Shape,
    input: &Input,
    signer: &Signer,
    verifier: &Verifier,
    headers: &Headers,
    body: &[u8],
    at: OffsetDateTime,
) -> Result<(), TestCaseError> {
    let spec: &TokenSpec = input
        .token
        .as_ref()
        .expect("a token preset's case has a token");
    let Ts::TokenClaim { window } = shape.timestamp else {
        panic!("{name}: a token's time is its iat");
    };
    let sent = value_of(headers, shape.sig_header).to_vec();
    let [head, claims, signature] = token::parts(&sent);
    let key: &[u8] = &input.key;
    let preset = || presets::by_name(name).expect("preset");
    let options = |iat: i64, kid: &str| -> Result<SignOptions, TestCaseError> {
        Ok(SignOptions::new().timestamp(from_secs(iat)?).key_id(kid))
    };
    let accepted = Ok((0, input.secs));

    // The key given to the verifier, and found by the token's kid in a key map.
    let public = public(shape, key);
    let map = KeyMap::by_key_id();
    map.insert_as(
        &spec.kid,
        KeySet::builder()
            .public_key(public.clone())
            .build(&preset().build()?)?,
    );
    let by_kid_verifier = Verifier::builder(preset()).key_resolver(map).build()?;
    let keys = [key];
    let sets: [(&str, &[&[u8]]); 1] = [(&spec.kid, &keys)];
    let fixed = TokenReceiver {
        shape,
        verifier,
        keys: KeyModel::Fixed(&keys),
    };
    let by_kid = TokenReceiver {
        verifier: &by_kid_verifier,
        keys: KeyModel::ByKid(&sets),
        ..fixed
    };

    // What the signer sends, read as the docs describe it: ES256 and the key's id, the
    // signing instant's second and the body's hash, signed with the private key.
    prop_assert_eq!(
        token::json(&head),
        Some(serde_json::json!({"alg": "ES256", "kid": spec.kid, "typ": "JWT"}))
    );
    prop_assert_eq!(
        token::json(&claims),
        Some(serde_json::json!({"iat": input.secs, "request_body_sha256": token::body_hash(body)}))
    );
    for receiver in [fixed, by_kid] {
        prop_assert_eq!(receiver.judge(&sent, body, at, "as sent")?, accepted);
    }
    prop_assert_eq!(
        by_kid_verifier.verify_at(headers, body, at),
        verifier.verify_at(headers, body, at)
    );

    // The key as Plaid publishes it: a JWK's coordinates.
    let (x, y) = public.jwk_coordinates().expect("a P-256 key");
    prop_assert_eq!((x.clone(), y.clone()), token::jwk(key));
    let by_jwk = Verifier::builder(preset())
        .public_key(PublicKey::p256_jwk(&x, &y)?)
        .build()?;
    let by_jwk = TokenReceiver {
        verifier: &by_jwk,
        ..fixed
    };
    prop_assert_eq!(by_jwk.judge(&sent, body, at, "by JWK")?, accepted);

    // A kid no one knows: a fixed key takes a token whatever its kid names, a key map
    // knows no other kid.
    let stranger = token_of(
        &signer.sign(body, &options(input.secs, &spec.unknown_kid)?)?,
        shape,
    );
    let what = "unknown kid";
    prop_assert_eq!(fixed.judge(&stranger, body, at, what)?, accepted);
    prop_assert_eq!(
        by_kid.judge(&stranger, body, at, what)?,
        Err(Reason::UnknownKey)
    );

    // No token.
    let none: Headers = vec![("X-Other".to_owned(), sent.clone())];
    for receiver in [fixed, by_kid] {
        let err = refused(
            shape,
            receiver.verifier.verify_at(&none, body, at),
            "no token",
        );
        prop_assert_eq!(err.reason(), Reason::MissingSignature);
    }

    // Bytes appended to the body: the signature holds, the hash does not. The claims made
    // for that body, under the old signature: the signature does not hold.
    let mut longer = body.to_vec();
    longer.extend_from_slice(&spec.appended);
    let claimed = token::encode(token::claims(input.secs, &longer));
    let forged = token::join(&[head.clone(), claimed, signature.clone()]);
    for receiver in [fixed, by_kid] {
        prop_assert_eq!(
            receiver.judge(&sent, &longer, at, "body appended")?,
            Err(Reason::BodyHashMismatch)
        );
        prop_assert_eq!(
            receiver.judge(&forged, &longer, at, "claims for the body appended")?,
            Err(Reason::SignatureMismatch)
        );
    }

    // Signed with an `iat` anywhere in the window (or on its edges, where the case's
    // fraction of a second may put it out).
    let iat = input.secs + spec.skew;
    let skewed = token_of(&signer.sign(body, &options(iat, &spec.kid)?)?, shape);
    let what = format!("iat {iat}, verified at {at}");
    let outcome = by_kid.judge(&skewed, body, at, &what)?;
    if spec.skew > -window || input.nanos == 0 {
        prop_assert_eq!(outcome, Ok((0, iat)));
    }
    prop_assert_eq!(fixed.judge(&skewed, body, at, &what)?, outcome);

    // The window's edges exactly, and a nanosecond beyond them.
    let issued = from_secs(input.secs)?;
    let edge = time::Duration::seconds(window);
    let nano = time::Duration::nanoseconds(1);
    for (offset, want) in [
        (edge, accepted),
        (edge + nano, Err(Reason::TimestampTooOld)),
        (-edge, accepted),
        (-edge - nano, Err(Reason::TimestampTooNew)),
    ] {
        if let Some(now) = issued.checked_add(offset) {
            let what = format!("verified {offset} after iat");
            prop_assert_eq!(fixed.judge(&sent, body, now, &what)?, want);
        }
    }

    // Signed again with `iat` beyond the window, on either side.
    for (iat, want) in [
        (input.secs - window - spec.beyond, Reason::TimestampTooOld),
        (input.secs + window + spec.beyond, Reason::TimestampTooNew),
    ] {
        let Ok(options) = options(iat, &spec.kid) else {
            continue; // Past year 9999.
        };
        let moved = token_of(&signer.sign(body, &options)?, shape);
        let what = format!("iat {iat}, verified at {at}");
        for receiver in [fixed, by_kid] {
            prop_assert_eq!(receiver.judge(&moved, body, at, &what)?, Err(want));
        }
    }

    // One character of each part replaced by another of the alphabet: the claims are
    // covered by the signature; a header or signature may no longer be read, or name
    // another algorithm or key.
    for (part, what) in ["header", "claims", "signature"].into_iter().enumerate() {
        let mut parts = [head.clone(), claims.clone(), signature.clone()];
        let mut bytes = parts[part].clone().into_bytes();
        let pos = input.sig_pos.index(bytes.len());
        let others: Vec<u8> = BASE64URL
            .iter()
            .copied()
            .filter(|c| *c != bytes[pos])
            .collect();
        bytes[pos] = others[input.sig_char.index(others.len())];
        parts[part] = String::from_utf8(bytes)?;
        let changed = token::join(&parts);
        let what = format!("{what} character {pos} changed");
        let expected: &[Reason] = match part {
            1 => &[Reason::SignatureMismatch],
            _ => &[
                Reason::SignatureMismatch,
                Reason::TokenSyntax,
                Reason::UnknownKey,
            ],
        };
        for receiver in [fixed, by_kid] {
            let outcome = receiver.judge(&changed, body, at, &what)?;
            prop_assert!(
                outcome.is_err_and(|r| expected.contains(&r)),
                "{}: {:?}",
                what,
                outcome
            );
        }
    }

    // Another algorithm named: refused before any key is looked at, whether the token
    // keeps its signature, is signed (as ES256) by the key over the new header, or is not
    // signed at all.
    let swapped = token::encode(token::header(&spec.alg, &spec.kid));
    let resigned = token::encode(token::sign(key, &format!("{swapped}.{claims}")));
    let what = format!("alg {:?}", spec.alg);
    for signature in [signature.clone(), resigned, String::new()] {
        let forged = token::join(&[swapped.clone(), claims.clone(), signature]);
        for receiver in [fixed, by_kid] {
            prop_assert_eq!(
                receiver.judge(&forged, body, at, &what)?,
                Err(Reason::TokenSyntax)
            );
        }
    }

    // Tokens made here as the docs describe them, in other spellings: the signature with
    // the other `s` (ECDSA signatures come in two forms, and signers need not pick the low
    // one), the header without `typ` and the claims in the other order.
    let other_s = |signature: &str| {
        token::encode(token::other_s(
            &token::decode(signature).expect("base64url"),
        ))
    };
    let own_header = format!(
        r#"{{"kid":{},"alg":"ES256"}}"#,
        serde_json::to_string(&spec.kid)?
    );
    let own_claims = format!(
        r#"{{"request_body_sha256":"{}","iat":{}}}"#,
        token::body_hash(body),
        input.secs
    );
    let own = token::token(key, &own_header, &own_claims);
    let [own_head, own_claims, own_signature] = token::parts(&own);
    for (token, what) in [
        (
            token::join(&[head.clone(), claims.clone(), other_s(&signature)]),
            "the other s",
        ),
        (own.clone(), "made here"),
        (
            token::join(&[own_head, own_claims, other_s(&own_signature)]),
            "made here, the other s",
        ),
    ] {
        for receiver in [fixed, by_kid] {
            prop_assert_eq!(receiver.judge(&token, body, at, what)?, accepted);
        }
    }
    Ok(())
}

/// Two active secrets (or public keys): whichever signed is reported by index, and by
/// label when they have one.
pub(crate) fn rotation(name: &str, input: &Input) -> Result<(), TestCaseError> {
    let shape = Shape::of(name);
    let at = OffsetDateTime::from_unix_timestamp(input.secs)?;
    let (body, _) = shape.render(&input.body, millis_of(at)?);
    let request = Request::of(&shape, input, &signer(name, &input.key), &body);
    let req = request.as_ref();
    let options = sign_options(input, at, req);
    let builder = Verifier::builder(presets::by_name(name)?);
    let builder = if shape.is_public_key() {
        builder
            .labeled_public_key("old", public(&shape, &input.key))
            .labeled_public_key("new", public(&shape, &input.other_key))
    } else {
        builder
            .labeled_secret("old", secret(&input.key))
            .labeled_secret("new", secret(&input.other_key))
    };
    let verifier = match req {
        Some(request) => builder.public_url(&request.spec.public_url()),
        None => builder,
    }
    .build()?;

    for (index, key, label) in [(0, &input.key, "old"), (1, &input.other_key, "new")] {
        let signed = signer(name, key).sign(&body, &options)?;
        let v = verify(&verifier, req, &signed, &body, at)
            .unwrap_or_else(|e| panic!("{name}: secret {index} refused: {e}"));
        prop_assert_eq!(v.secret_index(), index);
        prop_assert_eq!(v.secret_label(), Some(label));
        if index == 1 {
            // Unlabelled, the second is still told by its index.
            let unlabelled = self::verifier(name, &[&input.key, &input.other_key], req);
            let v = verify(&unlabelled, req, &signed, &body, at)
                .unwrap_or_else(|e| panic!("{name}: unlabelled secret 1 refused: {e}"));
            prop_assert_eq!(v.secret_index(), 1);
            prop_assert_eq!(v.secret_label(), None);
        }
    }

    // A secret the verifier does not know.
    let stranger = signer(name, &input.unknown_key);
    let signed = stranger.sign(&body, &options)?;
    let err = refused(
        &shape,
        verify(&verifier, req, &signed, &body, at),
        "unknown secret",
    );
    prop_assert_eq!(err.reason(), Reason::SignatureMismatch);

    // List layouts carry one signature per secret while the sender rotates.
    match also(stranger, &shape, &input.other_key) {
        Ok(both) => {
            prop_assert!(shape.is_list(), "{} signs with two secrets", name);
            let signed = both.sign(&body, &options)?;
            let v = verify(&verifier, req, &signed, &body, at)?;
            prop_assert_eq!(v.secret_index(), 1);
            let only_new = self::verifier(name, &[&input.other_key], req);
            prop_assert_eq!(
                verify(&only_new, req, &signed, &body, at)?.secret_index(),
                0
            );
        }
        Err(_) => prop_assert!(!shape.is_list(), "{} refuses a second secret", name),
    }
    if shape.signs_token() {
        token_rotation(name, &shape, input, &body, at)?;
    }
    Ok(())
}

/// Plaid's keys found by `kid`: two keys under two kids in a key map, each token verified
/// with the key its kid names and reported by that key's label; a token naming the other
/// kid, or signed by a key no kid names, or naming no known kid, refused. Two keys under
/// one kid are told apart by index.
fn token_rotation(
    name: &str,
    shape: &Shape,
    input: &Input,
    body: &[u8],
    at: OffsetDateTime,
) -> Result<(), TestCaseError> {
    let spec = input
        .token
        .as_ref()
        .expect("a token preset's case has a token");
    let scheme = presets::by_name(name)?.build()?;
    let set = |keys: &[(&[u8], &str)]| {
        keys.iter()
            .fold(KeySet::builder(), |b, (key, label)| {
                b.public_key(public(shape, key)).label(label)
            })
            .build(&scheme)
    };
    let (old, new): (&[u8], &[u8]) = (&input.key, &input.other_key);
    let map = KeyMap::by_key_id();
    map.insert_as(&spec.kid, set(&[(old, "old")])?);
    map.insert_as(&spec.other_kid, set(&[(new, "new")])?);
    let verifier = Verifier::builder(presets::by_name(name)?)
        .key_resolver(map.clone())
        .build()?;
    let sets: [(&str, &[&[u8]]); 2] = [(&spec.kid, &[old]), (&spec.other_kid, &[new])];
    let receiver = TokenReceiver {
        shape,
        verifier: &verifier,
        keys: KeyModel::ByKid(&sets),
    };
    let sign = |key: &[u8], kid: &str| -> Result<Vec<u8>, TestCaseError> {
        let options = SignOptions::new().timestamp(at).key_id(kid);
        Ok(token_of(&signer(name, key).sign(body, &options)?, shape))
    };
    let label_of = |token: Vec<u8>| -> Result<Option<String>, TestCaseError> {
        let headers: Headers = vec![(shape.sig_header.to_owned(), token)];
        let v = verifier.verify_at(&headers, body, at)?;
        Ok(v.secret_label().map(str::to_owned))
    };

    for (key, kid, other_kid, label) in [
        (old, &spec.kid, &spec.other_kid, "old"),
        (new, &spec.other_kid, &spec.kid, "new"),
    ] {
        let token = sign(key, kid)?;
        prop_assert_eq!(
            receiver.judge(&token, body, at, label)?,
            Ok((0, input.secs))
        );
        prop_assert_eq!(label_of(token)?, Some(label.to_owned()));
        // The other kid names the other key.
        prop_assert_eq!(
            receiver.judge(&sign(key, other_kid)?, body, at, "the other kid")?,
            Err(Reason::SignatureMismatch)
        );
    }

    // A key no kid names, under a known kid and under an unknown one.
    let stranger = &input.unknown_key;
    prop_assert_eq!(
        receiver.judge(&sign(stranger, &spec.kid)?, body, at, "unknown key")?,
        Err(Reason::SignatureMismatch)
    );
    prop_assert_eq!(
        receiver.judge(&sign(stranger, &spec.unknown_kid)?, body, at, "unknown kid")?,
        Err(Reason::UnknownKey)
    );

    // Both keys under one kid: told apart by index. The other kid removed: unknown.
    map.insert_as(&spec.kid, set(&[(old, "old"), (new, "new")])?);
    prop_assert!(map.remove(&spec.other_kid));
    let sets: [(&str, &[&[u8]]); 1] = [(&spec.kid, &[old, new])];
    let receiver = TokenReceiver {
        keys: KeyModel::ByKid(&sets),
        ..receiver
    };
    let token = sign(new, &spec.kid)?;
    let what = "both keys under one kid";
    prop_assert_eq!(receiver.judge(&token, body, at, what)?, Ok((1, input.secs)));
    prop_assert_eq!(label_of(token)?, Some("new".to_owned()));
    prop_assert_eq!(
        receiver.judge(&sign(new, &spec.other_kid)?, body, at, "kid removed")?,
        Err(Reason::UnknownKey)
    );
    Ok(())
}
