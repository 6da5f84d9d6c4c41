#![allow(clippy::unwrap_used)]

use super::*;

const NO_HEADERS: [(&str, &str); 0] = [];

fn no_key(_: &[u8]) -> String {
    unreachable!("only Zoom uses the key")
}

fn signed(handshake: &Handshake, body: &[u8]) -> Option<Result<HandshakeReply, Reason>> {
    handshake.answer_signed(None, &NO_HEADERS, body, &no_key)
}

fn get(
    handshake: &Handshake,
    target: &str,
    token: Option<&str>,
) -> Option<Result<HandshakeReply, Reason>> {
    let request = RequestContext::new("GET", target);
    let token = token.map(keyed);
    handshake.answer_get(&request, &NO_HEADERS, token.as_ref())
}

/// `token` keyed as the verifier keys its handshake token.
fn keyed(token: &str) -> Keyed {
    let secret = crate::Secret::from_text(token).unwrap();
    Keyed::new(crate::Algorithm::SharedToken, &secret).unwrap()
}

#[test]
fn hcp_verification_payload_from_the_docs() {
    let body = br#"{"event_id":"webhook.event:mlizg1TCaSsrJ2hOXZMmS","event_action":"test","event_description":"Verification","event_source":"hashicorp.webhook.verification","resource_id":"","resource_name":"","event_version":"1","event_payload":{}}"#;
    let reply = signed(&Handshake::HcpVerification, body).unwrap().unwrap();
    assert_eq!(
        (reply.status(), reply.content_type()),
        (200, "application/json")
    );
    let event = br#"{"event_id":"packer.event:MtCpPwmkdPpD8qqfMRhJ","event_action":"create","event_source":"hashicorp.packer.version"}"#;
    assert_eq!(signed(&Handshake::HcpVerification, event), None);
}

