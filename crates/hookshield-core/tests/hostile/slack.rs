//! Slack: `v0=` prefix, timestamp header, optional body id.

use hookshield_core::{IdOrigin, Reason};

use crate::support::{
    BINARY_BODY, Case, Expect, Headers, Preset, SLACK_BODY, accept, baseline, case, digest, sign,
    with, without,
};

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    use Preset::Slack;
    use Reason as R;

    let mut cases = Vec::new();
    let mut add = |name, preset, headers, body: &[u8], expect| {
        cases.push(case(name, preset, headers, body, expect));
    };
    let p = Headers::Pairs;

    let slack_form = b"token=x&team_id=T1&command=%2Fweather&text=94070";
    add(
        "slack: events API body",
        Slack,
        p(baseline(Slack, SLACK_BODY)),
        SLACK_BODY,
        accept("Ev01", IdOrigin::Body),
    );
    add(
        "slack: form-encoded slash command (id: digest)",
        Slack,
        p(baseline(Slack, slack_form)),
        slack_form,
        digest(),
    );
    add(
        "slack: event_id of the wrong type falls back to the digest (id optional)",
        Slack,
        p(baseline(Slack, b"{\"event_id\":1.5}")),
        b"{\"event_id\":1.5}",
        digest(),
    );
    add(
        "slack: non-UTF-8 body, signed",
        Slack,
        p(baseline(Slack, BINARY_BODY)),
        BINARY_BODY,
        digest(),
    );
    let slack = baseline(Slack, SLACK_BODY);
    add(
        "slack: missing timestamp header",
        Slack,
        p(without(slack.clone(), "X-Slack-Request-Timestamp")),
        SLACK_BODY,
        Expect::Reject(R::MissingTimestamp),
    );
    add(
        "slack: timestamp -1",
        Slack,
        p(with(slack.clone(), "X-Slack-Request-Timestamp", "-1")),
        SLACK_BODY,
        Expect::Reject(R::TimestampSyntax),
    );
    add(
        "slack: non-hex signature",
        Slack,
        p(with(
            slack.clone(),
            "X-Slack-Signature",
            format!("v0={}", "zz".repeat(32)),
        )),
        SLACK_BODY,
        Expect::Reject(R::SignatureEncoding),
    );
    add(
        "slack: v1= prefix",
        Slack,
        p(with(
            slack.clone(),
            "X-Slack-Signature",
            format!("v1={}", "00".repeat(32)),
        )),
        SLACK_BODY,
        Expect::Reject(R::SignatureSyntax),
    );
    add(
        "slack: stale by 301 s",
        Slack,
        p(sign(Slack, SLACK_BODY, -301, "x")),
        SLACK_BODY,
        Expect::Reject(R::TimestampTooOld),
    );

    cases
}
