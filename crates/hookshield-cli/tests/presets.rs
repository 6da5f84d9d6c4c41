//! `hookshield presets`, and `verify --preset` with the providers' published vectors.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

mod support;

use std::process::Output;

use hookshield_core::presets;
use support::{body_file, run, stdout};

/// A published body, byte for byte, from the core crate's preset vectors.
fn vector(name: &str) -> String {
    format!(
        "{}/../hookshield-core/src/presets/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn presets_lists_every_preset_as_a_table() {
    let out = run(&["presets"], &[], b"");
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{}", lines[0]);
    assert!(lines[0].contains("ALIASES") && lines[0].contains("DOCS"));
    assert_eq!(lines.len(), presets::NAMES.len() + 1);
    assert!(presets::NAMES.len() >= 20);
    for (line, name) in lines[1..].iter().zip(presets::NAMES) {
        assert!(line.starts_with(&format!("{name} ")), "{line}");
        assert!(line.contains("https://"), "{line}");
    }
    let paddle = lines.iter().find(|l| l.starts_with("paddle ")).unwrap();
    assert!(paddle.contains("Paddle-Signature") && paddle.contains("-5s/+60s"));
    assert!(paddle.contains("96h") && paddle.contains("paddle-billing"));
}

#[test]
fn presets_json_describes_every_preset() {
    let out = run(&["presets", "--json"], &[], b"");
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), presets::NAMES.len());
    for entry in list {
        assert!(entry["docs"].as_str().unwrap().starts_with("https://"));
        assert!(entry["ttl_secs"].as_u64().unwrap() >= 3600);
        assert!(!entry["headers"].as_array().unwrap().is_empty());
    }
    let find = |name: &str| list.iter().find(|e| e["name"] == name).unwrap();
    assert_eq!(
        find("standard-webhooks")["aliases"],
        serde_json::json!(["standard_webhooks", "svix"])
    );
    let pagerduty = find("pagerduty");
    assert_eq!(pagerduty["id"]["path"], "event.id");
    assert_eq!(pagerduty["id"]["from"], "body field");
    assert_eq!(pagerduty["window"], serde_json::Value::Null);
    let linear = find("linear");
    assert_eq!(linear["timestamp"]["unit"], "milliseconds");
    assert_eq!(linear["timestamp"]["path"], "webhookTimestamp");
    assert_eq!(find("calendly")["digest_of"], "body");
    assert_eq!(find("typeform")["encoding"], "base64");
}

