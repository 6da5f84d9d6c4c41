//! Slack: `v0=` prefix, timestamp header, optional body id.

use hookshield_core::{IdOrigin, Reason as R};

use crate::support::{
    BINARY_BODY, Case, Cases, Preset::Slack, SLACK_BODY, accept, baseline, digest, reject, with,
    without,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();

    cases.signed_bodies(
        Slack,
        [
            (
                "slack: events API body",
                SLACK_BODY,
                accept("Ev01", IdOrigin::Body),
            ),
            (
                "slack: form-encoded slash command (id: digest)",
                b"token=x&team_id=T1&command=%2Fweather&text=94070",
                digest(),
            ),
            (
                "slack: event_id of the wrong type falls back to the digest (id optional)",
                b"{\"event_id\":1.5}",
                digest(),
            ),
            ("slack: non-UTF-8 body, signed", BINARY_BODY, digest()),
        ],
    );
    let slack = baseline(Slack, SLACK_BODY);
    cases.table(
        Slack,
        SLACK_BODY,
        [
            (
                "slack: missing timestamp header",
                without(slack.clone(), "X-Slack-Request-Timestamp"),
                reject(R::MissingTimestamp),
            ),
            (
                "slack: timestamp -1",
                with(slack.clone(), "X-Slack-Request-Timestamp", "-1"),
                reject(R::TimestampSyntax),
            ),
            (
                "slack: non-hex signature",
                with(
                    slack.clone(),
                    "X-Slack-Signature",
                    format!("v0={}", "zz".repeat(32)),
                ),
                reject(R::SignatureEncoding),
            ),
            (
                "slack: v1= prefix",
                with(
                    slack,
                    "X-Slack-Signature",
                    format!("v1={}", "00".repeat(32)),
                ),
                reject(R::SignatureSyntax),
            ),
        ],
    );
    cases.signed_at(
        Slack,
        SLACK_BODY,
        [("slack: stale by 301 s", -301, reject(R::TimestampTooOld))],
    );

    cases.into_vec()
}
