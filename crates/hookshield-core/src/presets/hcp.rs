//! HashiCorp Cloud Platform.

use super::hours;
use crate::{Algorithm, Handshake, Scheme, SchemeBuilder};

/// [HashiCorp Cloud Platform](https://developer.hashicorp.com/hcp/docs/hcp/admin/projects/webhooks):
/// `X-HCP-Webhook-Signature` is the hex HMAC-SHA512 of the raw body under the webhook's
/// token (sent only when the webhook has a token).
///
/// - **Event id:** the body's `event_id` field (`<service>.event:<random>`), required. The
///   verification payload HCP sends when a webhook is created or changed has one too.
/// - **Timestamp:** none.
/// - **Replay TTL:** 24 h (HCP documents no retry schedule).
/// - **Handshake:** the verification payload (`event_source` =
///   `hashicorp.webhook.verification`) is answered 200 by the adapters
///   ([`Handshake::HcpVerification`]).
pub fn hcp() -> SchemeBuilder {
    Scheme::builder("hcp")
        .algorithm(Algorithm::HmacSha512)
        .signature_header("X-HCP-Webhook-Signature")
        .id_field("event_id")
        .recommended_ttl(hours(24))
        .handshake(Handshake::HcpVerification)
        .docs("https://developer.hashicorp.com/hcp/docs/hcp/admin/projects/webhooks")
}

#[cfg(test)]
mod tests {
    use super::hcp;
    use crate::presets::test_support::{verifier, verify};
    use crate::{ErrorKind, IdOrigin};

    /// HCP documents `OpenSSL::HMAC.hexdigest(SHA512, token, body)`
    /// (https://developer.hashicorp.com/hcp/docs/hcp/admin/projects/webhooks). The body is the
    /// verification payload the same page shows; the digest was computed with
    /// `hmac.new(token, body, hashlib.sha512).hexdigest()`.
    #[test]
    fn hcp_documented_construction() {
        let body = br#"{"event_id":"webhook.event:Qm9vdHN0cmFw","event_action":"test","event_description":"Verification","event_source":"hashicorp.webhook.verification","resource_id":"","resource_name":"","event_version":"1","event_payload":{}}"#;
        let signature = "daf19342c3d79d4eb5e083b1f626ccd5ba9d7b3195d71ca1ab4033f1f0ce4773\
                         19c1c7558016e0744da8dddd52e3d95d5254905532ff7fa05f6c9a467b24196e";
        let v = verifier(hcp(), "hcp-webhook-token");
        let headers = [("X-HCP-Webhook-Signature", signature)];
        let ok = verify(&v, &headers, body, 0).unwrap();
        assert_eq!(ok.event_id(), "webhook.event:Qm9vdHN0cmFw");
        assert_eq!(ok.id_origin(), IdOrigin::Body);

        let wrong = verifier(hcp(), "another-token");
        let err = verify(&wrong, &headers, body, 0).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
    }
}
