//! A shared token in a header (Frappe Cloud, …).

use super::hours;
use crate::{Algorithm, Handshake, Scheme, SchemeBuilder};

/// A shared token: the header `header` carries the secret itself, compared in constant time
/// (e.g. [Frappe Cloud](https://docs.frappe.io/cloud/setup-webhook)'s `X-Webhook-Secret`;
/// GitLab's `X-Gitlab-Token` has its own preset, [`gitlab`](super::gitlab)).
/// Nothing binds the body to the token, so prefer an HMAC scheme when the provider has one.
///
/// - **Event id:** a SHA-256 digest of the body by default; set a header with
///   `.id_header(…)` or a body field with `.id_field(…)`. A
///   token signs nothing, so such an id is not covered: the body's digest is remembered
///   beside it.
/// - **Timestamp:** none.
/// - **Replay TTL:** 24 h (Frappe Cloud retries after 2, 4 and 8 minutes).
/// - **Handshake:** the `{"event":"Webhook Validate"}` event sent when a webhook is
///   activated is answered `200 OK` by the adapters ([`Handshake::WebhookValidate`]).
pub fn shared_token(header: &str) -> SchemeBuilder {
    Scheme::builder("shared-token")
        .algorithm(Algorithm::SharedToken)
        .signature_header(header)
        .recommended_ttl(hours(24))
        .handshake(Handshake::WebhookValidate)
        .docs("https://docs.frappe.io/cloud/setup-webhook")
}

#[cfg(test)]
mod tests {
    use super::shared_token;
    use crate::presets::test_support::{verifier, verify};
    use crate::{ErrorKind, IdOrigin, Reason};

    /// A shared token is compared with the configured secret as is
    /// (https://docs.gitlab.com/user/project/integrations/webhooks/: GitLab sends the
    /// token as entered in `X-Gitlab-Token`).
    #[test]
    fn shared_token_header() {
        let v = verifier(shared_token("X-Gitlab-Token"), "gl-token-123");
        let body = br#"{"object_kind":"push"}"#;
        let ok = verify(&v, &[("X-Gitlab-Token", "gl-token-123")], body, 0).unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        let err = verify(&v, &[("X-Gitlab-Token", "gl-token-124")], body, 0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
        let err = verify(&v, &[("X-Webhook-Secret", "gl-token-123")], body, 0).unwrap_err();
        assert_eq!(err.reason(), Reason::MissingSignature);
    }
}
