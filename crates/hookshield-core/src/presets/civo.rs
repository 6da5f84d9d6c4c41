//! Civo.

use super::hours;
use crate::{Algorithm, Scheme, SchemeBuilder};

/// [Civo](https://www.civo.com/api/webhooks): `X-Civo-Signature` is the lowercase hex
/// HMAC-SHA1 of the raw body under the webhook's secret.
///
/// - **Event id:** the `X-Civo-Event` header, a UUID that stays the same on every retry
///   (required). It is not signed: a digest of the body is remembered beside it, so a
///   captured delivery resent under another id is a duplicate too (see
///   [the module docs](super#ids-the-signature-does-not-cover)).
/// - **Timestamp:** none, so a replay after the TTL is not refused: nothing dates a
///   delivery.
/// - **Replay TTL:** 12 h. Civo retries a failed delivery after 5 min, 30 min, 1 h, 2 h and
///   6 h (about 9 h 35 min in all) and then disables the webhook; 12 h covers that with
///   margin.
pub fn civo() -> SchemeBuilder {
    Scheme::builder("civo")
        .algorithm(Algorithm::HmacSha1)
        .signature_header("X-Civo-Signature")
        .id_header("X-Civo-Event")
        .recommended_ttl(hours(12))
        .docs("https://www.civo.com/api/webhooks")
}

#[cfg(test)]
mod tests {
    use super::civo;
    use crate::presets::test_support::{verifier, verify};
    use crate::{IdOrigin, Reason};

    /// Civo documents `OpenSSL::HMAC.hexdigest('sha1', secret, body)` (https://www.civo.com/api/webhooks);
    /// no worked example is published, so the digest was computed with
    /// `hmac.new(secret, body, hashlib.sha1).hexdigest()`.
    #[test]
    fn civo_documented_construction() {
        let body =
            br#"{"event":"instance.created","resourceID":"5e9ab6b3-3a44-4e9e-9f7c-0d8b7c1b2a10"}"#;
        let event = "0b5c1f57-6a3e-4a87-9d47-2f1f8e3e6c11";
        let v = verifier(civo(), "civo-webhook-secret");
        let headers = [
            (
                "X-Civo-Signature",
                "8397f27d9ebb5b03d741dd1cbf2cd2d78a644ca9",
            ),
            ("X-Civo-Event", event),
        ];
        let ok = verify(&v, &headers, body, 0).unwrap();
        assert_eq!(ok.event_id(), event);
        assert_eq!(ok.id_origin(), IdOrigin::Header);

        let no_event = verify(&v, &headers[..1], body, 0).unwrap_err();
        assert_eq!(no_event.reason(), Reason::MissingId);
        assert_eq!(no_event.status(), 401);
    }
}
