//! Handshakes: the unsigned `GET` challenges answered before verification (Meta, Dropbox,
//! Okta, an app's own `Challenge`) only when they are exactly the documented challenge,
//! with the verify token where there is one; the signed ones (Zoom, Twitch) only after the
//! signature. Nothing unsafe is ever echoed, and everything else goes on to verification.

use hookshield_core::{IdOrigin, Reason as R};

use crate::support::{
    Case, Cases, Expect, Pairs,
    Preset::{self, CustomChallenge, Dropbox, Meta, Okta, Twitch, Zoom},
    Setup, accept, accept_baseline, baseline, digest, hmac_hex, plus, reject, sign, with, without,
};

const TEXT: &str = "text/plain; charset=utf-8";
const JSON: &str = "application/json";
/// Meta's verify token, as typed in its dashboard.
const META_TOKEN: &str = "meatyhamhock";
const OKTA_HEADER: &str = "X-Okta-Verification-Challenge";
const OKTA_BODY: &[u8] =
    br#"{"eventType":"com.okta.event_hook","eventId":"b5a188b9-5ece","data":{"events":[]}}"#;
const TWITCH_TYPE: &str = "Twitch-Eventsub-Message-Type";

fn text(body: &str) -> Expect {
    Expect::Reply(TEXT, body.to_owned())
}

fn json(body: &str) -> Expect {
    Expect::Reply(JSON, body.to_owned())
}

/// A `GET` of `target` with `headers` and no body, by a verifier with `setup`.
fn get(
    name: &'static str,
    preset: Preset,
    target: &str,
    headers: Pairs,
    setup: Setup,
    expect: Expect,
) -> Case {
    Case::new(name, preset, headers, b"", expect)
        .at("GET", target)
        .setup(setup)
}

/// Meta's challenge with these query parameters.
fn hub(mode: &str, challenge: &str, token: &str) -> String {
    format!("/meta?hub.mode={mode}&hub.challenge={challenge}&hub.verify_token={token}")
}

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    meta(&mut cases);
    dropbox(&mut cases);
    okta(&mut cases);
    custom(&mut cases);
    zoom(&mut cases);
    twitch(&mut cases);
    cases.into_vec()
}

