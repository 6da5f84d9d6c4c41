//! SendGrid (Twilio SendGrid Event Webhook).

use std::time::Duration;

use super::hours;
use crate::{Algorithm, Encoding, IdDigest, Scheme, SchemeBuilder, TimestampWindow};

/// [SendGrid Event Webhook](https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features):
/// `X-Twilio-Email-Event-Webhook-Signature` is the base64 DER ECDSA P-256 / SHA-256
/// signature of `X-Twilio-Email-Event-Webhook-Timestamp` followed by the raw body, verified
/// with the **public key** the dashboard shows (base64 DER SubjectPublicKeyInfo), given as
/// the verifier's secret. High-S signatures verify (SendGrid's SDK tests send one).
///
/// - **Timestamp:** Unix seconds; SendGrid documents no tolerance, so the window is 10
///   minutes either way.
/// - **Event id:** each delivery is a JSON array (a batch) of events with their own
///   `sg_event_id`; the batch has none. The id is a digest of the body, so a retried batch
///   (byte-identical, even if signed again) is one event; de-duplicating single events
///   across *different* batches is left to the handler, on `sg_event_id`.
/// - **Replay TTL:** 25 h: SendGrid retries "for up to 24 hours after the event occurs"
///   (its troubleshooting page).
pub fn sendgrid() -> SchemeBuilder {
    Scheme::builder("sendgrid")
        .algorithm(Algorithm::EcdsaP256Sha256)
        .signature_header("X-Twilio-Email-Event-Webhook-Signature")
        .encoding(Encoding::Base64)
        .signed_content("{t}{body}")
        .timestamp_header("X-Twilio-Email-Event-Webhook-Timestamp")
        .window(TimestampWindow::symmetric(Duration::from_secs(600)))
        .id_digest(IdDigest::Body)
        .recommended_ttl(hours(25))
        .docs("https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features")
}

#[cfg(test)]
mod tests {
    use super::sendgrid;
    use crate::presets::test_support::{at, b64};
    use crate::{Algorithm, ErrorKind, IdOrigin, PrivateKey, SignOptions, Signer, Verifier};

    /// sendgrid-nodejs `packages/eventwebhook/src/eventwebhook.spec.js` (commit 31bf6a0),
    /// also sendgrid-go and sendgrid-csharp.
    const NODE_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    const NODE_BODY: &[u8] =
        br#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;
    const NODE_SIG: &str = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";

    /// sendgrid-python `test/unit/test_eventwebhook.py` (commit 1dcc378), also
    /// sendgrid-java and sendgrid-php: the payload ends in CRLF, and the signature is high-S.
    const PY_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    const PY_BODY: &[u8] = b"[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n";
    const PY_SIG: &str = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
    /// The python tests' other key: every vector is refused under it.
    const PY_BAD_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==";
    /// The python tests' bad signature: the node signature with one character changed.
    const PY_BAD_SIG: &str = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=";

    /// Key, signature, timestamp header, body, "now", and how it is refused.
    type Case<'a> = (&'a str, &'a str, &'a str, &'a [u8], i64, ErrorKind);

    fn check(
        key: &str,
        sig: &str,
        ts: &str,
        body: &[u8],
        now: i64,
    ) -> Result<crate::Verified, crate::VerifyError> {
        let verifier = Verifier::builder(sendgrid())
            .encoded_secret(key)
            .build()
            .unwrap();
        let headers = [
            ("X-Twilio-Email-Event-Webhook-Signature", sig),
            ("X-Twilio-Email-Event-Webhook-Timestamp", ts),
        ];
        verifier.verify_at(&headers, body, at(now))
    }

    #[test]
    fn sendgrid_published_vectors() {
        let ok = check(NODE_KEY, NODE_SIG, "1588788367", NODE_BODY, 1_588_788_367).unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        let high_s = check(PY_KEY, PY_SIG, "1600112502", PY_BODY, 1_600_112_502);
        assert!(high_s.is_ok(), "{high_s:?}");
        let without_crlf = PY_BODY.strip_suffix(b"\r\n").unwrap();
        let zeros = b64(&[0; 70]);
        let long = "A".repeat(200);
        let (node_ts, node_now) = ("1588788367", 1_588_788_367);
        // The SDKs' refusals (another key, another payload, a bad signature, another
        // time), then raw bytes, truncated, all-zero and over-long signatures, and age.
        let refused: &[Case<'_>] = &[
            (
                PY_BAD_KEY,
                PY_SIG,
                "1600112502",
                PY_BODY,
                1_600_112_502,
                ErrorKind::SignatureMismatch,
            ),
            (
                NODE_KEY,
                NODE_SIG,
                node_ts,
                b"payload",
                node_now,
                ErrorKind::SignatureMismatch,
            ),
            (
                NODE_KEY,
                PY_BAD_SIG,
                node_ts,
                NODE_BODY,
                node_now,
                ErrorKind::SignatureMismatch,
            ),
            (
                NODE_KEY,
                NODE_SIG,
                "timestamp",
                NODE_BODY,
                node_now,
                ErrorKind::MalformedHeader,
            ),
            (
                PY_KEY,
                PY_SIG,
                "1600112502",
                without_crlf,
                1_600_112_502,
                ErrorKind::SignatureMismatch,
            ),
            (
                NODE_KEY,
                &NODE_SIG[..40],
                node_ts,
                NODE_BODY,
                node_now,
                ErrorKind::SignatureMismatch,
            ),
            (
                NODE_KEY,
                &zeros,
                node_ts,
                NODE_BODY,
                node_now,
                ErrorKind::SignatureMismatch,
            ),
            (
                NODE_KEY,
                &long,
                node_ts,
                NODE_BODY,
                node_now,
                ErrorKind::MalformedHeader,
            ),
            (
                NODE_KEY,
                NODE_SIG,
                node_ts,
                NODE_BODY,
                node_now + 3600,
                ErrorKind::TimestampOutOfWindow,
            ),
        ];
        for (n, &(key, sig, ts, body, now, kind)) in refused.iter().enumerate() {
            assert_eq!(
                check(key, sig, ts, body, now).unwrap_err().kind(),
                kind,
                "case {n}"
            );
        }
    }

    #[test]
    fn sendgrid_signer_round_trip() {
        let key = PrivateKey::generate(Algorithm::EcdsaP256Sha256).unwrap();
        let verifier = Verifier::builder(sendgrid())
            .encoded_secret(&key.public_key().to_text())
            .build()
            .unwrap();
        let body = b"[{\"sg_event_id\":\"e1\"}]\r\n";
        let headers = Signer::with_private_key(sendgrid(), key)
            .unwrap()
            .sign(body, &SignOptions::new())
            .unwrap();
        let first = verifier.verify(&headers, body).unwrap();
        let again = verifier.verify(&headers, body).unwrap();
        assert_eq!(first.event_id(), again.event_id(), "one id per delivery");
    }
}
