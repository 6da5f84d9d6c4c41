//! Slack.

use std::time::Duration;

use super::hours;
use crate::{Handshake, Scheme, SchemeBuilder, TimestampWindow};

/// [Slack](https://docs.slack.dev/authentication/verifying-requests-from-slack):
/// `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{body}">`.
///
/// - **Timestamp:** `X-Slack-Request-Timestamp`, seconds; Slack asks for 5 minutes.
/// - **Event id:** the Events API body's `event_id` when present; slash commands and
///   interactions (form-encoded) and `url_verification` have none, and are identified by a
///   digest of the signed content instead.
/// - **Replay TTL:** 2 h: Slack retries 3 times within about 5 minutes.
/// - **Handshake:** `url_verification` is answered with its challenge by the adapters
///   ([`Handshake::SlackUrlVerification`]).
pub fn slack() -> SchemeBuilder {
    Scheme::builder("slack")
        .signature_header("X-Slack-Signature")
        .prefix("v0=")
        .signed_content("v0:{t}:{body}")
        .timestamp_header("X-Slack-Request-Timestamp")
        .id_field("event_id")
        .id_required(false)
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .recommended_ttl(hours(2))
        .handshake(Handshake::SlackUrlVerification)
        .docs("https://docs.slack.dev/authentication/verifying-requests-from-slack")
}

#[cfg(test)]
mod tests {
    use super::slack;
    use crate::presets::test_support::{at, verifier, verify};
    use crate::{ErrorKind, IdOrigin, Reason};

    const SLACK_BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    /// https://docs.slack.dev/authentication/verifying-requests-from-slack (the worked
    /// example: a slash command, form-encoded, so no `event_id`).
    #[test]
    fn slack_docs_example() {
        let v = verifier(slack(), "8f742231b10e8888abcd99yyyzzz85a5");
        let headers = [
            ("X-Slack-Request-Timestamp", "1531420618"),
            (
                "X-Slack-Signature",
                "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
            ),
        ];
        let ok = verify(&v, &headers, SLACK_BODY, 1_531_420_618).unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        assert!(ok.event_id().starts_with("sha256:"), "{}", ok.event_id());
        assert_eq!(ok.timestamp(), Some(at(1_531_420_618)));

        // Five minutes is the limit either way; one second more is refused.
        assert!(verify(&v, &headers, SLACK_BODY, 1_531_420_618 + 300).is_ok());
        let old = verify(&v, &headers, SLACK_BODY, 1_531_420_618 + 301).unwrap_err();
        assert_eq!(old.reason(), Reason::TimestampTooOld);
        let early = verify(&v, &headers, SLACK_BODY, 1_531_420_618 - 301).unwrap_err();
        assert_eq!(early.reason(), Reason::TimestampTooNew);

        // The timestamp is signed: moving it by one second breaks the signature.
        let moved = [("X-Slack-Request-Timestamp", "1531420619"), headers[1]];
        let err = verify(&v, &moved, SLACK_BODY, 1_531_420_618).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::SignatureMismatch);
    }
}