fn meta(cases: &mut Cases) {
    let token = || Setup::token(META_TOKEN);
    let ok = hub("subscribe", "1158201444", META_TOKEN);
    let longest = "7".repeat(256);
    let too_long = "7".repeat(257);
    let huge_query = format!("{ok}&pad={}", "p".repeat(8 * 1024));
    let rows: Vec<(&'static str, String, Setup, Expect)> = vec![
        (
            "meta: the documented challenge",
            ok.clone(),
            token(),
            text("1158201444"),
        ),
        (
            "meta: parameters in another order",
            "/meta?hub.verify_token=meatyhamhock&hub.challenge=1158201444&hub.mode=subscribe"
                .to_owned(),
            token(),
            text("1158201444"),
        ),
        (
            "meta: the token percent-encoded (decoded first)",
            hub("subscribe", "1158201444", "meaty%68amhock"),
            token(),
            text("1158201444"),
        ),
        (
            "meta: a challenge of 256 characters",
            hub("subscribe", &longest, META_TOKEN),
            token(),
            text(&longest),
        ),
        (
            "meta: wrong verify token",
            hub("subscribe", "1158201444", "guess"),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: verify token in upper case",
            hub("subscribe", "1158201444", "MEATYHAMHOCK"),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: verify token with a trailing space",
            hub("subscribe", "1158201444", "meatyhamhock%20"),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: verify token prefix only",
            hub("subscribe", "1158201444", "meaty"),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: verify token empty",
            hub("subscribe", "1158201444", ""),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: verify token missing",
            "/meta?hub.mode=subscribe&hub.challenge=1158201444".to_owned(),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: verify token repeated (right, then wrong)",
            format!("{ok}&hub.verify_token=guess"),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: verify token repeated (the same twice)",
            format!("{ok}&hub.verify_token={META_TOKEN}"),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: the app secret as verify token",
            hub("subscribe", "1158201444", "meta-app-secret"),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: no verify token configured",
            ok.clone(),
            Setup::default(),
            reject(R::NoChallengeToken),
        ),
        (
            "meta: challenge repeated",
            format!("{ok}&hub.challenge=2"),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: empty challenge",
            hub("subscribe", "", META_TOKEN),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: HTML challenge",
            hub("subscribe", "%3Cscript%3Ealert(1)%3C/script%3E", META_TOKEN),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: challenge with a quote",
            hub("subscribe", "1%22", META_TOKEN),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: challenge with a space",
            hub("subscribe", "11+58", META_TOKEN),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: challenge with a line break (header injection)",
            hub("subscribe", "1%0D%0ASet-Cookie:x=1", META_TOKEN),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: challenge not ASCII",
            hub("subscribe", "%C3%A9", META_TOKEN),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: challenge of 257 characters",
            hub("subscribe", &too_long, META_TOKEN),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: HTML challenge with a wrong token (the token is checked first)",
            hub("subscribe", "%3Cb%3E", "guess"),
            token(),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "meta: hub.mode repeated",
            format!("{ok}&hub.mode=subscribe"),
            token(),
            reject(R::ChallengeSyntax),
        ),
        (
            "meta: query over 8 KiB (no challenge is that long: on to verification)",
            huge_query,
            token(),
            reject(R::MissingSignature),
        ),
        // Not the challenge: on to verification, where an unsigned request is refused.
        (
            "meta: hub.mode unsubscribe (not a challenge)",
            hub("unsubscribe", "1158201444", META_TOKEN),
            token(),
            reject(R::MissingSignature),
        ),
        (
            "meta: hub.mode Subscribe (not a challenge)",
            hub("Subscribe", "1158201444", META_TOKEN),
            token(),
            reject(R::MissingSignature),
        ),
        (
            "meta: hub.mode missing (not a challenge)",
            "/meta?hub.challenge=1158201444&hub.verify_token=meatyhamhock".to_owned(),
            token(),
            reject(R::MissingSignature),
        ),
        (
            "meta: hub.challenge missing (not a challenge)",
            "/meta?hub.mode=subscribe&hub.verify_token=meatyhamhock".to_owned(),
            token(),
            reject(R::MissingSignature),
        ),
        (
            "meta: a GET without a query (not a challenge)",
            "/meta".to_owned(),
            token(),
            reject(R::MissingSignature),
        ),
        (
            "meta: parameters without the hub. prefix (not a challenge)",
            "/meta?mode=subscribe&challenge=1&verify_token=meatyhamhock".to_owned(),
            token(),
            reject(R::MissingSignature),
        ),
    ];
    for (name, target, setup, expect) in rows {
        cases.push(get(name, Meta, &target, Vec::new(), setup, expect));
    }
    // The verify token travels in the query, never in a header.
    cases.push(get(
        "meta: verify token in a header instead",
        Meta,
        "/meta?hub.mode=subscribe&hub.challenge=1158201444",
        vec![(
            "hub.verify_token".to_owned(),
            META_TOKEN.as_bytes().to_vec(),
        )],
        token(),
        reject(R::ChallengeTokenMismatch),
    ));
    // Other methods with the challenge's parameters go to verification.
    let body = br#"{"object":"page","entry":[]}"#;
    for (name, method, headers, expect) in [
        (
            "meta: POST with the challenge's parameters, unsigned",
            "POST",
            Vec::new(),
            reject(R::MissingSignature),
        ),
        (
            "meta: HEAD with the challenge's parameters, unsigned",
            "HEAD",
            Vec::new(),
            reject(R::MissingSignature),
        ),
        (
            "meta: POST with the challenge's parameters, signed (an event)",
            "POST",
            baseline(Meta, body),
            digest(),
        ),
    ] {
        cases.push(
            Case::new(name, Meta, headers, body, expect)
                .at(method, &ok)
                .setup(token()),
        );
    }
    cases.push(
        Case::new(
            "meta: get in lower case is not a GET (methods are case-sensitive)",
            Meta,
            Vec::new(),
            b"",
            reject(R::MissingSignature),
        )
        .at("get", &ok)
        .setup(token()),
    );
    cases.push(
        Case::new(
            "meta: the challenge through verify() (no request: verification)",
            Meta,
            Vec::new(),
            b"",
            reject(R::MissingSignature),
        )
        .setup(token()),
    );
}

