//! The `hookshield` binary, run as a user would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::process::Output;

use support::{Env, body_file, header_flags, run, stdout};

/// `sign` for a preset, then `verify` with the printed headers as `-H` arguments.
fn round_trip(preset: &str, secret: &str, body: &[u8], extra: &[&str]) -> Output {
    round_trip_with(preset, ("--secret-env", secret), secret, body, extra)
}

/// `sign` with `signing` (`--secret-env` or `--private-key-env`, and the value put in
/// `HS_SIGNING`), then `verify --secret-env HS_SECRET` holding `verifying`, with the
/// printed headers as `-H` arguments.
fn round_trip_with(
    preset: &str,
    signing: (&str, &str),
    verifying: &str,
    body: &[u8],
    extra: &[&str],
) -> Output {
    let env = [("HS_SIGNING", signing.1), ("HS_SECRET", verifying)];
    let mut sign = vec![
        "sign",
        "--preset",
        preset,
        signing.0,
        "HS_SIGNING",
        "--now",
        "1700000000",
    ];
    sign.extend_from_slice(extra);
    let signed = run(&sign, &env, body);
    assert!(
        signed.status.success(),
        "{preset}: {}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let lines = stdout(&signed);
    let mut verify = vec![
        "verify",
        "--preset",
        preset,
        "--secret-env",
        "HS_SECRET",
        "--now",
        "1700000000",
    ];
    verify.extend_from_slice(extra);
    verify.extend(header_flags(&lines));
    run(&verify, &env, body)
}

/// The URL the round trips sign and verify for presets that sign it.
const URL: &str = "https://hooks.example.com/in/twilio?account=a1&x=%2F";

#[test]
fn every_preset_round_trips() {
    // Every body field a preset reads: ids, PagerDuty's nested `event.id`, Okta's
    // `eventId`, and Linear's `webhookTimestamp` in milliseconds at the `--now` of
    // `round_trip`.
    let json = br#"{"id":"evt_1","event_id":"hcp.event:1","eventId":"okta-1","type":"x","event":{"id":"pd_1"},"webhookTimestamp":1700000000000}"#;
    for &preset in hookshield_core::presets::NAMES {
        let scheme = hookshield_core::presets::by_name(preset)
            .unwrap()
            .build()
            .unwrap();
        // `--url` is accepted by every preset, and needed by those that sign it.
        let extra = ["--url", URL];
        let out = if scheme.algorithm().is_public_key() {
            // Discord, SendGrid, Plaid: a fresh pair, the private key signs.
            let (private, public) = support::keygen(preset);
            round_trip_with(
                preset,
                ("--private-key-env", &private),
                &public,
                json,
                &extra,
            )
        } else if matches!(preset, "standard-webhooks" | "clerk" | "resend") {
            round_trip(
                preset,
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                json,
                &extra,
            )
        } else {
            round_trip(preset, "s3cret", json, &extra)
        };
        assert!(
            out.status.success(),
            "{preset}: {} {}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        );
        let meta: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(meta["scheme"], preset, "{preset}");
        assert_eq!(meta["secret_label"], "HS_SECRET");
    }
}

/// Twilio, Square and HubSpot sign the URL: `sign` and `verify` refuse to guess it (exit 2,
/// naming `--url`), and a signature over one URL is refused for another (exit 1).
#[test]
fn url_signing_presets_need_the_url_and_sign_it() {
    let env = [("HS_SECRET", "s3cret")];
    let body = br#"{"event_id":"evt-url-1"}"#;
    for preset in ["twilio", "square", "hubspot"] {
        for command in ["sign", "verify"] {
            let out = run(
                &[command, "--preset", preset, "--secret-env", "HS_SECRET"],
                &env,
                body,
            );
            assert_eq!(out.status.code(), Some(2), "{command} {preset}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("--url") && stderr.contains(preset),
                "{command} {preset}: {stderr}"
            );
        }
        let signed = run(
            &[
                "sign",
                "--preset",
                preset,
                "--secret-env",
                "HS_SECRET",
                "--now",
                "1700000000",
                "--url",
                URL,
            ],
            &env,
            body,
        );
        assert!(signed.status.success(), "{preset}");
        let lines = stdout(&signed);
        let file = body_file(&format!("url-{preset}"), body);
        let verify = |url: &str, method: &str| {
            let mut args = vec![
                "verify",
                "--preset",
                preset,
                "--secret-env",
                "HS_SECRET",
                "--now",
                "1700000000",
                "--url",
                url,
                "--method",
                method,
                "--body-file",
                file.to_str().unwrap(),
            ];
            args.extend(header_flags(&lines));
            run(&args, &env, b"")
        };
        let ok = verify(URL, "POST");
        assert_eq!(ok.status.code(), Some(0), "{preset}: {}", stdout(&ok));
        // A fragment is never sent: dropped on both sides.
        assert_eq!(
            verify(&format!("{URL}#rc=5"), "post").status.code(),
            Some(0)
        );
        for other in [
            "https://hooks.example.com/in/twilio?account=a2&x=%2F",
            "http://hooks.example.com/in/twilio?account=a1&x=%2F",
            "https://hooks.example.com/in/other?account=a1&x=%2F",
        ] {
            let out = verify(other, "POST");
            assert_eq!(out.status.code(), Some(1), "{preset} {other}");
            assert!(stdout(&out).contains("signature_mismatch"), "{preset}");
        }
        // HubSpot signs the method too.
        let put = verify(URL, "PUT");
        let expected = if preset == "hubspot" { 1 } else { 0 };
        assert_eq!(put.status.code(), Some(expected), "{preset} PUT");
    }
    let bad = run(
        &[
            "verify",
            "--preset",
            "square",
            "--secret-env",
            "HS_SECRET",
            "--url",
            "hooks.example.com/in",
        ],
        &env,
        body,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("https://"));
}

/// Twilio signs a JSON body by its SHA-256 in the URL (`bodySHA256`): `sign` adds it and
/// says which URL it signed, and `verify` checks the body against it.
#[test]
fn twilio_json_bodies_are_signed_with_their_hash_in_the_url() {
    let env = [("TWILIO_TOKEN", "12345")];
    let body = br#"{"property": "value", "boolean": true}"#;
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let signed = run(
        &[
            "sign",
            "--preset",
            "twilio",
            "--secret-env",
            "TWILIO_TOKEN",
            "--url",
            url,
            "--content-type",
            "application/json",
        ],
        &env,
        body,
    );
    assert!(signed.status.success());
    // twilio-python's JSON example: the same URL and signature.
    assert!(
        stdout(&signed).contains("X-Twilio-Signature: a9nBmqA0ju/hNViExpshrM61xv4=\n"),
        "{}",
        stdout(&signed)
    );
    let hashed = format!(
        "{url}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    );
    assert_eq!(
        String::from_utf8_lossy(&signed.stderr).trim(),
        format!("hookshield: signed URL: {hashed}")
    );
    // A form body is signed field by field, at the URL as given: nothing on stderr.
    let form = run(
        &[
            "sign",
            "--preset",
            "twilio",
            "--secret-env",
            "TWILIO_TOKEN",
            "--url",
            url,
        ],
        &env,
        b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212",
    );
    assert!(stdout(&form).contains("X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=\n"));
    assert!(form.stderr.is_empty());
}

/// `verify --method GET` answers the preset's challenge (Meta with its verify token,
/// Dropbox, Okta) as a receiver would, or refuses it; `--handshake-token` is refused for
/// presets whose challenge has no token.
#[test]
fn verify_answers_get_challenges() {
    let env = [("S", "app-secret"), ("META_TOKEN", "meatyhamhock")];
    let meta = |token_args: &[&str], token: &str| {
        let url = format!(
            "https://example.com/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}"
        );
        let mut args = vec![
            "verify",
            "--preset",
            "meta",
            "--secret-env",
            "S",
            "--method",
            "GET",
            "--url",
            &url,
        ];
        args.extend_from_slice(token_args);
        let out = run(&args, &env, b"");
        (out.status.code(), stdout(&out))
    };
    let (code, out) = meta(&["--handshake-token", "meatyhamhock"], "meatyhamhock");
    assert_eq!(code, Some(0), "{out}");
    let answer: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(answer["handshake"]["name"], "meta_verification");
    assert_eq!(answer["handshake"]["status"], 200);
    assert_eq!(answer["handshake"]["body"], "1158201444");
    assert_eq!(
        answer["handshake"]["content_type"],
        "text/plain; charset=utf-8"
    );
    let (code, _) = meta(&["--handshake-token-env", "META_TOKEN"], "meatyhamhock");
    assert_eq!(code, Some(0));
    for (token_args, token) in [
        (&["--handshake-token", "meatyhamhock"][..], "guess"),
        (&[][..], "meatyhamhock"),
    ] {
        let (code, out) = meta(token_args, token);
        assert_eq!(code, Some(1), "{token_args:?}");
        let err: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(
            (err["error"].as_str(), err["status"].as_u64()),
            (Some("challenge_refused"), Some(403))
        );
    }

    let dropbox = run(
        &[
            "verify",
            "--preset",
            "dropbox",
            "--secret-env",
            "S",
            "--method",
            "get",
            "--url",
            "https://example.com/dropbox?challenge=Xyz-123",
        ],
        &env,
        b"",
    );
    assert_eq!(dropbox.status.code(), Some(0));
    assert!(stdout(&dropbox).contains(r#""body":"Xyz-123""#));
    let okta = run(
        &[
            "verify",
            "--preset",
            "okta",
            "--secret-env",
            "S",
            "--method",
            "GET",
            "-H",
            "X-Okta-Verification-Challenge: lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw",
        ],
        &env,
        b"",
    );
    assert_eq!(okta.status.code(), Some(0));
    let answer: serde_json::Value = serde_json::from_str(stdout(&okta).trim()).unwrap();
    assert_eq!(
        answer["handshake"]["body"],
        r#"{"verification":"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw"}"#
    );
    assert_eq!(answer["handshake"]["content_type"], "application/json");
    // A GET that is not the challenge is verified, and refused as unsigned.
    let plain_get = run(
        &[
            "verify",
            "--preset",
            "dropbox",
            "--secret-env",
            "S",
            "--method",
            "GET",
        ],
        &env,
        b"",
    );
    assert_eq!(plain_get.status.code(), Some(1));
    assert!(stdout(&plain_get).contains("missing_header"));

    let misuse = run(
        &[
            "verify",
            "--preset",
            "dropbox",
            "--secret-env",
            "S",
            "--handshake-token",
            "t",
        ],
        &env,
        b"",
    );
    assert_eq!(misuse.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&misuse.stderr).contains("meta"));
    let both = run(
        &[
            "verify",
            "--preset",
            "meta",
            "--secret-env",
            "S",
            "--handshake-token",
            "t",
            "--handshake-token-env",
            "META_TOKEN",
        ],
        &env,
        b"",
    );
    assert_eq!(both.status.code(), Some(2));
}

/// A verified signed handshake (Slack's `url_verification`) is reported with the answer a
/// receiver sends.
#[test]
fn verify_reports_the_answer_to_a_signed_handshake() {
    let body = br#"{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let out = round_trip("slack", "s3cret", body, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let meta: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(meta["handshake"]["name"], "slack_url_verification");
    assert_eq!(
        meta["handshake"]["body"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    let event = round_trip("slack", "s3cret", br#"{"type":"event_callback"}"#, &[]);
    let meta: serde_json::Value = serde_json::from_str(stdout(&event).trim()).unwrap();
    assert!(meta.get("handshake").is_none());
}

#[test]
fn shared_token_header_is_configurable() {
    let out = round_trip(
        "shared-token",
        "tok",
        b"{}",
        &["--header", "X-Gitlab-Token"],
    );
    assert!(out.status.success(), "{}", stdout(&out));
    let wrong = run(
        &[
            "verify",
            "--preset",
            "shared-token",
            "--header",
            "X-Gitlab-Token",
            "--secret-env",
            "T",
            "-H",
            "X-Gitlab-Token: nope",
        ],
        &[("T", "tok")],
        b"{}",
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stdout(&wrong).contains("signature_mismatch"));
    let misuse = run(
        &[
            "sign",
            "--preset",
            "civo",
            "--header",
            "X",
            "--secret-env",
            "T",
        ],
        &[("T", "tok")],
        b"",
    );
    assert_eq!(misuse.status.code(), Some(2));
}

/// GitHub's documented example (docs.github.com, "Validating webhook deliveries").
#[test]
fn github_docs_example_verifies_and_tampering_is_refused() {
    let env = [("GH_SECRET", "It's a Secret to Everybody")];
    let args = [
        "verify",
        "--preset",
        "github",
        "--secret-env",
        "GH_SECRET",
        "-H",
        "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "-H",
        "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958",
    ];
    let ok = run(&args, &env, b"Hello, World!");
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["event_id"], "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assert_eq!(meta["id_origin"], "header");

    let tampered = run(&args, &env, b"Hello, World?");
    assert_eq!(tampered.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_str(stdout(&tampered).trim()).unwrap();
    assert_eq!(err["error"], "signature_mismatch");
    assert_eq!(err["status"], 401);
    for stream in [&tampered.stdout, &tampered.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains("Secret to Everybody"));
    }
}

/// Standard Webhooks spec example 1 (standard-webhooks/standard-webhooks, also in Svix docs).
#[test]
fn standard_webhooks_example_and_staleness() {
    let env = [("SW", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")];
    let args = |now: &'static str| {
        vec![
            "verify",
            "--preset",
            "standard-webhooks",
            "--secret-env",
            "SW",
            "--now",
            now,
            "-H",
            "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
            "-H",
            "webhook-timestamp: 1614265330",
            "-H",
            "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ]
    };
    let body = br#"{"test": 2432232314}"#;
    let ok = run(&args("1614265330"), &env, body);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["event_id"], "msg_p5jXN8AQM9LWM0D4loKWxJek");
    assert_eq!(meta["timestamp"], 1_614_265_330);

    let stale = run(&args("1614265930"), &env, body);
    assert_eq!(stale.status.code(), Some(1));
    assert!(stdout(&stale).contains("timestamp_out_of_window"));
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let cases: [(&[&str], Env<'_>); 6] = [
        (
            &["verify", "--preset", "nope", "--secret-env", "S"],
            &[("S", "x")],
        ),
        (
            &[
                "verify",
                "--preset",
                "civo",
                "--secret-env",
                "UNSET_HOOKSHIELD_VAR",
            ],
            &[],
        ),
        (
            &["verify", "--preset", "civo", "--secret-env", "S"],
            &[("S", "")],
        ),
        (&["verify", "--preset", "civo"], &[]),
        (
            &[
                "verify",
                "--preset",
                "civo",
                "--secret-env",
                "S",
                "-H",
                "no colon",
            ],
            &[("S", "x")],
        ),
        (
            &[
                "verify",
                "--preset",
                "standard-webhooks",
                "--secret-env",
                "S",
            ],
            &[("S", "whsec_!!!")],
        ),
    ];
    for (args, env) in cases {
        let out = run(args, env, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    assert_eq!(run(&["frobnicate"], &[], b"").status.code(), Some(2));
}

#[test]
fn secret_file_and_non_utf8_body_file() {
    let secret = body_file("secret", b"file-secret\n");
    let body = body_file("body", b"\xff\xfe\x00binary\x80");
    let (secret, body) = (secret.to_str().unwrap(), body.to_str().unwrap());
    let signed = run(
        &[
            "sign",
            "--preset",
            "civo",
            "--secret-file",
            secret,
            "--id",
            "e-1",
            "--body-file",
            body,
        ],
        &[],
        b"",
    );
    assert!(signed.status.success());
    let lines = stdout(&signed);
    let mut verify = vec![
        "verify",
        "--preset",
        "civo",
        "--secret-file",
        secret,
        "--body-file",
        body,
    ];
    verify.extend(header_flags(&lines));
    let out = run(&verify, &[], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The trailing newline of the file is not part of the secret.
    let with_newline = run(
        &[
            "sign",
            "--preset",
            "civo",
            "--secret-env",
            "S",
            "--id",
            "e-1",
            "--body-file",
            body,
        ],
        &[("S", "file-secret")],
        b"",
    );
    assert_eq!(stdout(&with_newline), lines);
}

#[test]
fn rotation_accepts_either_secret_and_reports_which() {
    let signed = run(
        &[
            "sign",
            "--preset",
            "civo",
            "--secret-env",
            "OLD",
            "--id",
            "e-9",
        ],
        &[("OLD", "old-secret")],
        b"{}",
    );
    let lines = stdout(&signed);
    let mut verify = vec![
        "verify",
        "--preset",
        "civo",
        "--secret-env",
        "NEW",
        "--secret-env",
        "OLD",
    ];
    verify.extend(header_flags(&lines));
    let out = run(
        &verify,
        &[("NEW", "new-secret"), ("OLD", "old-secret")],
        b"{}",
    );
    let meta: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(meta["secret_index"], 1);
    assert_eq!(meta["secret_label"], "OLD");
}
