//! Hostile-input catalogue: one table of requests a receiver must refuse (or, for a few
//! odd-but-valid inputs, accept), each with the exact [`Reason`] it is refused for.
//!
//! Every case starts from a request the [`Signer`](hookshield_core::Signer) produced for a fixed instant and changes
//! one thing: an empty, huge, repeated or non-ASCII header; a timestamp that is not a plain
//! unsigned integer or lies outside the window; a signature in the wrong encoding, of the
//! wrong length, of an unknown version or one too many; a public-key signature malleated,
//! out of range or by another key (`public_keys`); a body the scheme cannot read its
//! event id from; a bad secret or public key. Each verification runs under `catch_unwind`
//! (no input may panic), and its kind and status are checked against the rejection table
//! of the design (`DESIGN.md`), not only against the library's own mapping.
//!
//! Schemes that sign the request's URL are received with a method and target, by a verifier
//! with a public URL or trusted forwarded headers (`request_url`), and so are the
//! providers' endpoint challenges (`challenges`): a request with a target goes through
//! `answer_challenge`, then `verify_request`, then `handshake_reply`, as the adapters do,
//! and a handshake answered is an outcome of its own (status, content type, body,
//! `nosniff`).
//!
//! Cases given as `(name, value)` pairs are also replayed through an `http::HeaderMap`
//! whenever `http` accepts the bytes, and must come out the same.
//!
//! The table is written by topic, one module per provider or class of input, each with
//! its `cases()`; `support` holds what they share (the fixed instant, the bodies, the
//! presets, the case type, the `Cases` collector with its tables for the case families
//! several providers share, the signing helpers). Each topic runs as a test of its own,
//! named after it, and `whole_catalogue` checks the concatenation (unique names, enough
//! cases, enough of them replayed through `http::HeaderMap`).

// clippy.toml's in-test allowances cover `#[test]` functions only, not the helpers here
// and in the topic modules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod challenges;
mod civo;
mod empty_signatures;
mod github;
mod hcp;
mod id_swaps;
mod linear;
mod paddle;
mod pagerduty;
mod public_keys;
mod request_url;
mod rfc3339;
mod secrets;
mod shared_token;
mod shopify;
mod slack;
mod standard_webhooks_encoding;
mod standard_webhooks_headers;
mod standard_webhooks_signatures;
mod standard_webhooks_timestamps;
mod stripe;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use hookshield_core::{
    ErrorKind, FixedClock, HANDSHAKE_HEADERS, HandshakeReply, Reason, RequestContext, Verified,
    Verifier, VerifyError,
};
use http::HeaderMap;

use support::{Case, Expect, Headers, at, to_map};

/// One `#[test]` per topic, named after it (so that a failure names the topic), and
/// [`catalogue`], every topic's cases in catalogue order, for the whole-table checks.
/// A topic is a module with a `cases()` function: declare it above and list it here (a
/// topic left out of the list is dead code, which the lints refuse).
macro_rules! topics {
    ($($topic:ident),* $(,)?) => {
        /// The whole catalogue: every topic's cases, in order.
        fn catalogue() -> Vec<Case> {
            let mut cases = Vec::new();
            $(cases.extend($topic::cases());)*
            cases
        }

        $(
            #[test]
            fn $topic() {
                check(stringify!($topic), $topic::cases());
            }
        )*
    };
}