fn dropbox(cases: &mut Cases) {
    let none = Setup::default;
    for (name, target, expect) in [
        (
            "dropbox: the challenge",
            "/dropbox?challenge=abc123",
            text("abc123"),
        ),
        (
            "dropbox: a challenge with - _ . ~",
            "/dropbox?challenge=A-b_c.d~9",
            text("A-b_c.d~9"),
        ),
        (
            "dropbox: empty challenge",
            "/dropbox?challenge=",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge repeated",
            "/dropbox?challenge=a&challenge=b",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with <",
            "/dropbox?challenge=a%3Cb",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with >",
            "/dropbox?challenge=a>b",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with &",
            "/dropbox?challenge=a%26b",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with a single quote",
            "/dropbox?challenge=a'b",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with a backtick",
            "/dropbox?challenge=a%60b",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with a backslash",
            "/dropbox?challenge=a%5Cb",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with a space",
            "/dropbox?challenge=a%20b",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with a NUL",
            "/dropbox?challenge=a%00b",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with a byte that is not UTF-8",
            "/dropbox?challenge=a%FFb",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: challenge with a right-to-left override",
            "/dropbox?challenge=a%E2%80%AEb",
            reject(R::ChallengeSyntax),
        ),
        (
            "dropbox: no challenge parameter (not a challenge)",
            "/dropbox?list_folder=1",
            reject(R::MissingSignature),
        ),
        (
            "dropbox: Challenge in another case (not a challenge)",
            "/dropbox?Challenge=abc",
            reject(R::MissingSignature),
        ),
    ] {
        cases.push(get(name, Dropbox, target, Vec::new(), none(), expect));
    }
    // A verify token configured for a challenge that has none changes nothing.
    cases.push(get(
        "dropbox: a handshake token configured (unused)",
        Dropbox,
        "/dropbox?challenge=abc123",
        Vec::new(),
        Setup::token("unused"),
        text("abc123"),
    ));
    cases.push(
        Case::new(
            "dropbox: POST with a challenge parameter, unsigned",
            Dropbox,
            Vec::new(),
            b"",
            reject(R::MissingSignature),
        )
        .at("POST", "/dropbox?challenge=abc123"),
    );
    let body = br#"{"list_folder":{"accounts":["dbid:AAH4f99"]}}"#;
    cases.push(
        Case::new(
            "dropbox: POST with a challenge parameter, signed (an event)",
            Dropbox,
            baseline(Dropbox, body),
            body,
            digest(),
        )
        .at("POST", "/dropbox?challenge=abc123"),
    );
}

