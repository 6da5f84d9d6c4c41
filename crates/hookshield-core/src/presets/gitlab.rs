//! GitLab.

use super::hours;
use crate::{Algorithm, Scheme, SchemeBuilder};

/// [GitLab](https://docs.gitlab.com/user/project/integrations/webhooks/): the
/// `X-Gitlab-Token` header carries the webhook's secret token itself, compared in constant
/// time. Nothing binds the body to the token: anyone who learns it can send anything.
///
/// - **Event id:** the `Idempotency-Key` header, kept on GitLab's retries and on a
///   "Resend request" (GitLab 17.4 and later; without it, the body's digest stands in).
///   A token signs nothing, so the key is not covered: the body's digest is remembered
///   beside it (see [the module docs](super#ids-the-signature-does-not-cover)).
/// - **Timestamp:** none, so a replay after the TTL is not refused.
/// - **Replay TTL:** 72 h: GitLab schedules no retries of its own (it disables a failing
///   hook for a while), but recent deliveries can be resent by hand for days.
///
/// GitLab's HMAC signing token (Standard Webhooks headers, behind the
/// `webhook_signing_token` feature flag) is checked by
/// [`standard_webhooks`](super::standard_webhooks) once enabled.
pub fn gitlab() -> SchemeBuilder {
    Scheme::builder("gitlab")
        .algorithm(Algorithm::SharedToken)
        .signature_header("X-Gitlab-Token")
        .id_header("Idempotency-Key")
        .id_required(false)
        .recommended_ttl(hours(72))
        .docs("https://docs.gitlab.com/user/project/integrations/webhooks/")
}

#[cfg(test)]
mod tests {
    use super::gitlab;
    use crate::presets::test_support::{verifier, verify};
    use crate::{ErrorKind, IdOrigin};

    #[test]
    fn gitlab_token_and_idempotency_key() {
        let token = "glpat-webhook-token";
        let body = r#"{"object_kind":"push","ref":"refs/heads/main","checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7"}"#;
        let headers = [
            ("X-Gitlab-Token", token),
            ("Idempotency-Key", "f6ad5a0c-4e0b-4a8b-9a7f-3f6f2c7e9d11"),
            ("X-Gitlab-Event", "Push Hook"),
        ];
        let v = verifier(gitlab(), token);
        let ok = verify(&v, &headers, body.as_bytes(), 0).unwrap();
        assert_eq!(ok.event_id(), "f6ad5a0c-4e0b-4a8b-9a7f-3f6f2c7e9d11");
        assert_eq!(ok.id_origin(), IdOrigin::Header);
        assert!(!ok.id_is_signed());

        // A token does not cover the body: "tampered" bodies pass, so only the token and
        // the header are checked here.
        let wrong = verify(&v, &[("X-Gitlab-Token", "glpat-other")], b"{}", 0).unwrap_err();
        assert_eq!(wrong.kind(), ErrorKind::SignatureMismatch);
        let missing = verify(&v, &[("Idempotency-Key", "k1")], b"{}", 0).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::MissingHeader);
        // An older GitLab sends no key: the body's digest stands in.
        let ok = verify(&v, &headers[..1], body.as_bytes(), 0).unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
    }
}