topics!(
    standard_webhooks_headers,
    standard_webhooks_timestamps,
    standard_webhooks_encoding,
    standard_webhooks_signatures,
    secrets,
    stripe,
    hcp,
    civo,
    id_swaps,
    github,
    slack,
    shopify,
    shared_token,
    empty_signatures,
    paddle,
    pagerduty,
    linear,
    rfc3339,
    request_url,
    challenges,
    public_keys,
);

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
        ErrorKind::MalformedBody => (400, "malformed_body"),
        ErrorKind::MissingEventId => (400, "missing_event_id"),
        ErrorKind::ChallengeRefused => (403, "challenge_refused"),
        ErrorKind::NotConfigured => (500, "webhook_not_configured"),
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
        // A trusted forwarded header that cannot be read.
        | Reason::ForwardedSyntax => ErrorKind::MalformedHeader,
        // Body rows: the signed body cannot give what the scheme reads from it.
        Reason::BodyUnreadable
        | Reason::BodyNotJson
        | Reason::BodyFieldType
        | Reason::BodyIdSyntax
        | Reason::BodyTimestampSyntax
        | Reason::MissingTimestampField
        // A form body with more fields than are read.
        | Reason::FormSyntax => ErrorKind::MalformedBody,
        Reason::MissingIdField => ErrorKind::MissingEventId,
        // A body that is not the one the signed URL's hash names is not what was signed.
        Reason::NoSupportedSignature | Reason::SignatureMismatch | Reason::BodyHashMismatch => {
            ErrorKind::SignatureMismatch
        }
        // A provider's unsigned challenge that must not be answered.
        Reason::ChallengeTokenMismatch | Reason::NoChallengeToken | Reason::ChallengeSyntax => {
            ErrorKind::ChallengeRefused
        }
        // The app's wiring: the URL a scheme signs cannot be known.
        Reason::NoRequestContext | Reason::NoPublicUrl => ErrorKind::NotConfigured,
        Reason::TimestampTooOld | Reason::TimestampTooNew => ErrorKind::TimestampOutOfWindow,
        Reason::BodyTooLarge => ErrorKind::PayloadTooLarge,
        Reason::BodyTimeout => ErrorKind::BodyTimeout,
        Reason::DuplicateInFlight => ErrorKind::DuplicateInFlight,
        // `StoreUnavailable`; a reason added later lands here too, and fails its cases.
        _ => ErrorKind::ReplayStoreUnavailable,
    }
}

/// What a request came to: verified (and no handshake), or a handshake answered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Done {
    Verified(Verified),
    Replied(HandshakeReply),
}

type Outcome = Result<Done, VerifyError>;

/// `f` under `catch_unwind`: a panic is reported as a failure naming `what`.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| format!("{what} panicked"))
}

/// Receives a request as the adapters do, each step under `catch_unwind`: with a request
/// context, the unsigned `GET` challenge is answered first; then the request is verified,
/// both through the clock and with an explicit instant (a disagreement between the two is
/// a failure); then a signed handshake is answered.
fn run<H: hookshield_core::HeaderLookup>(
    verifier: &Verifier,
    request: Option<&(String, String)>,
    headers: &H,
    body: &[u8],
) -> Result<Outcome, String> {
    let context = request.map(|(method, target)| RequestContext::new(method, target));
    let (first, second) = match &context {
        Some(context) => {
            let challenge = guarded("answer_challenge", || {
                verifier.answer_challenge(context, headers)
            })?;
            if let Some(answer) = challenge {
                return Ok(answer.map(Done::Replied));
            }
            let first = guarded("verify_request", || {
                verifier.verify_request(context, headers, body)
            })?;
            let second = guarded("verify_request_at", || {
                verifier.verify_request_at(context, headers, body, at(0))
            })?;
            (first, second)
        }
        None => {
            let first = guarded("verify", || verifier.verify(headers, body))?;
            let second = guarded("verify_at", || verifier.verify_at(headers, body, at(0)))?;
            (first, second)
        }
    };
    if first != second {
        return Err(format!(
            "verified {first:?} by the clock but {second:?} at(0)"
        ));
    }
    let Ok(verified) = first else {
        return Ok(first.map(Done::Verified));
    };
    let reply = guarded("handshake_reply", || {
        verifier.handshake_reply(context.as_ref(), headers, body, &verified)
    })?;
    // A recognised handshake whose challenge cannot be answered is refused.
    Ok(reply.map_or(Ok(Done::Verified(verified)), |answer| {
        answer.map(Done::Replied)
    }))
}

/// Verifies a request held in an `http::HeaderMap` through the crate's own `HeaderLookup`
/// implementation (feature `http`).
#[cfg(feature = "http")]
fn run_map(
    verifier: &Verifier,
    request: Option<&(String, String)>,
    map: &HeaderMap,
    body: &[u8],
) -> Result<Outcome, String> {
    run(verifier, request, map, body)
}

/// Without the `http` feature the crate has no `HeaderLookup` for `http::HeaderMap`; this
/// adapter reads it the same way (`get_all`, values as bytes, in order), so the obs-text
/// and repeated-value cases still go through `http`'s own storage and validation.
#[cfg(not(feature = "http"))]
fn run_map(
    verifier: &Verifier,
    request: Option<&(String, String)>,
    map: &HeaderMap,
    body: &[u8],
) -> Result<Outcome, String> {
    struct MapLookup<'m>(&'m HeaderMap);

    impl hookshield_core::HeaderLookup for MapLookup<'_> {
        fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
            self.0
                .get_all(name)
                .into_iter()
                .map(http::HeaderValue::as_bytes)
        }
    }

    run(verifier, request, &MapLookup(map), body)
}