fn okta(cases: &mut Cases) {
    let over_8k = "v".repeat(8 * 1024 + 1);
    let rows: Vec<(&'static str, Pairs, Expect)> = vec![
        (
            "okta: the verification challenge",
            vec![(
                OKTA_HEADER.to_owned(),
                b"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw".to_vec(),
            )],
            json(r#"{"verification":"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw"}"#),
        ),
        (
            "okta: header name in lower case",
            vec![(
                OKTA_HEADER.to_ascii_lowercase(),
                b"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw".to_vec(),
            )],
            json(r#"{"verification":"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw"}"#),
        ),
        (
            "okta: braces, colons and commas stay inside the JSON string",
            vec![(OKTA_HEADER.to_owned(), b"a}:{b,c]".to_vec())],
            json(r#"{"verification":"a}:{b,c]"}"#),
        ),
        (
            "okta: JSON injection (a quote closing the string)",
            vec![(OKTA_HEADER.to_owned(), br#"a","x":"y"#.to_vec())],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: JSON injection (an escaped quote)",
            vec![(OKTA_HEADER.to_owned(), br#"a\","x":"y"#.to_vec())],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: a trailing backslash",
            vec![(OKTA_HEADER.to_owned(), br"abc\".to_vec())],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: a unicode escape spelled out",
            vec![(OKTA_HEADER.to_owned(), br"\u0022".to_vec())],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: HTML",
            vec![(OKTA_HEADER.to_owned(), b"<img src=x>".to_vec())],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: header repeated",
            vec![
                (OKTA_HEADER.to_owned(), b"a".to_vec()),
                (OKTA_HEADER.to_ascii_lowercase(), b"b".to_vec()),
            ],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: 257 characters",
            vec![(OKTA_HEADER.to_owned(), vec![b'v'; 257])],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: over 8 KiB",
            vec![(OKTA_HEADER.to_owned(), over_8k.into_bytes())],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: spaces around the value (trimmed)",
            vec![(OKTA_HEADER.to_owned(), b"  abc  ".to_vec())],
            json(r#"{"verification":"abc"}"#),
        ),
        (
            "okta: a space inside the value",
            vec![(OKTA_HEADER.to_owned(), b"a b".to_vec())],
            reject(R::ChallengeSyntax),
        ),
        (
            "okta: obs-text bytes (not UTF-8: no challenge, then unsigned)",
            vec![(OKTA_HEADER.to_owned(), b"a\xe9b".to_vec())],
            reject(R::MissingSignature),
        ),
        (
            "okta: empty header (absent: not a challenge)",
            vec![(OKTA_HEADER.to_owned(), Vec::new())],
            reject(R::MissingSignature),
        ),
        (
            "okta: a GET without the header (not a challenge)",
            Vec::new(),
            reject(R::MissingSignature),
        ),
        (
            "okta: the challenge in the query instead (not a challenge)",
            Vec::new(),
            reject(R::MissingSignature),
        ),
    ];
    for (name, headers, expect) in rows {
        let target = if name.contains("in the query") {
            "/okta?x-okta-verification-challenge=abc"
        } else {
            "/okta"
        };
        cases.push(get(name, Okta, target, headers, Setup::default(), expect));
    }
    // An event: the shared token, with or without the challenge header.
    let token = baseline(Okta, OKTA_BODY);
    for (name, headers, expect) in [
        (
            "okta: POST event with the token",
            token.clone(),
            accept("b5a188b9-5ece", IdOrigin::Body),
        ),
        (
            "okta: POST with the challenge header and the token (an event)",
            with(token.clone(), OKTA_HEADER, "abc"),
            accept("b5a188b9-5ece", IdOrigin::Body),
        ),
        (
            "okta: POST with the challenge header, no token",
            vec![(OKTA_HEADER.to_owned(), b"abc".to_vec())],
            reject(R::MissingSignature),
        ),
        (
            "okta: POST with a wrong token",
            with(token, "Authorization", "okta-shared-secreT"),
            reject(R::SignatureMismatch),
        ),
    ] {
        cases.push(Case::new(name, Okta, headers, OKTA_BODY, expect).at("POST", "/okta"));
    }
}

/// An app's own `GET ?mode=verify&token=…&echo=…` challenge, with a verify token.
fn custom(cases: &mut Cases) {
    let ok = "/hook?mode=verify&token=tok-123&echo=42";
    for (name, target, setup, expect) in [
        (
            "custom challenge: the right token",
            ok,
            Setup::token("tok-123"),
            text("42"),
        ),
        (
            "custom challenge: a token but no handshake_token configured",
            ok,
            Setup::default(),
            reject(R::NoChallengeToken),
        ),
        (
            "custom challenge: a wrong token",
            "/hook?mode=verify&token=tok-124&echo=42",
            Setup::token("tok-123"),
            reject(R::ChallengeTokenMismatch),
        ),
        (
            "custom challenge: no token, none configured",
            "/hook?mode=verify&echo=42",
            Setup::default(),
            reject(R::NoChallengeToken),
        ),
        (
            "custom challenge: another mode (not a challenge)",
            "/hook?mode=other&token=tok-123&echo=42",
            Setup::token("tok-123"),
            reject(R::MissingSignature),
        ),
        (
            "custom challenge: an unsafe echo",
            "/hook?mode=verify&token=tok-123&echo=%22%3E",
            Setup::token("tok-123"),
            reject(R::ChallengeSyntax),
        ),
    ] {
        cases.push(get(
            name,
            CustomChallenge,
            target,
            Vec::new(),
            setup,
            expect,
        ));
    }
}

/// Zoom's signed `endpoint.url_validation`: answered with the key that verified it.
fn zoom(cases: &mut Cases) {
    let crc = |plain: &str| {
        format!(
            r#"{{"payload":{{"plainToken":"{plain}"}},"event_ts":1700000000000,"event":"endpoint.url_validation"}}"#
        )
        .into_bytes()
    };
    let plain = "qgg8vlvZRS6UYooatFL8Aw";
    let body = crc(plain);
    let encrypted = hmac_hex(Zoom, &[plain.as_bytes()]);
    let answer = json(&format!(
        r#"{{"encryptedToken":"{encrypted}","plainToken":"{plain}"}}"#
    ));
    let signed = baseline(Zoom, &body);
    let forged = {
        let other = hmac_hex(Zoom, &[b"forged"]);
        with(signed.clone(), "x-zm-signature", format!("v0={other}"))
    };
    for (name, headers, expect) in [
        ("zoom: signed CRC", signed.clone(), answer.clone()),
        (
            "zoom: unsigned CRC",
            without(signed.clone(), "x-zm-signature"),
            reject(R::MissingSignature),
        ),
        ("zoom: forged CRC", forged, reject(R::SignatureMismatch)),
        (
            "zoom: CRC signed with another key",
            with(
                signed.clone(),
                "x-zm-signature",
                format!(
                    "v0={}",
                    const_hex::encode({
                        use hmac::{Hmac, KeyInit, Mac};
                        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"other").unwrap();
                        mac.update(b"v0:1700000000:");
                        mac.update(&body);
                        mac.finalize().into_bytes()
                    })
                ),
            ),
            reject(R::SignatureMismatch),
        ),
        (
            "zoom: CRC with its timestamp moved",
            with(signed.clone(), "x-zm-request-timestamp", "1700000001"),
            reject(R::SignatureMismatch),
        ),
    ] {
        cases.add(name, Zoom, headers, &body, expect);
    }
    cases.signed_at(
        Zoom,
        &body,
        [(
            "zoom: CRC signed 301 s ago",
            -301,
            reject(R::TimestampTooOld),
        )],
    );
    cases.push(
        Case::new(
            "zoom: signed CRC, received as POST",
            Zoom,
            signed,
            &body,
            answer,
        )
        .at("POST", "/zoom"),
    );
    // A signed validation whose token cannot be echoed: refused, never handled.
    for (name, body) in [
        (
            "zoom: plainToken with a quote",
            br#"{"payload":{"plainToken":"a\"b"},"event":"endpoint.url_validation"}"#.to_vec(),
        ),
        ("zoom: plainToken with HTML", crc("<b>x</b>")),
        ("zoom: empty plainToken", crc("")),
        ("zoom: plainToken of 257 characters", crc(&"p".repeat(257))),
        (
            "zoom: plainToken at the top level",
            br#"{"plainToken":"abc","event":"endpoint.url_validation"}"#.to_vec(),
        ),
    ] {
        cases.signed(name, Zoom, &body, reject(R::ChallengeSyntax));
    }
    // Signed, and not a validation: verified as an event, never echoed.
    for (name, body) in [
        (
            "zoom: another event with a plainToken",
            br#"{"payload":{"plainToken":"abc"},"event":"meeting.started"}"#.to_vec(),
        ),
        (
            "zoom: a body that is not JSON",
            b"event=endpoint.url_validation&plainToken=abc".to_vec(),
        ),
    ] {
        cases.signed(name, Zoom, &body, digest());
    }
    // An integer is read as its digits (as event ids are): plain text, so answered.
    let number = br#"{"payload":{"plainToken":12},"event":"endpoint.url_validation"}"#;
    let encrypted = hmac_hex(Zoom, &[b"12"]);
    cases.signed(
        "zoom: plainToken as a number (its digits)",
        Zoom,
        number,
        json(&format!(
            r#"{{"encryptedToken":"{encrypted}","plainToken":"12"}}"#
        )),
    );
}

/// Twitch's signed `webhook_callback_verification`, told by its signed body
/// (`subscription.status`), whatever the unsigned message-type header says.
fn twitch(cases: &mut Cases) {
    let body = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387","status":"webhook_callback_verification_pending"}}"#;
    let signed = baseline(Twitch, body);
    let verification = with(signed.clone(), TWITCH_TYPE, "webhook_callback_verification");
    let challenge = text("pogchamp-kappa-360noscope-vohiyo");
    for (name, headers, expect) in [
        (
            "twitch: signed verification",
            verification.clone(),
            challenge.clone(),
        ),
        (
            "twitch: message type in upper case",
            with(signed.clone(), TWITCH_TYPE, "WEBHOOK_CALLBACK_VERIFICATION"),
            challenge.clone(),
        ),
        (
            "twitch: verification header, no signature",
            without(verification.clone(), "Twitch-Eventsub-Message-Signature"),
            reject(R::MissingSignature),
        ),
        (
            "twitch: verification header, forged signature",
            with(
                verification.clone(),
                "Twitch-Eventsub-Message-Signature",
                format!("sha256={}", hmac_hex(Twitch, &[b"forged"])),
            ),
            reject(R::SignatureMismatch),
        ),
        (
            "twitch: verification header, another message id (signed)",
            with(verification.clone(), "Twitch-Eventsub-Message-Id", "msg_2"),
            reject(R::SignatureMismatch),
        ),
        (
            "twitch: verification header alone",
            vec![(
                TWITCH_TYPE.to_owned(),
                b"webhook_callback_verification".to_vec(),
            )],
            reject(R::MissingSignature),
        ),
        (
            "twitch: the verification resent as a notification (still answered, never handled)",
            with(signed.clone(), TWITCH_TYPE, "notification"),
            challenge.clone(),
        ),
        (
            "twitch: the verification without a message type (still answered)",
            signed.clone(),
            challenge.clone(),
        ),
        (
            "twitch: message type repeated (still answered)",
            plus(
                verification.clone(),
                &TWITCH_TYPE.to_ascii_lowercase(),
                "webhook_callback_verification",
            ),
            challenge.clone(),
        ),
    ] {
        cases.add(name, Twitch, headers, body, expect);
    }
    // Signed verifications whose challenge cannot be echoed: verified, never answered.
    for (name, body) in [
        (
            "twitch: verification with an HTML challenge",
            &br#"{"challenge":"<script>alert(1)</script>"}"#[..],
        ),
        (
            "twitch: verification with an empty challenge",
            br#"{"challenge":""}"#,
        ),
        (
            "twitch: verification with a challenge that is not a string",
            br#"{"challenge":{"a":1}}"#,
        ),
        (
            "twitch: verification without a challenge",
            br#"{"subscription":{}}"#,
        ),
        (
            "twitch: verification with a body that is not JSON",
            b"challenge=abc",
        ),
        (
            "twitch: an enabled subscription's event with a challenge field and the verification header",
            br#"{"challenge":"abc","subscription":{"id":"f1c2a387","status":"enabled"}}"#,
        ),
    ] {
        let headers = with(
            sign(Twitch, body, 0, "msg_1"),
            TWITCH_TYPE,
            "webhook_callback_verification",
        );
        cases.add(name, Twitch, headers, body, accept_baseline());
    }
    cases.push(
        Case::new(
            "twitch: signed verification, received as POST",
            Twitch,
            verification,
            body,
            challenge,
        )
        .at("POST", "/twitch"),
    );
}
