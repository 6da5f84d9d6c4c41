//! PagerDuty (v3 webhooks).

use super::hours;
use crate::{Scheme, SchemeBuilder};

/// [PagerDuty v3](https://developer.pagerduty.com/docs/webhooks/webhook-signatures):
/// `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>]`, HMAC-SHA256 of the body, one `v1` per
/// active secret while a secret is rotated.
///
/// - **Event id:** the body's `event.id` (nested: the member `id` of the object `event`),
///   required and signed. (`X-Webhook-Id` is documented as repeated on every attempt too,
///   but it is not signed.)
/// - **Timestamp:** none is signed, so a replay after the TTL is not refused by a window.
///   The body's `event.occurred_at` (RFC 3339) can serve as one, as long as the window's
///   past tolerance covers the retry horizon:
///
/// ```
/// use std::time::Duration;
/// use hookshield_core::{presets, TimestampUnit, TimestampWindow};
///
/// let scheme = presets::pagerduty()
///     .timestamp_field("event.occurred_at")
///     .timestamp_unit(TimestampUnit::Rfc3339)
///     .window(TimestampWindow::new(Duration::from_secs(71 * 3600), Duration::from_secs(300)))
///     .build()?;
/// assert!(scheme.has_timestamp());
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
///
/// - **Replay TTL:** 72 h: PagerDuty retries for up to 48 hours.
pub fn pagerduty() -> SchemeBuilder {
    Scheme::builder("pagerduty")
        .signature_header("X-PagerDuty-Signature")
        .key_value_list(',', '=', "v1")
        .id_field("event.id")
        .recommended_ttl(hours(72))
        .docs("https://developer.pagerduty.com/docs/webhooks/webhook-signatures")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::pagerduty;
    use crate::presets::test_support::{Request, assert_authentic, at, verifier, verify};
    use crate::{ErrorKind, IdOrigin, TimestampUnit, TimestampWindow};

    /// PagerDuty/go-pagerduty `webhookv3/webhookv3_test.go` (commit d34fb98):
    /// https://github.com/PagerDuty/go-pagerduty/blob/d34fb98/webhookv3/webhookv3_test.go
    const SECRET: &str = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK";
    const BODY: &str = include_str!("vectors/pagerduty-go.json");
    const V1: &str = "v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd";
    /// The test's signature under another secret, sent beside the right one.
    const OTHER_V1: &str = "v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5";

    #[test]
    fn pagerduty_go_vector() {
        for header in [
            V1.to_owned(),
            format!("{OTHER_V1},{V1}"),
            format!("{V1}, {OTHER_V1}"),
        ] {
            let request = Request {
                headers: vec![("X-PagerDuty-Signature", header)],
                body: BODY.as_bytes().to_vec(),
                now: 0,
            };
            let ok = assert_authentic(
                pagerduty,
                SECRET,
                "not-the-secret",
                &request,
                &["X-PagerDuty-Signature"],
            );
            assert_eq!(ok.event_id(), "01BWDWL3NYY7LUFPZCC28QUCMK");
            assert_eq!(ok.id_origin(), IdOrigin::Body);
            assert!(ok.id_is_signed());
            assert_eq!(ok.timestamp(), None);
        }
        let v = verifier(pagerduty(), SECRET);
        let err = verify(
            &v,
            &[("X-PagerDuty-Signature", OTHER_V1)],
            BODY.as_bytes(),
            0,
        );
        assert_eq!(err.unwrap_err().kind(), ErrorKind::SignatureMismatch);
    }

    /// `event.occurred_at` as an opt-in window, read in the same pass as `event.id`.
    #[test]
    fn pagerduty_occurred_at_as_a_window() {
        let scheme = || {
            pagerduty()
                .timestamp_field("event.occurred_at")
                .timestamp_unit(TimestampUnit::Rfc3339)
                .window(TimestampWindow::new(
                    Duration::from_secs(3600),
                    Duration::from_secs(60),
                ))
        };
        let v = verifier(scheme(), SECRET);
        let headers = [("X-PagerDuty-Signature", V1)];
        // 2021-04-26T17:36:27.458Z
        let occurred = 1_619_458_587;
        let ok = verify(&v, &headers, BODY.as_bytes(), occurred + 3600).unwrap();
        assert_eq!(ok.event_id(), "01BWDWL3NYY7LUFPZCC28QUCMK");
        assert_eq!(
            ok.timestamp().map(|t| t.unix_timestamp_nanos()),
            Some(1_619_458_587_458_000_000)
        );
        assert!(at(occurred) < ok.timestamp().unwrap());
        let late = verify(&v, &headers, BODY.as_bytes(), occurred + 3601).unwrap_err();
        assert_eq!(late.kind(), ErrorKind::TimestampOutOfWindow);
    }
}
