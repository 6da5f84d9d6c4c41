//! The `hookshield` binary, run as a user would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::process::Output;

use support::{Env, body_file, run, stdout};

/// `sign` for a preset, then `verify` with the printed headers as `-H` arguments.
fn round_trip(preset: &str, secret: &str, body: &[u8], extra: &[&str]) -> Output {
    let env = [("HS_SECRET", secret)];
    let mut sign = vec![
        "sign",
        "--preset",
        preset,
        "--secret-env",
        "HS_SECRET",
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
    for line in lines.lines() {
        verify.extend(["-H", line]);
    }
    run(&verify, &env, body)
}

#[test]
fn every_preset_round_trips() {
    // Every body field a preset reads: ids, PagerDuty's nested `event.id`, and Linear's
    // `webhookTimestamp` in milliseconds at the `--now` of `round_trip`.
    let json = br#"{"id":"evt_1","event_id":"hcp.event:1","type":"x","event":{"id":"pd_1"},"webhookTimestamp":1700000000000}"#;
    for &preset in hookshield_core::presets::NAMES {
        let secret = if matches!(preset, "standard-webhooks" | "clerk" | "resend") {
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        } else {
            "s3cret"
        };
        let out = round_trip(preset, secret, json, &[]);
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
    for line in lines.lines() {
        verify.extend(["-H", line]);
    }
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
    for line in lines.lines() {
        verify.extend(["-H", line]);
    }
    let out = run(
        &verify,
        &[("NEW", "new-secret"), ("OLD", "old-secret")],
        b"{}",
    );
    let meta: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(meta["secret_index"], 1);
    assert_eq!(meta["secret_label"], "OLD");
}
