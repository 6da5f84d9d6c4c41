//! Meta: Facebook, WhatsApp, Instagram and Messenger webhooks.

use super::hours;
use crate::{Handshake, Scheme, SchemeBuilder};

/// [Meta](https://developers.facebook.com/docs/graph-api/webhooks/getting-started)
/// (Graph API webhooks, used by WhatsApp Cloud API, Instagram and Messenger):
/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, body)>`.
///
/// - **Handshake:** the unsigned `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
///   sent when the callback URL is saved is answered with the challenge when
///   `hub.verify_token` equals the verifier's
///   [`handshake_token`](crate::VerifierBuilder::handshake_token) (the "Verify Token" typed
///   in Meta's dashboard, not the app secret), and refused 403 otherwise
///   ([`Handshake::MetaVerification`]).
/// - **Event id:** none: a POST batches up to 1000 changes (`entry[]`), so the id is a
///   digest of the body; handlers deduplicate inner ids (WhatsApp `messages[].id`).
/// - **Timestamp:** none.
/// - **Replay TTL:** 48 h: Meta retries "immediately, then a few more times with
///   decreasing frequency over the next 36 hours".
///
/// The legacy SHA-1 `X-Hub-Signature` is not read.
pub fn meta() -> SchemeBuilder {
    Scheme::builder("meta")
        .signature_header("X-Hub-Signature-256")
        .prefix("sha256=")
        .recommended_ttl(hours(48))
        .handshake(Handshake::MetaVerification)
        .docs("https://developers.facebook.com/docs/graph-api/webhooks/getting-started")
}

#[cfg(test)]
mod tests {
    use super::meta;
    use crate::presets::test_support::{Request, assert_authentic, hex, hmac_sha256};
    use crate::{ErrorKind, RequestContext, Verifier};

    const SECRET: &str = "meta-app-secret";
    const BODY: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="}]}}]}]}"#;

    fn verifier() -> Verifier {
        Verifier::builder(meta())
            .encoded_secret(SECRET)
            .handshake_token("meatyhamhock")
            .build()
            .unwrap()
    }

    /// Computed with the `hmac` crate as Meta's docs describe.
    #[test]
    fn body_signature_and_forgeries() {
        let signature = format!("sha256={}", hex(&hmac_sha256(SECRET.as_bytes(), &[BODY])));
        let request = Request {
            headers: vec![("X-Hub-Signature-256", signature)],
            body: BODY.to_vec(),
            now: 0,
        };
        assert_authentic(meta, SECRET, "wrong", &request, &["X-Hub-Signature-256"]);
    }

    /// The docs' example: `hub.challenge=1158201444`, `hub.verify_token=meatyhamhock`.
    #[test]
    fn the_get_challenge_is_answered_before_verification() {
        let v = verifier();
        let none: [(&str, &str); 0] = [];
        let request = RequestContext::new(
            "GET",
            "/webhooks?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock",
        );
        let reply = v.answer_challenge(&request, &none).unwrap().unwrap();
        assert_eq!(reply.body(), "1158201444");
        let wrong = RequestContext::new(
            "GET",
            "/webhooks?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess",
        );
        let err = v.answer_challenge(&wrong, &none).unwrap().unwrap_err();
        assert_eq!(
            (err.status(), err.kind()),
            (403, ErrorKind::ChallengeRefused)
        );
        // Any other GET is not a challenge, and fails verification as unsigned.
        let other = RequestContext::new("GET", "/webhooks");
        assert!(v.answer_challenge(&other, &none).is_none());
        assert_eq!(
            v.verify_request(&other, &none, b"").unwrap_err().kind(),
            ErrorKind::MissingHeader
        );
    }
}