#[test]
fn help_lists_the_preset_names_and_aliases_are_accepted() {
    let out = run(&["verify", "--help"], &[], b"");
    let help = stdout(&out);
    for name in presets::NAMES {
        assert!(help.contains(name), "{name} missing from --help");
    }
    // An alias works wherever a name does.
    let env = [("S", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")];
    let out = run(
        &[
            "sign",
            "--preset",
            "svix",
            "--secret-env",
            "S",
            "--id",
            "msg_1",
        ],
        &env,
        b"{}",
    );
    assert!(out.status.success());
    assert!(stdout(&out).contains("webhook-signature: v1,"));
}

/// `verify --preset paddle` with PaddleHQ/paddle-go-sdk's vector (commit 7f86494).
#[test]
fn paddle_published_vector_verifies() {
    let env = [(
        "PADDLE_SECRET",
        "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_hKkRiCGyyRhbFwIUuqiTBgI7gnWoV0Gr",
    )];
    let body = vector("paddle-go-sdk.json");
    let signature = "Paddle-Signature: ts=1710929255;h1=6c05ef8fa83c44d751be6d259ec955ce5638e2c54095bf128e408e2fce1589c8";
    let call = |now: &str, header: &str| {
        let args = [
            "verify",
            "--preset",
            "paddle",
            "--secret-env",
            "PADDLE_SECRET",
            "--now",
            now,
            "--body-file",
            &body,
            "-H",
            header,
        ];
        run(&args, &env, b"")
    };
    let ok = call("1710929255", signature);
    assert!(ok.status.success(), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["event_id"], "evt_01hsdn97563968dy0szkmgjwh3");
    assert_eq!(meta["id_origin"], "body");
    assert_eq!(meta["timestamp"], 1_710_929_255);
    // Paddle's rotation test: a dummy h1 before the valid one.
    let rotated = "Paddle-Signature: ts=1710929255;h1=dummy;h1=6c05ef8fa83c44d751be6d259ec955ce5638e2c54095bf128e408e2fce1589c8";
    assert!(call("1710929255", rotated).status.success());
    // Six seconds later the signed timestamp is stale.
    let stale = call("1710929261", signature);
    assert_eq!(stale.status.code(), Some(1));
    assert!(stdout(&stale).contains("timestamp_out_of_window"));
}

/// `verify --preset pagerduty` with PagerDuty/go-pagerduty's vector (commit d34fb98).
#[test]
fn pagerduty_published_vector_verifies() {
    let env = [(
        "PD_SECRET",
        "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK",
    )];
    let body = vector("pagerduty-go.json");
    let header = "X-PagerDuty-Signature: v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5,v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd";
    let args = [
        "verify",
        "--preset",
        "pagerduty",
        "--secret-env",
        "PD_SECRET",
        "--body-file",
        &body,
        "-H",
        header,
    ];
    let ok = run(&args, &env, b"");
    assert!(ok.status.success(), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["event_id"], "01BWDWL3NYY7LUFPZCC28QUCMK");
    assert_eq!(meta["id_origin"], "body");
    // The same vector with the wrong secret is a mismatch.
    let wrong = run(&args, &[("PD_SECRET", "another")], b"");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(stdout(&wrong).contains("signature_mismatch"));
}

/// `presets --json` says which presets sign the URL (and Twilio's body-hash parameter)
/// and which handshake each answers.
#[test]
fn presets_json_says_what_is_signed_and_which_handshake_is_answered() {
    let out = run(&["presets", "--json"], &[], b"");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    let find = |name: &str| list.iter().find(|e| e["name"] == name).unwrap();
    for name in ["twilio", "square", "hubspot"] {
        assert_eq!(find(name)["signs_url"], true, "{name}");
        assert!(find(name)["handshake"].is_null(), "{name}");
    }
    assert_eq!(find("twilio")["body_hash_param"], "bodySHA256");
    assert_eq!(find("civo")["signs_url"], false);
    for (name, handshake, unsigned_get, needs_token) in [
        ("meta", "meta_verification", true, true),
        ("dropbox", "dropbox_challenge", true, false),
        ("okta", "okta_verification", true, false),
        ("zoom", "zoom_url_validation", false, false),
        ("twitch", "twitch_callback_verification", false, false),
        ("slack", "slack_url_verification", false, false),
    ] {
        let entry = &find(name)["handshake"];
        assert_eq!(entry["name"], handshake, "{name}");
        assert_eq!(entry["unsigned_get"], unsigned_get, "{name}");
        assert_eq!(entry["needs_token"], needs_token, "{name}");
    }
    assert!(find("github")["handshake"].is_null());
    // The eight presets of the request-context release are listed, aliases included.
    for name in [
        "twilio", "square", "hubspot", "meta", "dropbox", "okta", "zoom", "twitch",
    ] {
        assert!(list.iter().any(|e| e["name"] == name), "{name}");
    }
    assert_eq!(
        find("meta")["aliases"],
        serde_json::json!(["whatsapp", "instagram", "facebook"])
    );
}

/// twilio-python `tests/unit/test_request_validator.py`: the form example.
const TWILIO_FORM: &[u8] = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
const TWILIO_JSON: &[u8] = br#"{"property": "value", "boolean": true}"#;
const TWILIO_HASH: &str = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

/// `verify --preset twilio --url …` with the auth token `12345`.
fn twilio(url: &str, signature: &str, body: &[u8]) -> std::process::Output {
    let header = format!("X-Twilio-Signature: {signature}");
    let args = [
        "verify",
        "--preset",
        "twilio",
        "--secret-env",
        "TWILIO_AUTH_TOKEN",
        "--url",
        url,
        "-H",
        &header,
    ];
    run(&args, &[("TWILIO_AUTH_TOKEN", "12345")], body)
}

/// twilio-python's published form and JSON vectors verify at their URL, and are refused
/// at any other (exit 1, `signature_mismatch`).
#[test]
fn twilio_published_vectors_verify_at_their_url() {
    let form_sig = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    let ok = twilio(url, form_sig, TWILIO_FORM);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["scheme"], "twilio");
    assert_eq!(meta["id_origin"], "digest");
    // Twilio's SDKs accept the default port written out.
    let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    assert_eq!(
        twilio(with_port, form_sig, TWILIO_FORM).status.code(),
        Some(0)
    );

    let json_url = format!("{url}&bodySHA256={TWILIO_HASH}");
    let json_sig = "a9nBmqA0ju/hNViExpshrM61xv4=";
    let ok = twilio(&json_url, json_sig, TWILIO_JSON);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));

    for (tampered, signature, body) in [
        (
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            form_sig,
            TWILIO_FORM,
        ),
        (
            "https://mycompany.com/myapp.php?bar=2&foo=1",
            form_sig,
            TWILIO_FORM,
        ),
        (
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            form_sig,
            TWILIO_FORM,
        ),
        (
            "https://evil.example/myapp.php?foo=1&bar=2",
            form_sig,
            TWILIO_FORM,
        ),
        (url, json_sig, TWILIO_JSON),
    ] {
        let out = twilio(tampered, signature, body);
        assert_eq!(out.status.code(), Some(1), "{tampered}");
        let err: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(err["error"], "signature_mismatch", "{tampered}");
        assert_eq!(err["status"], 401);
    }
    // The signed URL is right, the body is not the one its hash names.
    let out = twilio(
        &json_url,
        json_sig,
        br#"{"property": "value", "boolean": false}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("signature_mismatch"));

    // Without the URL the signature cannot be checked: a usage error, exit 2.
    let args = [
        "verify",
        "--preset",
        "twilio",
        "--secret-env",
        "T",
        "-H",
        "X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=",
    ];
    let out = run(&args, &[("T", "12345")], TWILIO_FORM);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--url") && stderr.contains("twilio"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// square-python-sdk's webhooks helper test vector.
#[test]
fn square_published_vector_verifies_at_its_url() {
    let body = br#"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#;
    let call = |url: &str| {
        let args = [
            "verify",
            "--preset",
            "square",
            "--secret-env",
            "SQUARE_KEY",
            "--url",
            url,
            "-H",
            "x-square-hmacsha256-signature: GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=",
        ];
        run(&args, &[("SQUARE_KEY", "Ibxx_5AKakO-3qeNVR61Dw")], body)
    };
    let url = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9";
    let ok = call(url);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["event_id"], "ac3ac95b-f97d-458c-a6e6-18981597e05f");
    assert_eq!(meta["id_origin"], "body");
    // Square signs the notification URL byte for byte.
    for other in [
        "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9/",
        "https://webhook.site:443/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
        "http://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9",
    ] {
        let out = call(other);
        assert_eq!(out.status.code(), Some(1), "{other}");
        assert!(stdout(&out).contains("signature_mismatch"), "{other}");
    }
}

