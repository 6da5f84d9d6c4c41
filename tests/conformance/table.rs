//! The table: every case, written once, as data.

use std::time::Duration;

use time::OffsetDateTime;

use crate::case::{Case, Request, post};
use crate::expect::{
    Expect, challenge_json, challenge_text, duplicate, handled, handler_failed, rejected,
    rejected_retry_after,
};
use crate::support::harness::{Behaviour, Endpoint, Spec, Store};
use crate::support::{PROVIDERS, Provider, replaced, sign_with, without};

const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;
const FORGED: &[u8] = br#"{"event":"instance.deleted","resourceID":"42"}"#;
const BINARY: &[u8] = b"\xff\xfe\x00\x80binary\xc3\x28 payload";
const HCP_VERIFICATION: &[u8] = br#"{"event_id":"webhook.event:mlizg1TCaSsrJ2hOXZMmS","event_action":"test","event_description":"Verification","event_source":"hashicorp.webhook.verification","resource_id":"","resource_name":"","event_version":"1","event_payload":{}}"#;
const HCP_EVENT: &[u8] = br#"{"event_id":"packer.event:MtCpPwmkdPpD8qqfMRhJ","event_action":"create","event_source":"hashicorp.packer.version","event_payload":{}}"#;
const SLACK_CHALLENGE: &[u8] = br#"{"token":"x","challenge":"abc123","type":"url_verification"}"#;
/// The body limit of the limit cases.
const LIMIT: usize = 1024;