#[test]
fn webhook_validate_and_its_old_name() {
    for name in ["Webhook Validate", "Webhook Test"] {
        let body = format!(r#"{{"event": "{name}", "data": {{}}}}"#);
        let reply = signed(&Handshake::WebhookValidate, body.as_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(reply.body(), "OK");
    }
    let event = br#"{"event":"Site Status Update","data":{"name":"x"}}"#;
    assert_eq!(signed(&Handshake::WebhookValidate, event), None);
}

#[test]
fn slack_challenge_is_echoed_only_when_it_is_plain_text() {
    let body = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let reply = signed(&Handshake::SlackUrlVerification, body)
        .unwrap()
        .unwrap();
    assert_eq!(
        reply.body(),
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    assert_eq!(reply.headers(), &[("x-content-type-options", "nosniff")]);
    let odd = br#"{"type":"url_verification","challenge":"<script>alert(1)</script> x"}"#;
    // A url_verification whose challenge cannot be echoed is refused, never handled.
    assert_eq!(
        signed(&Handshake::SlackUrlVerification, odd),
        Some(Err(Reason::ChallengeSyntax))
    );
    // Slash commands are form-encoded: not JSON, not a handshake.
    assert_eq!(
        signed(
            &Handshake::SlackUrlVerification,
            b"token=x&type=url_verification"
        ),
        None
    );
    // A GET is never Slack's handshake: it is signed.
    assert!(
        get(
            &Handshake::SlackUrlVerification,
            "/?type=url_verification&challenge=x",
            None
        )
        .is_none()
    );
}

#[test]
fn meta_answers_only_the_documented_challenge_with_the_right_token() {
    let meta = Handshake::MetaVerification;
    let target = "/hook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock";
    let reply = get(&meta, target, Some("meatyhamhock")).unwrap().unwrap();
    assert_eq!(
        (reply.status(), reply.body(), reply.content_type()),
        (200, "1158201444", "text/plain; charset=utf-8")
    );
    assert_eq!(
        get(&meta, target, Some("other")).unwrap(),
        Err(Reason::ChallengeTokenMismatch)
    );
    assert_eq!(
        get(&meta, target, None).unwrap(),
        Err(Reason::NoChallengeToken)
    );
    let no_token = "/hook?hub.mode=subscribe&hub.challenge=1";
    assert_eq!(
        get(&meta, no_token, Some("t")).unwrap(),
        Err(Reason::ChallengeTokenMismatch)
    );
    // Not the challenge: left to verification, which refuses an unsigned request.
    assert!(get(&meta, "/hook", Some("t")).is_none());
    assert!(
        get(
            &meta,
            "/hook?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=t",
            Some("t")
        )
        .is_none()
    );
    let post = RequestContext::new("POST", target);
    assert!(
        meta.answer_get(&post, &NO_HEADERS, Some(&keyed("meatyhamhock")))
            .is_none()
    );
    // Ambiguous or unsafe challenges are refused, never echoed.
    let twice = "/hook?hub.mode=subscribe&hub.challenge=1&hub.challenge=2&hub.verify_token=t";
    assert_eq!(
        get(&meta, twice, Some("t")).unwrap(),
        Err(Reason::ChallengeSyntax)
    );
    let html = "/hook?hub.mode=subscribe&hub.challenge=%3Cb%3E&hub.verify_token=t";
    assert_eq!(
        get(&meta, html, Some("t")).unwrap(),
        Err(Reason::ChallengeSyntax)
    );
}

#[test]
fn dropbox_echoes_its_challenge_as_plain_text() {
    let reply = get(
        &Handshake::DropboxChallenge,
        "/dropbox?challenge=abc123",
        None,
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        (reply.body(), reply.content_type()),
        ("abc123", "text/plain; charset=utf-8")
    );
    assert!(get(&Handshake::DropboxChallenge, "/dropbox", None).is_none());
    assert!(
        get(&Handshake::DropboxChallenge, "/dropbox?challenge=", None)
            .unwrap()
            .is_err()
    );
}

#[test]
fn okta_answers_json_with_the_header_value() {
    let request = RequestContext::new("GET", "/okta");
    let headers = [(
        "X-Okta-Verification-Challenge",
        "lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw",
    )];
    let reply = Handshake::OktaVerification
        .answer_get(&request, &headers, None)
        .unwrap()
        .unwrap();
    assert_eq!(
        (reply.content_type(), reply.body()),
        (
            "application/json",
            r#"{"verification":"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw"}"#
        )
    );
    assert!(
        Handshake::OktaVerification
            .answer_get(&request, &NO_HEADERS, None)
            .is_none()
    );
}

#[test]
fn zoom_answers_with_the_keyed_token() {
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let key = |text: &[u8]| format!("hmac({})", String::from_utf8_lossy(text));
    let reply = Handshake::ZoomUrlValidation
        .answer_signed(None, &NO_HEADERS, body, &key)
        .unwrap()
        .unwrap();
    assert_eq!(
        reply.body(),
        r#"{"encryptedToken":"hmac(qgg8vlvZRS6UYooatFL8Aw)","plainToken":"qgg8vlvZRS6UYooatFL8Aw"}"#
    );
    for unusable in [
        &br#"{"event":"endpoint.url_validation","payload":{}}"#[..],
        br#"{"event":"endpoint.url_validation","payload":{"plainToken":"a\"b<script>"}}"#,
    ] {
        let answer = Handshake::ZoomUrlValidation.answer_signed(None, &NO_HEADERS, unusable, &key);
        assert_eq!(answer, Some(Err(Reason::ChallengeSyntax)));
    }
    let event = br#"{"event":"meeting.started","payload":{"plainToken":"x"}}"#;
    assert!(
        Handshake::ZoomUrlValidation
            .answer_signed(None, &NO_HEADERS, event, &key)
            .is_none()
    );
}

#[test]
fn twitch_is_detected_by_its_signed_body_whatever_the_header_says() {
    let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387","status":"webhook_callback_verification_pending"}}"#;
    let twitch = Handshake::TwitchCallbackVerification;
    for headers in [
        vec![(
            "Twitch-Eventsub-Message-Type",
            "webhook_callback_verification",
        )],
        // The header is not signed: a captured verification resent as a notification, or
        // with the header twice, is still a verification and never reaches the handler.
        vec![("Twitch-Eventsub-Message-Type", "notification")],
        vec![
            ("Twitch-Eventsub-Message-Type", "notification"),
            ("Twitch-Eventsub-Message-Type", "notification"),
        ],
        vec![],
    ] {
        let reply = twitch
            .answer_signed(None, &headers, body, &no_key)
            .unwrap()
            .unwrap();
        assert_eq!(
            reply.body(),
            "pogchamp-kappa-360noscope-vohiyo",
            "{headers:?}"
        );
    }
    let enabled = br#"{"challenge":"x","subscription":{"id":"f1c2a387","status":"enabled"}}"#;
    let verification = [(
        "Twitch-Eventsub-Message-Type",
        "webhook_callback_verification",
    )];
    assert!(
        twitch
            .answer_signed(None, &verification, enabled, &no_key)
            .is_none()
    );
}

#[test]
fn custom_challenges_are_checked_when_built() {
    assert!(
        Handshake::custom(Challenge::get().when_query("a", "b"))
            .validate()
            .is_err()
    );
    assert!(
        Handshake::custom(Challenge::get().echo_field("challenge"))
            .validate()
            .is_err()
    );
    assert!(
        Handshake::custom(Challenge::get().echo_query(""))
            .validate()
            .is_err()
    );
    assert!(
        Handshake::custom(Challenge::signed().echo_field("challenge"))
            .validate()
            .is_ok()
    );
}