/// hubspot-api-python `tests/spec/utils/test_signature.py`: signature v3 of a POST to
/// `https://www.example.com/webhook_uri`, signed at 1693657560000 ms. `--now` verifies it
/// as of then; as of today its timestamp is stale, which is said of an authentic request
/// only (`timestamp_out_of_window`, not `signature_mismatch`).
#[test]
fn hubspot_published_v3_vector_verifies_as_of_its_timestamp() {
    let call = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--preset",
            "hubspot",
            "--secret-env",
            "HUBSPOT_SECRET",
            "--url",
            "https://www.example.com/webhook_uri",
            "-H",
            "X-HubSpot-Signature-v3: K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=",
            "-H",
            "X-HubSpot-Request-Timestamp: 1693657560000",
        ];
        args.extend_from_slice(extra);
        run(
            &args,
            &[("HUBSPOT_SECRET", "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy")],
            b"{'example_field':'example_value'}",
        )
    };
    let ok = call(&["--now", "1693657560"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["timestamp"], 1_693_657_560);
    assert_eq!(meta["scheme"], "hubspot");
    // Five minutes either way.
    assert_eq!(call(&["--now", "1693657860"]).status.code(), Some(0));
    let late = call(&["--now", "1693657861"]);
    assert_eq!(late.status.code(), Some(1));
    assert!(stdout(&late).contains("timestamp_out_of_window"));
    let today = call(&[]);
    assert_eq!(today.status.code(), Some(1));
    assert!(
        stdout(&today).contains("timestamp_out_of_window"),
        "{}",
        stdout(&today)
    );
    // The method is signed: the same request as a GET is not authentic.
    let body = body_file("hubspot-get", b"{'example_field':'example_value'}");
    let body = body.to_str().unwrap();
    let get = call(&[
        "--now",
        "1693657560",
        "--method",
        "GET",
        "--body-file",
        body,
    ]);
    assert_eq!(get.status.code(), Some(1));
    assert!(stdout(&get).contains("signature_mismatch"));
}

