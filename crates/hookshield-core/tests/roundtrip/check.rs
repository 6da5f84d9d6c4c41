//! The properties each preset is tested for: the round trip with its alterations, and
//! secret rotation.

use crate::body::Input;
use crate::shape::{HEX, IdHeader, Layout, Shape, Ts};
use hookshield_core::{
    ErrorKind, Reason, Secret, SignOptions, SignedHeaders, Signer, Verifier, VerifyError, presets,
};
use proptest::prelude::*;
use time::OffsetDateTime;

fn secret(key: &[u8]) -> Secret {
    Secret::from_bytes(key).expect("non-empty key")
}

fn verifier(name: &str, keys: &[&[u8]]) -> Verifier {
    keys.iter()
        .fold(
            Verifier::builder(presets::by_name(name).expect("preset")),
            |b, k| b.secret(secret(k)),
        )
        .build()
        .expect("verifier builds")
}

fn signer(name: &str, key: &[u8]) -> Signer {
    Signer::new(presets::by_name(name).expect("preset"), secret(key)).expect("signer builds")
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

/// Every refusal is a 400 or a 401, and its kind, code and status agree.
fn refused(result: Result<hookshield_core::Verified, VerifyError>, what: &str) -> VerifyError {
    let err = match result {
        Ok(v) => panic!("{what}: accepted as {v:?}"),
        Err(err) => err,
    };
    assert!(matches!(err.status(), 400 | 401), "{what}: {err}");
    assert_eq!(err.kind(), err.reason().kind());
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

/// Signs and verifies, then alters each signed part in turn.
pub(crate) fn round_trip(name: &str, input: &Input) -> Result<(), TestCaseError> {
    let shape = Shape::of(name);
    let at = OffsetDateTime::from_unix_timestamp(input.secs)?.replace_nanosecond(input.nanos)?;
    let whole_seconds = OffsetDateTime::from_unix_timestamp(input.secs)?;
    let millis = millis_of(at)?;
    let (body, body_id) = shape.render(&input.body, millis);
    let ts = input.secs.to_string();
    // The timestamp as it is signed and digested: only a header or a parameter is.
    let signed_ts = match shape.timestamp {
        Ts::Header(_) | Ts::Param(_) => ts.as_str(),
        Ts::None | Ts::BodyMillis(_) => "",
    };

    let signer = signer(name, &input.key);
    let options = SignOptions::new().timestamp(at).id(&input.header_id);
    let signed = signer.sign(&body, &options)?;
    let verifier = verifier(name, &[&input.key]);
    let verified = verifier
        .verify_at(&signed, &body, at)
        .unwrap_or_else(|e| panic!("{name}: own signature refused: {e}"));

    // What the signer sends: the signature, and the timestamp and id headers.
    let mut sent: Vec<String> = signed.iter().map(|(k, _)| k.to_owned()).collect();
    let mut wanted: Vec<String> = std::iter::once(shape.sig_header)
        .chain(shape.id_header.map(|h| h.name))
        .chain(match shape.timestamp {
            Ts::Header(ts_name) => Some(ts_name),
            _ => None,
        })
        .map(str::to_owned)
        .collect();
    sent.sort();
    wanted.sort();
    prop_assert_eq!(sent, wanted);

    // What the verifier says about the request.
    prop_assert_eq!(verified.scheme(), name);
    prop_assert_eq!(verified.secret_index(), 0);
    prop_assert_eq!(verified.secret_label(), None);
    let header_id = shape.id_header.map(|_| input.header_id.as_str());
    let (expected_id, origin) = shape.expected_id(signed_ts, &body, header_id, body_id.clone());
    prop_assert_eq!(verified.event_id(), expected_id.as_str());
    prop_assert_eq!(verified.id_origin(), origin);
    let expected_ts = match shape.timestamp {
        Ts::None => None,
        Ts::Header(_) | Ts::Param(_) => Some(whole_seconds),
        // Milliseconds: the signing instant, truncated.
        Ts::BodyMillis(_) => Some(from_millis(millis)?),
    };
    prop_assert_eq!(verified.timestamp(), expected_ts);
    prop_assert_eq!(verifier.scheme().has_timestamp(), expected_ts.is_some());

    // Through owned byte headers, unchanged: still accepted.
    let headers = owned(&signed);
    prop_assert_eq!(
        verifier.verify_at(&headers, &body, at),
        Ok(verified.clone())
    );

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
            verifier.verify_at(&renamed, &body, at),
            Ok(verified.clone())
        );
    }

    // One bit of the body flipped.
    if !body.is_empty() {
        let mut flipped = body.clone();
        let (at_index, bit) = &input.body_flip;
        flipped[at_index.index(body.len())] ^= 1 << bit;
        let result = verifier.verify_at(&signed, &flipped, at);
        if shape.is_token() {
            // Nothing binds the body to a shared token: accepted, and without an id header
            // under another digest id. (No token shape reads a body field.)
            let v = result.unwrap_or_else(|e| panic!("{name}: shared token refused: {e}"));
            let (id, origin) = shape.expected_id(signed_ts, &flipped, header_id, None);
            prop_assert_eq!(v.event_id(), id.as_str());
            prop_assert_eq!(v.id_origin(), origin);
        } else {
            // The signature is checked before the body is parsed: always a mismatch.
            let err = refused(result, "body bit flipped");
            prop_assert_eq!(err.reason(), Reason::SignatureMismatch);
        }
    }

    let sig_name = shape.sig_header;
    let sig = value_of(&headers, sig_name).to_vec();
    let mac = shape.mac_range(&sig);
    prop_assert!(!mac.is_empty());

    // One character of the MAC replaced by another of the same alphabet.
    {
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
            verifier.verify_at(&replace(&headers, sig_name, changed.clone()), &body, at),
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
        let result = verifier.verify_at(&replace(&headers, sig_name, changed.clone()), &body, at);
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
            let err = refused(result, &what);
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
    let moved = moved_secs.to_string();
    let moved_request = match shape.timestamp {
        Ts::None => None,
        Ts::Header(ts_name) => {
            prop_assert_eq!(value_of(&headers, ts_name), ts.as_bytes());
            Some((replace(&headers, ts_name, moved.into_bytes()), body.clone()))
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
        Ts::BodyMillis(_) => {
            // The timestamp is a body field: moving it is a change of the body, which the
            // body's MAC covers. Signed again, the moved instant is the one reported (one
            // second is within the window).
            let moved_millis = millis + (moved_secs - input.secs) * 1000;
            let (moved_body, _) = shape.render(&input.body, moved_millis);
            let resigned = signer.sign(&moved_body, &options)?;
            let v = verifier
                .verify_at(&resigned, &moved_body, at)
                .unwrap_or_else(|e| panic!("{name}: moved and signed again: {e}"));
            prop_assert_eq!(v.timestamp(), Some(from_millis(moved_millis)?));
            Some((headers.clone(), moved_body))
        }
    };
    if let Some((moved_headers, moved_body)) = moved_request {
        let err = refused(
            verifier.verify_at(&moved_headers, &moved_body, at),
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
        let result = verifier.verify_at(&renamed, &body, at);
        if signed_id {
            if input.other_id != input.header_id {
                let err = refused(result, "id header changed");
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
        let result = verifier.verify_at(&without, &body, at);
        if required {
            let err = refused(result, "id header removed");
            prop_assert_eq!(err.reason(), Reason::MissingId);
        } else {
            // An optional id: the body's, else a digest stands in.
            let v = result.unwrap_or_else(|e| panic!("{name}: without its id header: {e}"));
            let (id, origin) = shape.expected_id(signed_ts, &body, None, body_id);
            prop_assert_eq!(v.event_id(), id.as_str());
            prop_assert_eq!(v.id_origin(), origin);
        }
    }
    Ok(())
}

/// Two active secrets: whichever signed is reported by index and label.
pub(crate) fn rotation(name: &str, input: &Input) -> Result<(), TestCaseError> {
    let shape = Shape::of(name);
    let at = OffsetDateTime::from_unix_timestamp(input.secs)?;
    let (body, _) = shape.render(&input.body, millis_of(at)?);
    let options = SignOptions::new().timestamp(at).id(&input.header_id);
    let verifier = Verifier::builder(presets::by_name(name)?)
        .labeled_secret("old", secret(&input.key))
        .labeled_secret("new", secret(&input.other_key))
        .build()?;

    for (index, key, label) in [(0, &input.key, "old"), (1, &input.other_key, "new")] {
        let signed = signer(name, key).sign(&body, &options)?;
        let v = verifier
            .verify_at(&signed, &body, at)
            .unwrap_or_else(|e| panic!("{name}: secret {index} refused: {e}"));
        prop_assert_eq!(v.secret_index(), index);
        prop_assert_eq!(v.secret_label(), Some(label));
    }

    // A secret the verifier does not know.
    let stranger = signer(name, &input.unknown_key);
    let signed = stranger.sign(&body, &options)?;
    let err = refused(verifier.verify_at(&signed, &body, at), "unknown secret");
    prop_assert_eq!(err.reason(), Reason::SignatureMismatch);

    // List layouts carry one signature per secret while the sender rotates.
    match stranger.with_secret(secret(&input.other_key)) {
        Ok(both) => {
            prop_assert!(shape.is_list(), "{} signs with two secrets", name);
            let signed = both.sign(&body, &options)?;
            let v = verifier.verify_at(&signed, &body, at)?;
            prop_assert_eq!(v.secret_index(), 1);
            let only_new = verifier_one(name, &input.other_key);
            prop_assert_eq!(only_new.verify_at(&signed, &body, at)?.secret_index(), 0);
        }
        Err(_) => prop_assert!(!shape.is_list(), "{} refuses a second secret", name),
    }
    Ok(())
}

fn verifier_one(name: &str, key: &[u8]) -> Verifier {
    verifier(name, &[key])
}