/// `unauthorized`: the scheme answers malformed headers 401 (Discord).
fn judge(outcome: &Outcome, expect: &Expect, unauthorized: bool) -> Result<(), String> {
    match (outcome, expect) {
        (Ok(Done::Verified(v)), Expect::Accept(id, origin)) => {
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
        (Ok(Done::Replied(reply)), Expect::Reply(content_type, body)) => {
            let got = (reply.status(), reply.content_type(), reply.body());
            if got != (200, *content_type, body.as_str()) || reply.headers() != HANDSHAKE_HEADERS {
                return Err(format!(
                    "answered {got:?} with {:?}, want (200, {content_type:?}, {body:?}) with {HANDSHAKE_HEADERS:?}",
                    reply.headers()
                ));
            }
            Ok(())
        }
        (Err(e), Expect::Reject(want)) => {
            if e.reason() != *want {
                return Err(format!("refused for {:?}, want {want:?}", e.reason()));
            }
            let kind = match design_kind(*want) {
                ErrorKind::MalformedHeader if unauthorized => ErrorKind::SignatureMismatch,
                kind => kind,
            };
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
        (Ok(done), want) => Err(format!("came to {done:?}, want {want:?}")),
        (Err(e), want) => Err(format!("refused for {:?}, want {want:?}", e.reason())),
    }
}

/// The `http::HeaderMap` twin of a case given as pairs, when it has one: a case that
/// builds its verifier, whose pairs `http` accepts.
fn map_twin(case: &Case) -> Option<HeaderMap> {
    match (&case.headers, &case.expect) {
        (_, Expect::Config(_)) | (Headers::Map(_), _) => None,
        (Headers::Pairs(pairs), _) => to_map(pairs),
    }
}

/// Runs every case of `topic`: builds its verifier, verifies its request (and the
/// request's `http::HeaderMap` twin, which must come out the same) and judges the
/// outcome; panics listing every case that failed.
fn check(topic: &str, cases: Vec<Case>) {
    assert!(!cases.is_empty(), "topic {topic} has no cases");
    let mut failures = Vec::new();
    let mut map_twins = 0usize;
    for case in &cases {
        let built = catch_unwind(AssertUnwindSafe(|| {
            let mut builder = Verifier::builder(case.preset.builder())
                .encoded_secret(&case.secret)
                .clock(FixedClock(at(0)))
                .trust_forwarded_headers(case.setup.trust_forwarded);
            if let Some(url) = case.setup.public_url {
                builder = builder.public_url(url);
            }
            if let Some(token) = &case.setup.handshake_token {
                builder = builder.handshake_token(token);
            }
            builder.build()
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
        let request = case.request.as_ref();
        let outcome = match &case.headers {
            Headers::Pairs(pairs) => {
                let outcome = run(&verifier, request, pairs, &case.body);
                // The same request through http::HeaderMap, when http takes these bytes.
                if let (Some(map), Ok(first)) = (map_twin(case), &outcome) {
                    map_twins = map_twins.checked_add(1).unwrap();
                    match run_map(&verifier, request, &map, &case.body) {
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
            Headers::Map(map) => run_map(&verifier, request, map, &case.body),
        };
        let unauthorized = verifier.scheme().malformed_is_unauthorized();
        match outcome.and_then(|outcome| judge(&outcome, &case.expect, unauthorized)) {
            Ok(()) => {}
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }
    println!(
        "{topic}: {} hostile-input cases, {map_twins} replayed through http::HeaderMap",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} hostile-input cases of {topic} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The checks over the whole catalogue (each topic's own test runs its cases): names are
/// unique, and there are enough cases, and enough of them replayed through
/// `http::HeaderMap` (every case with a [`map_twin`] is, by [`check`]).
#[test]
fn whole_catalogue() {
    let cases = catalogue();
    let mut names = HashSet::new();
    for case in &cases {
        assert!(
            names.insert(case.name),
            "duplicate case name {:?}",
            case.name
        );
    }
    let map_twins = cases.iter().filter(|case| map_twin(case).is_some()).count();
    println!(
        "{} hostile-input cases, {map_twins} replayed through http::HeaderMap",
        cases.len()
    );
    assert!(cases.len() >= 715, "only {} cases", cases.len());
    assert!(
        map_twins >= 670,
        "only {map_twins} cases replayed through http::HeaderMap"
    );
}
