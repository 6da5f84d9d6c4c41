//! Linear.

use std::time::Duration;

use super::hours;
use crate::{Scheme, SchemeBuilder, TimestampUnit, TimestampWindow};

/// [Linear](https://linear.app/developers/webhooks): `Linear-Signature: <hex HMAC-SHA256 of
/// the body>`.
///
/// - **Timestamp:** the body's `webhookTimestamp`, in **milliseconds**, covered by the
///   body's MAC; ±60 s, as Linear's SDK (`packages/sdk/src/webhooks/client.ts`). Linear
///   stamps and signs each attempt afresh (its SDK would refuse a retry an hour later
///   otherwise).
/// - **Event id:** the `Linear-Delivery` header, a UUID per delivery, when present
///   (secondary sources only: it is not confirmed that a retry keeps it). It is not
///   signed, so a digest of the body is remembered beside it (see
///   [the module docs](super#ids-the-signature-does-not-cover)); without it the body's
///   digest stands in. Do not use the body's `webhookId`: it names the webhook, not the
///   event.
/// - **Replay TTL:** 24 h: Linear retries 3 times, after 1 minute, 1 hour and 6 hours
///   (secondary sources).
pub fn linear() -> SchemeBuilder {
    Scheme::builder("linear")
        .signature_header("Linear-Signature")
        .timestamp_field("webhookTimestamp")
        .timestamp_unit(TimestampUnit::Milliseconds)
        .id_header("Linear-Delivery")
        .id_required(false)
        .window(TimestampWindow::symmetric(Duration::from_secs(60)))
        .recommended_ttl(hours(24))
        .docs("https://linear.app/developers/webhooks")
}

#[cfg(test)]
mod tests {
    use super::linear;
    use crate::presets::test_support::{
        Request, assert_authentic, assert_window, hex, hmac_sha256, verifier, verify,
    };
    use crate::{ErrorKind, IdOrigin};

    const SECRET: &str = "lin_wh_test_secret";
    const NOW: i64 = 1_700_000_000;

    fn request(body: &str) -> Request {
        let signature = hex(&hmac_sha256(SECRET.as_bytes(), &[body.as_bytes()]));
        Request {
            headers: vec![
                ("Linear-Signature", signature),
                (
                    "Linear-Delivery",
                    "234d1a4e-b617-4388-90fe-adc3633d6b72".to_owned(),
                ),
            ],
            body: body.as_bytes().to_vec(),
            now: NOW,
        }
    }

    /// Linear documents a hex HMAC-SHA256 of the raw body in `Linear-Signature` and a
    /// `webhookTimestamp` in milliseconds (https://linear.app/developers/webhooks).
    #[test]
    fn linear_documented_construction() {
        let body = r#"{"action":"create","type":"Issue","data":{"id":"9cfb482a"},"webhookTimestamp":1700000000000,"webhookId":"000042e3"}"#;
        let request = request(body);
        let ok = assert_authentic(
            linear,
            SECRET,
            "another-secret",
            &request,
            &["Linear-Signature"],
        );
        assert_eq!(ok.event_id(), "234d1a4e-b617-4388-90fe-adc3633d6b72");
        assert_eq!(ok.id_origin(), IdOrigin::Header);
        assert!(!ok.id_is_signed());
        assert_eq!(
            ok.timestamp().map(|t| t.unix_timestamp_nanos()),
            Some(1_700_000_000_000_000_000)
        );
        assert_window(linear, SECRET, &request);

        // Without the delivery header the body's digest is the id.
        let v = verifier(linear(), SECRET);
        let signature = [(request.headers[0].0, request.headers[0].1.as_str())];
        let ok = verify(&v, &signature, body.as_bytes(), NOW).unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);

        // The timestamp field is required, and it is milliseconds: seconds are 1970.
        let seconds = request_body_err(r#"{"webhookTimestamp":1700000000}"#);
        assert_eq!(seconds, ErrorKind::TimestampOutOfWindow);
        let missing = request_body_err(r#"{"action":"create"}"#);
        assert_eq!(missing, ErrorKind::MalformedBody);
    }

    fn request_body_err(body: &str) -> ErrorKind {
        let request = request(body);
        let v = verifier(linear(), SECRET);
        let headers = [(request.headers[0].0, request.headers[0].1.as_str())];
        verify(&v, &headers, body.as_bytes(), NOW)
            .unwrap_err()
            .kind()
    }
}