/// hapi-dropbox-webhooks 1.1.0 `test/index.js`: a third-party vector (Dropbox publishes
/// none), through the binary; then Dropbox's `GET ?challenge=` at the same URL.
#[test]
fn dropbox_third_party_vector_and_challenge() {
    let env = [("DROPBOX_SECRET", "the_secret")];
    let verify = |method: &str, url: &str, extra: &[&str], body: &[u8]| {
        let mut args = vec![
            "verify",
            "--preset",
            "dropbox",
            "--secret-env",
            "DROPBOX_SECRET",
            "--method",
            method,
            "--url",
            url,
        ];
        args.extend_from_slice(extra);
        run(&args, &env, body)
    };
    let signature =
        "X-Dropbox-Signature: 0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529";
    let body = br#"{"delta": {"users": [12345]}}"#;
    let ok = verify(
        "POST",
        "https://example.com/dropbox",
        &["-H", signature],
        body,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let tampered = verify(
        "POST",
        "https://example.com/dropbox",
        &["-H", signature],
        b"{}",
    );
    assert_eq!(tampered.status.code(), Some(1));
    assert!(stdout(&tampered).contains("signature_mismatch"));
    let challenge = verify(
        "GET",
        "https://example.com/dropbox?challenge=abc123",
        &[],
        b"",
    );
    assert_eq!(challenge.status.code(), Some(0), "{}", stdout(&challenge));
    let reply: serde_json::Value = serde_json::from_str(stdout(&challenge).trim()).unwrap();
    assert_eq!(reply["handshake"]["body"], "abc123");
    assert_eq!(reply["handshake"]["name"], "dropbox_challenge");
}

/// `presets` says what each preset verifies with, and names the public-key algorithms.
#[test]
fn presets_say_which_key_each_preset_verifies_with() {
    let out = run(&["presets", "--json"], &[], b"");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    let find = |name: &str| list.iter().find(|e| e["name"] == name).unwrap();
    for (name, algorithm, key) in [
        ("discord", "Ed25519", "public key"),
        ("sendgrid", "ECDSA-P256-SHA256", "public key"),
        (
            "standard-webhooks",
            "HMAC-SHA256",
            "secret or public key (v1a)",
        ),
        ("github", "HMAC-SHA256", "secret"),
        ("shared-token", "shared token", "secret"),
    ] {
        assert_eq!(find(name)["algorithm"], algorithm, "{name}");
        assert_eq!(find(name)["key"], key, "{name}");
    }
    assert_eq!(
        find("standard-webhooks")["public_key_entries"],
        serde_json::json!({"version": "v1a", "algorithm": "Ed25519"})
    );
    assert!(find("discord")["public_key_entries"].is_null());

    let table = stdout(&run(&["presets"], &[], b""));
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("ALGORITHM") && header.contains("KEY"),
        "{header}"
    );
    // Columns are two spaces apart or more; a cell holds single spaces only.
    let cells = |name: &str| -> Vec<String> {
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap();
        line.split("  ")
            .map(str::trim)
            .filter(|cell| !cell.is_empty())
            .map(str::to_owned)
            .collect()
    };
    for (name, algorithm, key) in [
        ("discord", "Ed25519 hex", "public key"),
        ("sendgrid", "ECDSA-P256-SHA256 base64", "public key"),
        (
            "standard-webhooks",
            "HMAC-SHA256 base64 + v1a Ed25519",
            "secret or public key (v1a)",
        ),
        ("github", "HMAC-SHA256 hex", "secret"),
        ("shared-token", "shared token", "secret"),
    ] {
        let row = cells(name);
        assert_eq!(
            (row[3].as_str(), row[4].as_str()),
            (algorithm, key),
            "{row:?}"
        );
    }
}

/// sendgrid-nodejs `packages/eventwebhook/src/eventwebhook.spec.js`: the key, as
/// SendGrid's dashboard shows it, in `--secret-env`.
const SENDGRID_NODE_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";

/// `verify --preset sendgrid` with the public key and a signature, as of `now`.
fn sendgrid(key: &str, now: &str, timestamp: &str, signature: &str, body: &[u8]) -> Output {
    let timestamp = format!("X-Twilio-Email-Event-Webhook-Timestamp: {timestamp}");
    let signature = format!("X-Twilio-Email-Event-Webhook-Signature: {signature}");
    let args = [
        "verify",
        "--preset",
        "sendgrid",
        "--secret-env",
        "SENDGRID_KEY",
        "--now",
        now,
        "-H",
        &timestamp,
        "-H",
        &signature,
    ];
    run(&args, &[("SENDGRID_KEY", key)], body)
}

