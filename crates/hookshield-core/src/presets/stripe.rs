//! Stripe.

use std::time::Duration;

use super::hours;
use crate::{Scheme, SchemeBuilder, TimestampWindow};

/// [Stripe](https://docs.stripe.com/webhooks#verify-manually):
/// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, HMAC-SHA256 of `{t}.{body}` under the
/// `whsec_…` secret used as text (not base64-decoded).
///
/// - **Signatures:** every `v1` is tried (one per secret while a secret is rolled); `v0`
///   (test-mode fakes) and unknown schemes are ignored.
/// - **Event id:** the body's `id` (`evt_…`), required.
/// - **Window:** 300 s in the past, as Stripe's libraries, and 300 s of clock skew ahead.
/// - **Replay TTL:** 96 h: live mode retries for up to 3 days.
pub fn stripe() -> SchemeBuilder {
    Scheme::builder("stripe")
        .signature_header("Stripe-Signature")
        .key_value_list(',', '=', "v1")
        .signed_content("{t}.{body}")
        .timestamp_param("t")
        .id_field("id")
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .recommended_ttl(hours(96))
        .docs("https://docs.stripe.com/webhooks#verify-manually")
}

#[cfg(test)]
mod tests {
    use super::stripe;
    use crate::presets::test_support::{at, verifier, verify};
    use crate::{ErrorKind, IdOrigin, Reason};

    /// Stripe documents `Stripe-Signature: t=…,v1=…` over `{t}.{body}`, with the `whsec_`
    /// secret used as text (https://docs.stripe.com/webhooks#verify-manually). Digests computed
    /// with `hmac.new(secret, t + b"." + body, hashlib.sha256).hexdigest()`.
    #[test]
    fn stripe_documented_construction() {
        let body =
            br#"{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"invoice.paid"}"#;
        let current = "042778c3e2abda60bebf3138d58c1a12037e78b70b1f063556b83270d33472a5";
        let previous = "e7b309b1ec04ca64ba6a20a996d53d52586fefd4db4a6a22d8f7f478354aa255";
        let now = 1_700_000_000;
        let check = |secret: &str, header: &str| {
            let v = verifier(stripe(), secret);
            verify(&v, &[("Stripe-Signature", header)], body, now)
        };

        let ok = check("whsec_test_secret_key", &format!("t={now},v1={current}")).unwrap();
        assert_eq!(ok.event_id(), "evt_1NG8Du2eZvKYlo2CUI79vXWy");
        assert_eq!(ok.id_origin(), IdOrigin::Body);
        assert_eq!(ok.timestamp(), Some(at(now)));

        // While a secret is rolled Stripe sends one v1 per secret, plus a fake v0 in test mode.
        let rolled = format!("t={now},v1={previous},v1={current},v0={current}");
        assert!(check("whsec_test_secret_key", &rolled).is_ok());
        assert!(check("whsec_previous_secret", &rolled).is_ok());

        // v0 is never trusted, even when it carries the right digest.
        let downgrade =
            check("whsec_test_secret_key", &format!("t={now},v0={current}")).unwrap_err();
        assert_eq!(downgrade.reason(), Reason::NoSupportedSignature);
        // The timestamp is signed.
        let moved = check(
            "whsec_test_secret_key",
            &format!("t={},v1={current}", now + 1),
        );
        assert_eq!(moved.unwrap_err().kind(), ErrorKind::SignatureMismatch);
    }
}
