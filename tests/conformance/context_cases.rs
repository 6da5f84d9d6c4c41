//! The cases of the request context and handshakes v2, on routed endpoints (any method,
//! any path): `GET` challenges answered before verification (Meta, Dropbox, Okta), signed
//! handshakes answered after it (Zoom, Twitch), and Twilio's signed URL. A handshake is
//! answered by the adapter with `X-Content-Type-Options: nosniff`, never reaches the
//! handler and is never remembered: the same one is answered again.

use http::Method;
use time::OffsetDateTime;

use crate::case::{Case, get, post_to, send};
use crate::expect::{challenge_json, challenge_text, duplicate, handled, rejected};
use crate::hmac_sha256::{hex, hmac_sha256};
use crate::routed::{OKTA_TOKEN, Preset, Routed, ZOOM_SECRET};
use crate::support::{Headers, replaced};
use hookshield::SignOptions;

/// Meta's documented challenge.
const META_CHALLENGE: &str = "1158201444";
const META_BODY: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="}]}}]}]}"#;
const DROPBOX_BODY: &[u8] = br#"{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]},"delta":{"users":[12345]}}"#;
const OKTA_CHALLENGE: &str = "lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw";
const OKTA_BODY: &[u8] = br#"{"eventType":"com.okta.event_hook","eventId":"b5a188b9-5ece-4636-b041-482ffda96311","data":{"events":[]}}"#;
const ZOOM_PLAIN_TOKEN: &str = "qgg8vlvZRS6UYooatFL8Aw";
const ZOOM_VALIDATION: &[u8] = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
const ZOOM_EVENT: &[u8] =
    br#"{"event":"meeting.started","event_ts":1700000000123,"payload":{"object":{"id":"123"}}}"#;
const TWITCH_CHALLENGE: &str = "pogchamp-kappa-360noscope-vohiyo";
const TWITCH_VERIFICATION: &[u8] = br#"{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","status":"webhook_callback_verification_pending","type":"channel.follow","version":"1"}}"#;
const TWITCH_NOTIFICATION: &[u8] = br#"{"subscription":{"id":"f1c2a387-161a-49f9-a165-0f21d7a4e1c4","type":"channel.follow","version":"1"},"event":{"user_id":"1337","broadcaster_user_id":"12826"}}"#;

/// twilio-python's published form example (`tests/unit/test_request_validator.py`):
/// auth token `12345`, URL `https://mycompany.com/myapp.php?foo=1&bar=2`.
pub(crate) const TWILIO_FORM: &[u8] = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
pub(crate) const TWILIO_FORM_SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
pub(crate) const TWILIO_TARGET: &str = "/myapp.php?foo=1&bar=2";
/// Its JSON example: the URL carries `bodySHA256`, the signature covers the URL alone.
const TWILIO_JSON: &[u8] = br#"{"property": "value", "boolean": true}"#;
const TWILIO_JSON_SIGNATURE: &str = "a9nBmqA0ju/hNViExpshrM61xv4=";
const TWILIO_JSON_TARGET: &str = "/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
/// A target with escapes, `+` and an empty value, which must reach the verifier as sent.
const ESCAPED_TARGET: &str = "/my%20app.php?name=J%C3%BCrgen+M&next=%2Fhome%3Fa%3D1&empty=";

/// square-python-sdk's webhooks helper example: notification URL
/// `https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9`.
const SQUARE_BODY: &[u8] = br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
const SQUARE_SIGNATURE: &str = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=";
const SQUARE_TARGET: &str = "/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
const HUBSPOT_BODY: &[u8] = br#"[{"eventId":1,"subscriptionId":2,"portalId":3,"attemptNumber":0}]"#;
/// HubSpot decodes `%3A` (and other reserved escapes) before signing, not `%20`.
const HUBSPOT_TARGET: &str = "/webhooks/hubspot?state=a%3Ab%2Cc&name=J%C3%BCrgen%20M";