/// SendGrid's published vectors verify with the public key in `--secret-env`: the node
/// SDK's, and the python SDK's (a body ending in CRLF, a high-S signature).
#[test]
fn sendgrid_published_vectors_verify_with_the_public_key() {
    let node_body =
        br#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;
    let node_sig = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
    let ok = sendgrid(
        SENDGRID_NODE_KEY,
        "1588788367",
        "1588788367",
        node_sig,
        node_body,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["scheme"], "sendgrid");
    assert_eq!(meta["timestamp"], 1_588_788_367);
    assert_eq!(meta["id_origin"], "digest");
    assert_eq!(meta["secret_label"], "SENDGRID_KEY");

    // sendgrid-python `test/unit/test_eventwebhook.py`: its own key.
    let py_key = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    let py_body = b"[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\",\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\",\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\",\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n";
    let py_sig = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
    let ok = sendgrid(py_key, "1600112502", "1600112502", py_sig, py_body);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    // Without its CRLF the body is another one.
    let trimmed = &py_body[..py_body.len() - 2];
    let out = sendgrid(py_key, "1600112502", "1600112502", py_sig, trimmed);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("signature_mismatch"));

    // Each vector under the other's key, a tampered body, another timestamp: refused.
    for (key, ts, sig, body) in [
        (py_key, "1588788367", node_sig, &node_body[..]),
        (SENDGRID_NODE_KEY, "1600112502", py_sig, py_body),
        (
            SENDGRID_NODE_KEY,
            "1588788367",
            node_sig,
            br#"{"category":"example_payload"}"#,
        ),
        (SENDGRID_NODE_KEY, "1588788368", node_sig, node_body),
    ] {
        let out = sendgrid(key, ts, ts, sig, body);
        assert_eq!(out.status.code(), Some(1), "{ts}");
        let err: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(err["error"], "signature_mismatch", "{ts}");
        assert_eq!(err["status"], 401);
    }
    // As of today the vector is stale, which is said of an authentic request only.
    let today = run(
        &[
            "verify",
            "--preset",
            "sendgrid",
            "--secret-env",
            "K",
            "-H",
            "X-Twilio-Email-Event-Webhook-Timestamp: 1588788367",
            "-H",
            &format!("X-Twilio-Email-Event-Webhook-Signature: {node_sig}"),
        ],
        &[("K", SENDGRID_NODE_KEY)],
        node_body,
    );
    assert_eq!(today.status.code(), Some(1));
    assert!(stdout(&today).contains("timestamp_out_of_window"));
}

/// Standard Webhooks `v1a` (Ed25519): the Go reference library's signature of spec example
/// 1, verified with the `whpk_…` public key alone, or beside the `whsec_…` secret.
#[test]
fn standard_webhooks_v1a_vector_verifies_with_the_public_key() {
    let public = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let v1a = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
    let v1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let env = [("SW_PUBLIC", public), ("SW_SECRET", secret)];
    let verify = |keys: &[&str], signature: &str, body: &[u8]| {
        let signature = format!("webhook-signature: {signature}");
        let mut args = vec!["verify", "--preset", "standard-webhooks"];
        for var in keys {
            args.extend(["--secret-env", var]);
        }
        args.extend([
            "--now",
            "1614265330",
            "-H",
            "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
            "-H",
            "webhook-timestamp: 1614265330",
            "-H",
            &signature,
        ]);
        run(&args, &env, body)
    };
    let body = br#"{"test": 2432232314}"#;
    let ok = verify(&["SW_PUBLIC"], v1a, body);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["event_id"], "msg_p5jXN8AQM9LWM0D4loKWxJek");
    assert_eq!(meta["secret_label"], "SW_PUBLIC");

    // A sender moving to keys: either entry verifies, and the key that did is named.
    let both = verify(&["SW_SECRET", "SW_PUBLIC"], &format!("{v1} {v1a}"), body);
    assert_eq!(both.status.code(), Some(0), "{}", stdout(&both));
    let v1_only = verify(&["SW_SECRET", "SW_PUBLIC"], v1, body);
    let meta: serde_json::Value = serde_json::from_str(stdout(&v1_only).trim()).unwrap();
    assert_eq!(meta["secret_label"], "SW_SECRET");

    // The public key verifies `v1a` entries only; a tampered body is refused.
    for (signature, body) in [(v1, &body[..]), (v1a, br#"{"test": 2432232315}"#)] {
        let out = verify(&["SW_PUBLIC"], signature, body);
        assert_eq!(out.status.code(), Some(1), "{signature}");
        assert!(stdout(&out).contains("signature_mismatch"), "{signature}");
    }
}
