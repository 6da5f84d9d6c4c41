//! Okta event hooks.

use super::hours;
use crate::{Algorithm, Handshake, Scheme, SchemeBuilder};

/// [Okta event hooks](https://developer.okta.com/docs/concepts/event-hooks/): the
/// configured authorization header (`Authorization` by default) carries the secret
/// itself; nothing is signed.
///
/// - **Handshake:** the one-time unsigned `GET` with `X-Okta-Verification-Challenge: <v>` is
///   answered `{"verification":"<v>"}` ([`Handshake::OktaVerification`]).
/// - **Event id:** the body's `eventId` (required). The body is not signed, so anyone who
///   knows the token can choose it; the token is the only protection.
/// - **Timestamp:** none.
/// - **Replay TTL:** 24 h: Okta retries a delivery once, after a 3 s timeout (2°).
///
/// Use [`okta_with_header`] when the hook is configured with another header name.
pub fn okta() -> SchemeBuilder {
    okta_with_header("Authorization")
}

/// [`okta`] with the secret in the header `name`.
pub fn okta_with_header(name: &str) -> SchemeBuilder {
    Scheme::builder("okta")
        .algorithm(Algorithm::SharedToken)
        .signature_header(name)
        .id_field("eventId")
        .id_required(true)
        .recommended_ttl(hours(24))
        .handshake(Handshake::OktaVerification)
        .docs("https://developer.okta.com/docs/concepts/event-hooks/")
}

#[cfg(test)]
mod tests {
    use super::okta;
    use crate::presets::test_support::verifier;
    use crate::{ErrorKind, RequestContext};

    #[test]
    fn token_event_id_and_challenge() {
        let v = verifier(okta(), "okta-shared-secret");
        let body = br#"{"eventType":"com.okta.event_hook","eventId":"b5a188b9-5ece-4636-b041-482ffda96311","data":{"events":[]}}"#;
        let ok = v
            .verify(&[("Authorization", "okta-shared-secret")], body)
            .unwrap();
        assert_eq!(ok.event_id(), "b5a188b9-5ece-4636-b041-482ffda96311");
        let err = v.verify(&[("Authorization", "guess")], body).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
        let request = RequestContext::new("GET", "/okta");
        let reply = v
            .answer_challenge(
                &request,
                &[(
                    "X-Okta-Verification-Challenge",
                    "lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw",
                )],
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            reply.body(),
            r#"{"verification":"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw"}"#
        );
    }
}