/// Header pairs as sent.
pub(crate) fn headers(pairs: &[(&str, &str)]) -> Headers {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// The headers of Twilio's published form request, as Twilio sends it.
pub(crate) fn twilio_form_headers() -> Headers {
    headers(&[
        ("X-Twilio-Signature", TWILIO_FORM_SIGNATURE),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ])
}

/// The headers `preset`'s signer gives `body`, signed now with event id `id`.
fn signed(preset: Preset, body: &[u8], id: &str) -> Headers {
    let options = SignOptions::new()
        .id(id)
        .timestamp(OffsetDateTime::now_utc());
    preset
        .signer()
        .sign(body, &options)
        .expect("sign")
        .into_vec()
}

/// `preset`'s headers for `body` sent with `method` to `url` (the full URL it signs).
fn signed_for(preset: Preset, method: &str, url: &str, body: &[u8]) -> Headers {
    let options = SignOptions::new()
        .id("url-signed")
        .url(url)
        .method(method)
        .timestamp(OffsetDateTime::now_utc());
    preset
        .signer()
        .sign(body, &options)
        .expect("sign")
        .into_vec()
}

/// A Twitch message of `kind` (`Twitch-Eventsub-Message-Type`), signed now.
fn twitch(body: &[u8], id: &str, kind: &str) -> Headers {
    let mut headers = signed(Preset::Twitch, body, id);
    headers.push(("Twitch-Eventsub-Message-Type".to_owned(), kind.to_owned()));
    headers
}

pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Vec::new();

    // Meta: the unsigned GET challenge, with the verify token.
    let meta = Routed::new(Preset::Meta);
    let challenge = |token: &str| {
        format!(
            "/webhooks/meta?hub.mode=subscribe&hub.challenge={META_CHALLENGE}&hub.verify_token={token}"
        )
    };
    cases.push(
        Case::new("Meta GET challenge [Meta]", meta)
            .answers(
                get(&challenge("meatyhamhock"), Vec::new()),
                challenge_text(META_CHALLENGE),
            )
            // Not remembered: the same challenge is answered again.
            .answers(
                get(&challenge("meatyhamhock"), Vec::new()),
                challenge_text(META_CHALLENGE),
            )
            // The endpoint's signed events are handled as ever.
            .answers(
                post_to(
                    "/webhooks/meta",
                    signed(Preset::Meta, META_BODY, "-"),
                    META_BODY,
                ),
                handled(),
            )
            .runs(1)
            .bodies(&[META_BODY]),
    );
    cases.push(
        Case::new("Meta GET challenge with a wrong verify token [Meta]", meta)
            .answers(
                get(&challenge("guess"), Vec::new()),
                rejected(403, "challenge_refused"),
            )
            // No token at all is a wrong token.
            .answers(
                get(
                    &format!("/webhooks/meta?hub.mode=subscribe&hub.challenge={META_CHALLENGE}"),
                    Vec::new(),
                ),
                rejected(403, "challenge_refused"),
            )
            // The right token, but a challenge that is not plain text is never echoed.
            .answers(
                get(
                    "/webhooks/meta?hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=meatyhamhock",
                    Vec::new(),
                ),
                rejected(403, "challenge_refused"),
            )
            // Nor is one of two challenges.
            .answers(
                get(
                    &format!("{}&hub.challenge=2", challenge("meatyhamhock")),
                    Vec::new(),
                ),
                rejected(403, "challenge_refused"),
            ),
    );
    cases.push(
        Case::new("Meta GET without a challenge [Meta]", meta)
            .answers(
                get("/webhooks/meta", Vec::new()),
                rejected(401, "missing_header"),
            )
            // Another mode is not the challenge: verified as any request, and unsigned.
            .answers(
                get(
                    &format!(
                        "/webhooks/meta?hub.mode=unsubscribe&hub.challenge={META_CHALLENGE}&hub.verify_token=meatyhamhock"
                    ),
                    Vec::new(),
                ),
                rejected(401, "missing_header"),
            )
            // The challenge's query on a POST is not the challenge either.
            .answers(
                post_to(&challenge("meatyhamhock"), Vec::new(), b"{}"),
                rejected(401, "missing_header"),
            ),
    );

    // Dropbox: the unsigned GET ?challenge= is echoed.
    let dropbox = Routed::new(Preset::Dropbox);
    cases.push(
        Case::new("Dropbox GET challenge [Dropbox]", dropbox)
            .answers(
                get("/webhooks/dropbox?challenge=Xyz-123", Vec::new()),
                challenge_text("Xyz-123"),
            )
            .answers(
                get("/webhooks/dropbox?challenge=Xyz-123", Vec::new()),
                challenge_text("Xyz-123"),
            )
            .answers(
                post_to(
                    "/webhooks/dropbox?challenge=Xyz-123",
                    Vec::new(),
                    DROPBOX_BODY,
                ),
                rejected(401, "missing_header"),
            )
            .answers(
                post_to(
                    "/webhooks/dropbox",
                    signed(Preset::Dropbox, DROPBOX_BODY, "-"),
                    DROPBOX_BODY,
                ),
                handled(),
            )
            .runs(1)
            .bodies(&[DROPBOX_BODY]),
    );

    // Okta: the unsigned GET with X-Okta-Verification-Challenge, answered in JSON.
    let okta = Routed::new(Preset::Okta);
    let verification = format!(r#"{{"verification":"{OKTA_CHALLENGE}"}}"#);
    cases.push(
        Case::new("Okta verification challenge [Okta]", okta)
            .answers(
                get(
                    "/webhooks/okta",
                    headers(&[("X-Okta-Verification-Challenge", OKTA_CHALLENGE)]),
                ),
                challenge_json(&verification),
            )
            .answers(
                get(
                    "/webhooks/okta",
                    headers(&[("X-Okta-Verification-Challenge", OKTA_CHALLENGE)]),
                ),
                challenge_json(&verification),
            )
            .answers(
                post_to(
                    "/webhooks/okta",
                    headers(&[("Authorization", OKTA_TOKEN)]),
                    OKTA_BODY,
                ),
                handled(),
            )
            .answers(
                post_to(
                    "/webhooks/okta",
                    headers(&[("Authorization", OKTA_TOKEN)]),
                    OKTA_BODY,
                ),
                duplicate(),
            )
            .runs(1)
            .bodies(&[OKTA_BODY]),
    );

    // Zoom: the signed endpoint.url_validation, answered with the token's HMAC.
    let zoom = Routed::new(Preset::Zoom);
    let encrypted = hex(&hmac_sha256(
        ZOOM_SECRET.as_bytes(),
        ZOOM_PLAIN_TOKEN.as_bytes(),
    ));
    // serde_json writes the members in name order.
    let validated =
        format!(r#"{{"encryptedToken":"{encrypted}","plainToken":"{ZOOM_PLAIN_TOKEN}"}}"#);
    let validation = signed(Preset::Zoom, ZOOM_VALIDATION, "-");
    cases.push(
        Case::new("Zoom endpoint.url_validation [Zoom]", zoom)
            .answers(
                post_to("/webhooks/zoom", validation.clone(), ZOOM_VALIDATION),
                challenge_json(&validated),
            )
            .answers(
                post_to("/webhooks/zoom", validation.clone(), ZOOM_VALIDATION),
                challenge_json(&validated),
            )
            .answers(
                post_to(
                    "/webhooks/zoom",
                    signed(Preset::Zoom, ZOOM_EVENT, "-"),
                    ZOOM_EVENT,
                ),
                handled(),
            )
            .runs(1)
            .bodies(&[ZOOM_EVENT]),
    );
    let forged = replaced(
        validation,
        "x-zm-signature",
        &format!("v0={}", "0".repeat(64)),
    );
    cases.push(
        Case::new(
            "Zoom endpoint.url_validation with a bad signature [Zoom]",
            zoom,
        )
        .answers(
            post_to("/webhooks/zoom", forged, ZOOM_VALIDATION),
            rejected(401, "signature_mismatch"),
        ),
    );

    // Twitch: the signed webhook_callback_verification (RFC 3339 timestamp header).
    let twitch_ = Routed::new(Preset::Twitch);
    let verify = twitch(
        TWITCH_VERIFICATION,
        "e76c6bd4-55c9-4987-8304-da1588d8988b",
        "webhook_callback_verification",
    );
    let notification = twitch(
        TWITCH_NOTIFICATION,
        "befa7b53-d79d-478f-86b9-120f112b044e",
        "notification",
    );
    cases.push(
        Case::new("Twitch webhook_callback_verification [Twitch]", twitch_)
            .answers(
                post_to("/webhooks/twitch", verify.clone(), TWITCH_VERIFICATION),
                challenge_text(TWITCH_CHALLENGE),
            )
            // The same message id again: not remembered.
            .answers(
                post_to("/webhooks/twitch", verify.clone(), TWITCH_VERIFICATION),
                challenge_text(TWITCH_CHALLENGE),
            )
            .answers(
                post_to(
                    "/webhooks/twitch",
                    notification.clone(),
                    TWITCH_NOTIFICATION,
                ),
                handled(),
            )
            .answers(
                post_to("/webhooks/twitch", notification, TWITCH_NOTIFICATION),
                duplicate(),
            )
            .runs(1)
            .bodies(&[TWITCH_NOTIFICATION]),
    );
    let forged = replaced(
        verify,
        "Twitch-Eventsub-Message-Signature",
        &format!("sha256={}", "0".repeat(64)),
    );
    cases.push(
        Case::new(
            "Twitch webhook_callback_verification with a bad signature [Twitch]",
            twitch_,
        )
        .answers(
            post_to("/webhooks/twitch", forged, TWITCH_VERIFICATION),
            rejected(401, "signature_mismatch"),
        ),
    );

    // Twilio: the URL it called is the public URL joined with the path and query received.
    let twilio = Routed::new(Preset::Twilio).public_url("https://mycompany.com");
    cases.push(
        Case::new("Twilio form request [Twilio]", twilio)
            .answers(
                post_to(TWILIO_TARGET, twilio_form_headers(), TWILIO_FORM),
                handled(),
            )
            .answers(
                post_to(TWILIO_TARGET, twilio_form_headers(), TWILIO_FORM),
                duplicate(),
            )
            .runs(1)
            .bodies(&[TWILIO_FORM]),
    );
    cases.push(
        Case::new("Twilio form request with a tampered query [Twilio]", twilio)
            .answers(
                post_to("/myapp.php?foo=1&bar=3", twilio_form_headers(), TWILIO_FORM),
                rejected(401, "signature_mismatch"),
            )
            .answers(
                post_to("/myapp.php?bar=2&foo=1", twilio_form_headers(), TWILIO_FORM),
                rejected(401, "signature_mismatch"),
            )
            .answers(
                post_to("/other.php?foo=1&bar=2", twilio_form_headers(), TWILIO_FORM),
                rejected(401, "signature_mismatch"),
            ),
    );
    // Twilio signs the URL with or without the default port; either verifies.
    cases.push(
        Case::new(
            "Twilio form request, public URL with the default port [Twilio]",
            Routed::new(Preset::Twilio).public_url("https://mycompany.com:443"),
        )
        .answers(
            post_to(TWILIO_TARGET, twilio_form_headers(), TWILIO_FORM),
            handled(),
        )
        .runs(1),
    );
    let json = |body: &[u8]| {
        post_to(
            TWILIO_JSON_TARGET,
            headers(&[
                ("X-Twilio-Signature", TWILIO_JSON_SIGNATURE),
                ("Content-Type", "application/json"),
            ]),
            body,
        )
    };
    cases.push(
        Case::new("Twilio JSON request [Twilio]", twilio)
            .answers(json(TWILIO_JSON), handled())
            .answers(json(TWILIO_JSON), duplicate())
            .runs(1)
            .bodies(&[TWILIO_JSON]),
    );
    cases.push(
        Case::new("Twilio JSON request with a changed body [Twilio]", twilio).answers(
            json(br#"{"property": "value", "boolean": false}"#),
            rejected(401, "signature_mismatch"),
        ),
    );
    // The target reaches the verifier as sent: escapes neither decoded nor re-encoded.
    let mut escaped = signed_for(
        Preset::Twilio,
        "POST",
        &format!("https://mycompany.com{ESCAPED_TARGET}"),
        TWILIO_FORM,
    );
    escaped.push((
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    ));
    cases.push(
        Case::new(
            "Twilio form request with escapes in the URL [Twilio]",
            twilio,
        )
        .answers(
            post_to(ESCAPED_TARGET, escaped.clone(), TWILIO_FORM),
            handled(),
        )
        .answers(
            post_to(
                "/my%20app.php?name=J%C3%BCrgen%20M&next=%2Fhome%3Fa%3D1&empty=",
                escaped,
                TWILIO_FORM,
            ),
            rejected(401, "signature_mismatch"),
        )
        .runs(1),
    );

    // Square: the notification URL and the body (its published example).
    let square = Routed::new(Preset::Square).public_url("https://webhook.site");
    let square_headers = || headers(&[("x-square-hmacsha256-signature", SQUARE_SIGNATURE)]);
    cases.push(
        Case::new("Square notification URL [Square]", square)
            .answers(
                post_to(SQUARE_TARGET, square_headers(), SQUARE_BODY),
                handled(),
            )
            .answers(
                post_to(SQUARE_TARGET, square_headers(), SQUARE_BODY),
                duplicate(),
            )
            // A trailing slash is another URL.
            .answers(
                post_to(&format!("{SQUARE_TARGET}/"), square_headers(), SQUARE_BODY),
                rejected(401, "signature_mismatch"),
            )
            .runs(1)
            .bodies(&[SQUARE_BODY]),
    );

    // HubSpot v3: the method, the URL with reserved escapes decoded, the body, the time.
    let hubspot = Routed::new(Preset::HubSpot).public_url("https://mycompany.com");
    let hubspot_url = format!("https://mycompany.com{HUBSPOT_TARGET}");
    let hubspot_headers = signed_for(Preset::HubSpot, "POST", &hubspot_url, HUBSPOT_BODY);
    cases.push(
        Case::new("HubSpot v3 method and URL [HubSpot]", hubspot)
            .answers(
                post_to(HUBSPOT_TARGET, hubspot_headers.clone(), HUBSPOT_BODY),
                handled(),
            )
            // The method is signed.
            .answers(
                send(
                    Method::PUT,
                    HUBSPOT_TARGET,
                    hubspot_headers.clone(),
                    HUBSPOT_BODY,
                ),
                rejected(401, "signature_mismatch"),
            )
            // `%3A` is decoded before signing, so `:` as sent is the same URL.
            .answers(
                post_to(
                    "/webhooks/hubspot?state=a:b,c&name=J%C3%BCrgen%20M",
                    hubspot_headers,
                    HUBSPOT_BODY,
                ),
                duplicate(),
            )
            .runs(1),
    );
    cases
}
