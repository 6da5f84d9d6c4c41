//! Asana.

use super::hours;
use crate::{Handshake, IdDigest, Scheme, SchemeBuilder};

/// [Asana](https://developers.asana.com/docs/webhooks-guide): `X-Hook-Signature` is the
/// hex HMAC-SHA256 of the raw body under the secret Asana hands over in the webhook's
/// handshake.
///
/// - **Handshake:** when the app creates a webhook, Asana `POST`s to the target with
///   `X-Hook-Secret` and no signature; the secret is given to the verifier's
///   [`SecretLearner`](crate::SecretLearner) and echoed back with 200
///   ([`Handshake::SecretHandover`]). With a [`KeyMap`](crate::KeyMap) as both learner and
///   key resolver, each webhook gets its own tenant (a path segment: make it unguessable),
///   and only a tenant announced with
///   [`KeyMap::expect_secret`](crate::KeyMap::expect_secret) learns a secret, once per
///   announcement.
/// - **Event id:** none (a batch `{"events":[…]}`; heartbeats carry an empty list): a
///   digest of the body.
/// - **Timestamp:** none.
/// - **Replay TTL:** 25 h: Asana retries with exponential back-off for up to 24 hours,
///   then deletes the webhook.
pub fn asana() -> SchemeBuilder {
    Scheme::builder("asana")
        .signature_header("X-Hook-Signature")
        .id_digest(IdDigest::Body)
        .recommended_ttl(hours(25))
        .handshake(Handshake::SecretHandover {
            header: "X-Hook-Secret",
        })
        .docs("https://developers.asana.com/docs/webhooks-guide")
}

#[cfg(test)]
mod tests {
    use super::asana;
    use crate::presets::test_support::{hex, hmac_sha256};
    use crate::{ErrorKind, KeyMap, RequestContext, Verifier};

    #[test]
    fn asana_learns_its_secret_once_then_verifies_with_it() {
        let tenants = KeyMap::by_path_segment(1);
        let verifier = Verifier::builder(asana())
            .key_resolver(tenants.clone())
            .secret_learner(tenants.clone())
            .build()
            .unwrap();
        let target = RequestContext::new("POST", "/asana/project-42");
        let secret = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";
        let handover = [("X-Hook-Secret", secret)];
        // Not announced: refused.
        let refused = verifier
            .answer_challenge(&target, &handover)
            .unwrap()
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::ChallengeRefused);
        tenants.expect_secret("project-42").unwrap();
        let reply = verifier
            .answer_challenge(&target, &handover)
            .unwrap()
            .unwrap();
        assert_eq!(
            (reply.status(), reply.echo_header()),
            (200, Some(("X-Hook-Secret", secret)))
        );
        // Once per announcement: a second handover (a stranger's) is refused.
        let again = [("X-Hook-Secret", "attacker-secret")];
        assert!(verifier.answer_challenge(&target, &again).unwrap().is_err());

        let body = br#"{"events":[]}"#;
        let signature = hex(&hmac_sha256(secret.as_bytes(), &[body]));
        let signed = [("X-Hook-Signature", signature.as_str())];
        assert!(verifier.answer_challenge(&target, &signed).is_none());
        let ok = verifier.verify_request(&target, &signed, body).unwrap();
        assert_eq!(ok.tenant(), Some("project-42"));
        let elsewhere = RequestContext::new("POST", "/asana/project-7");
        assert_eq!(
            verifier
                .verify_request(&elsewhere, &signed, body)
                .unwrap_err()
                .kind(),
            ErrorKind::SignatureMismatch
        );
    }
}