/// Every case: those of each provider, then the timestamp window and the handshakes, then
/// those of the request context (`context_cases.rs`).
pub(crate) fn table() -> Vec<Case> {
    let mut cases = Vec::new();
    let now = OffsetDateTime::now_utc();

    for provider in PROVIDERS {
        let endpoint = Endpoint::from(provider);
        let spec = Spec::new(endpoint);
        let name = |case: &str| format!("{case} [{provider:?}]");
        let signed = provider.sign(BODY, "evt-1");
        let signature = provider.signature_header();

        cases.push(
            Case::new(name("valid delivery"), spec)
                .answers(post(signed.clone(), BODY), handled())
                .runs(1)
                .bodies(&[BODY]),
        );
        cases.push(Case::new(name("tampered body"), spec).answers(
            post(signed.clone(), FORGED),
            rejected(401, "signature_mismatch"),
        ));
        let wrong = sign_with(&provider.wrong_signer(), BODY, "evt-1", now);
        cases.push(
            Case::new(name("wrong secret"), spec)
                .answers(post(wrong, BODY), rejected(401, "signature_mismatch")),
        );
        cases.push(Case::new(name("missing signature header"), spec).answers(
            post(without(signed.clone(), signature), BODY),
            rejected(401, "missing_header"),
        ));
        cases.push(Case::new(name("missing event-id header"), spec).answers(
            post(without(signed.clone(), provider.id_header()), BODY),
            rejected(401, "missing_header"),
        ));
        cases.push(
            Case::new(name("no headers at all"), spec)
                .answers(post(Vec::new(), BODY), rejected(401, "missing_header")),
        );
        cases.push(Case::new(name("malformed signature header"), spec).answers(
            post(replaced(signed.clone(), signature, "zz"), BODY),
            rejected(400, "malformed_header"),
        ));
        let mut repeated = signed.clone();
        let first = repeated
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(signature))
            .cloned()
            .unwrap();
        repeated.push(first);
        cases.push(
            Case::new(name("repeated signature header"), spec)
                .answers(post(repeated, BODY), rejected(400, "malformed_header")),
        );
        let resigned = provider.sign(BODY, "evt-1");
        cases.push(
            Case::new(name("duplicate after success"), spec)
                .answers(post(signed.clone(), BODY), handled())
                .answers(post(signed.clone(), BODY), duplicate())
                // A fresh signature of the same event: a provider's retry.
                .answers(post(resigned, BODY), duplicate())
                // Another event (another body: two byte-identical deliveries of a provider
                // whose ids are not signed count as one).
                .answers(post(provider.sign(FORGED, "evt-2"), FORGED), handled())
                .runs(2),
        );
        cases.push(
            Case::new(
                name("concurrent copies of a new event"),
                spec.behaviour(Behaviour::Slow(Duration::from_millis(200))),
            )
            .step(
                Request::Concurrent {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                },
                Expect::OnceThenDuplicates,
            )
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(1),
        );
        cases.push(
            Case::new(
                name("handler failure, then the retry"),
                spec.behaviour(Behaviour::FailFirst),
            )
            // The release is awaited before the 500 is sent: the very next retry runs.
            .answers(post(signed.clone(), BODY), handler_failed())
            .answers(post(signed.clone(), BODY), handled())
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(2),
        );
        cases.push(
            Case::new(
                name("handler panic, then the retry"),
                spec.behaviour(Behaviour::PanicFirst),
            )
            .step(post(signed.clone(), BODY), Expect::Crashed)
            .step(
                Request::UntilHandled {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                },
                Expect::Answer(handled()),
            )
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(2),
        );
        cases.push(
            Case::new(
                name("client disconnect mid-handler, then the retry"),
                spec.behaviour(Behaviour::HangFirst(Duration::from_secs(5))),
            )
            .step(
                Request::GiveUp {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                    after: Duration::from_millis(300),
                },
                Expect::GaveUp,
            )
            .step(
                Request::UntilHandled {
                    headers: signed.clone(),
                    body: BODY.to_vec(),
                },
                Expect::Answer(handled()),
            )
            .answers(post(signed.clone(), BODY), duplicate())
            .runs(2),
        );
        cases.push(
            Case::new(name("replay store unavailable"), spec.store(Store::Down)).answers(
                post(signed.clone(), BODY),
                rejected_retry_after(503, "replay_store_unavailable"),
            ),
        );
        let limited = spec.body_limit(LIMIT);
        let over = vec![b'x'; LIMIT + 1];
        let at = vec![b'y'; LIMIT];
        cases.push(
            Case::new(name("Content-Length over the limit"), limited)
                .answers(
                    post(provider.sign(&over, "evt-over"), &over),
                    rejected(413, "payload_too_large"),
                )
                // Exactly at the limit is read and handled.
                .answers(post(provider.sign(&at, "evt-at"), &at), handled())
                .runs(1)
                .bodies(&[&at]),
        );
        cases.push(
            Case::new(
                name("declared length over the limit, body never sent"),
                limited,
            )
            .answers(
                Request::Declared {
                    headers: provider.sign(b"{}", "evt-declared"),
                    declared: 100_000,
                    sent: b"{}".to_vec(),
                },
                rejected(413, "payload_too_large"),
            ),
        );
        let chunk = vec![b'z'; 400];
        cases.push(
            Case::new(name("chunked body over the limit"), limited)
                .answers(
                    Request::Chunked {
                        headers: provider.sign(&chunk.repeat(4), "evt-chunked-over"),
                        chunks: vec![chunk.clone(); 4],
                    },
                    rejected(413, "payload_too_large"),
                )
                // The same client under the limit is handled: the 413 is the limit's.
                .answers(
                    Request::Chunked {
                        headers: provider.sign(&chunk.repeat(2), "evt-chunked-fits"),
                        chunks: vec![chunk.clone(); 2],
                    },
                    handled(),
                )
                .runs(1)
                .bodies(&[&chunk.repeat(2)]),
        );
        // A client that stops mid-body: cut off at the body deadline, its id never
        // reserved, so the complete delivery that follows is handled.
        let stalled = provider.sign(BODY, "evt-stalled");
        cases.push(
            Case::new(
                name("body stalled mid-way"),
                spec.body_timeout(Duration::from_millis(500)),
            )
            .answers(
                Request::Declared {
                    headers: stalled.clone(),
                    declared: BODY.len(),
                    sent: BODY[..10].to_vec(),
                },
                rejected(408, "body_timeout"),
            )
            .answers(post(stalled, BODY), handled())
            .runs(1)
            .bodies(&[BODY]),
        );
        // A captured delivery resent under another event id: Civo's id is not signed, so
        // the content digest makes it a duplicate; Standard Webhooks signs its id, so the
        // altered copy fails the signature.
        let resent = replaced(signed.clone(), provider.id_header(), "evt-forged");
        let resent_answer = match provider {
            Provider::Civo => duplicate(),
            Provider::StandardWebhooks => rejected(401, "signature_mismatch"),
        };
        cases.push(
            Case::new(name("captured delivery resent under a new id"), spec)
                .answers(post(signed.clone(), BODY), handled())
                .answers(post(resent, BODY), resent_answer)
                .runs(1),
        );
        cases.push(
            Case::new(name("non-UTF-8 body"), spec)
                .answers(post(provider.sign(BINARY, "evt-binary"), BINARY), handled())
                .runs(1)
                .bodies(&[BINARY]),
        );
    }

    // Timestamps: Standard Webhooks (±300 s).
    let sw = Provider::StandardWebhooks;
    let spec = Spec::new(Endpoint::StandardWebhooks);
    let minutes = |m: i64| time::Duration::minutes(m);
    cases.push(
        Case::new("missing timestamp header [StandardWebhooks]", spec).answers(
            post(without(sw.sign(BODY, "evt-1"), "webhook-timestamp"), BODY),
            rejected(401, "missing_header"),
        ),
    );
    cases.push(
        Case::new("malformed timestamp header [StandardWebhooks]", spec).answers(
            post(
                replaced(sw.sign(BODY, "evt-1"), "webhook-timestamp", "soon"),
                BODY,
            ),
            rejected(400, "malformed_header"),
        ),
    );
    cases.push(
        Case::new("stale timestamp [StandardWebhooks]", spec).answers(
            post(sw.sign_at(BODY, "evt-1", now - minutes(10)), BODY),
            rejected(401, "timestamp_out_of_window"),
        ),
    );
    cases.push(
        Case::new("timestamp beyond the clock skew [StandardWebhooks]", spec).answers(
            post(sw.sign_at(BODY, "evt-1", now + minutes(10)), BODY),
            rejected(401, "timestamp_out_of_window"),
        ),
    );
    cases.push(
        Case::new("timestamps inside the window [StandardWebhooks]", spec)
            .answers(
                post(sw.sign_at(BODY, "evt-old", now - minutes(4)), BODY),
                handled(),
            )
            .answers(
                post(sw.sign_at(BODY, "evt-ahead", now + minutes(4)), BODY),
                handled(),
            )
            .runs(2),
    );

    // Handshakes: answered by the adapter, never handled, never remembered.
    let hcp = Endpoint::Hcp;
    let verified = challenge_json(r#"{"verified":true}"#);
    cases.push(
        Case::new("HCP verification handshake", Spec::new(hcp))
            .answers(
                post(hcp.sign(HCP_VERIFICATION, ""), HCP_VERIFICATION),
                verified.clone(),
            )
            .answers(
                post(hcp.sign(HCP_VERIFICATION, ""), HCP_VERIFICATION),
                verified,
            )
            // Ordinary events of the endpoint are handled once.
            .answers(post(hcp.sign(HCP_EVENT, ""), HCP_EVENT), handled())
            .answers(post(hcp.sign(HCP_EVENT, ""), HCP_EVENT), duplicate())
            .runs(1)
            .bodies(&[HCP_EVENT]),
    );
    let forged = replaced(
        hcp.sign(HCP_VERIFICATION, ""),
        "X-HCP-Webhook-Signature",
        &"0".repeat(128),
    );
    cases.push(
        Case::new("HCP verification with a bad signature", Spec::new(hcp)).answers(
            post(forged, HCP_VERIFICATION),
            rejected(401, "signature_mismatch"),
        ),
    );
    let slack = Endpoint::Slack;
    let challenge = challenge_text("abc123");
    cases.push(
        Case::new("Slack url_verification handshake", Spec::new(slack))
            .answers(
                post(slack.sign(SLACK_CHALLENGE, ""), SLACK_CHALLENGE),
                challenge.clone(),
            )
            .answers(
                post(slack.sign(SLACK_CHALLENGE, ""), SLACK_CHALLENGE),
                challenge,
            ),
    );
    cases.extend(crate::context_cases::cases());
    cases
}
