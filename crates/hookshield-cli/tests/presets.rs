//! `hookshield presets`, and `verify --preset` with the providers' published vectors.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

mod support;

use hookshield_core::presets;
use support::{run, stdout};

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
