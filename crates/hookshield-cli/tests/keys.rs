//! Key pairs on the command line: `keygen`, `sign --private-key-env`, and `verify` with
//! the public key in `--secret-env`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod support;

use std::process::Output;

use support::{Env, header_flags, keygen, run, stdout};

/// Standard Webhooks' `v1a` test key: the seed is ASCII "TESTSIGNINGKEYDONOTUSETHISFORANY".
const SW_PRIVATE: &str = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
const SW_PUBLIC: &str = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `sign` with `args`, then `verify --preset PRESET --secret-env PUBLIC` with the printed
/// headers: the verify run.
fn sign_then_verify(preset: &str, args: &[&str], env: Env<'_>, body: &[u8]) -> Output {
    let mut sign = vec!["sign", "--preset", preset, "--now", "1700000000"];
    sign.extend_from_slice(args);
    let signed = run(&sign, env, body);
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let lines = stdout(&signed);
    let mut verify = vec![
        "verify",
        "--preset",
        preset,
        "--secret-env",
        "PUBLIC",
        "--now",
        "1700000000",
    ];
    verify.extend(header_flags(&lines));
    run(&verify, env, body)
}

/// `keygen` prints a fresh pair in each provider's forms, and says where each key goes.
#[test]
fn keygen_prints_fresh_pairs_in_the_providers_formats() {
    let is_hex = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let (private, public) = keygen("discord");
    assert!(is_hex(&private) && is_hex(&public), "{public}");
    assert_ne!(keygen("discord").0, private, "a fresh key each time");

    let (private, public) = keygen("sendgrid");
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert!(private.trim_end().ends_with("-----END PRIVATE KEY-----"));
    // Base64 DER SubjectPublicKeyInfo of a P-256 key, as SendGrid's dashboard shows it.
    assert!(
        public.starts_with("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"),
        "{public}"
    );
    assert_eq!(public.len(), 124);

    let (private, public) = keygen("standard-webhooks");
    assert!(private.starts_with("whsk_") && public.starts_with("whpk_"));

    let json = run(&["keygen", "--preset", "svix", "--json"], &[], b"");
    let pair: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(pair["preset"], "standard-webhooks");
    assert_eq!(pair["algorithm"], "Ed25519");
    assert_eq!(pair["entries"], "v1a");
    assert!(pair["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    assert!(
        pair["private_key_for"]
            .as_str()
            .unwrap()
            .contains("--private-key-env")
    );
    assert!(
        pair["public_key_for"]
            .as_str()
            .unwrap()
            .contains("--secret-env")
    );

    // The text form: each key on its own, under the line that says where it goes.
    let text = run(&["keygen", "--preset", "discord"], &[], b"");
    assert_eq!(text.status.code(), Some(0));
    let text = stdout(&text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        lines[0].starts_with("# discord: a fresh Ed25519 key pair"),
        "{text}"
    );
    assert!(lines[1].contains("sender") && lines[1].contains("--private-key-env"));
    assert!(is_hex(lines[2]));
    assert!(lines[3].contains("receiver") && lines[3].contains("--secret-env"));
    assert!(is_hex(lines[4]));
    let pem = stdout(&run(&["keygen", "--preset", "sendgrid"], &[], b""));
    assert!(pem.contains("\n-----BEGIN PRIVATE KEY-----\n"), "{pem}");
}

/// A preset that signs with a shared secret has no pair to make: a usage error naming the
/// presets that have one.
#[test]
fn keygen_refuses_presets_with_a_shared_secret() {
    for preset in ["github", "shared-token", "asana"] {
        let out = run(&["keygen", "--preset", preset, "--json"], &[], b"");
        assert_eq!(out.status.code(), Some(2), "{preset}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(err.contains("shared secret"), "{err}");
        assert!(err.contains("discord") && err.contains("sendgrid"), "{err}");
    }
}

/// Discord: `keygen`, then `sign --private-key-env` and `verify --secret-env` with the
/// public key; a tampered body is refused (exit 1, 401), and no key is ever printed.
#[test]
fn discord_keygen_sign_verify_round_trip() {
    let (private, public) = keygen("discord");
    let env = [("PRIVATE", private.as_str()), ("PUBLIC", public.as_str())];
    let body = br#"{"id":"787053080478613555","token":"tok","type":2,"version":1}"#;
    let signed = run(
        &[
            "sign",
            "--preset",
            "discord",
            "--private-key-env",
            "PRIVATE",
            "--now",
            "1700000000",
        ],
        &env,
        body,
    );
    assert_eq!(signed.status.code(), Some(0), "{}", stderr(&signed));
    let lines = stdout(&signed);
    assert!(
        lines.contains("X-Signature-Timestamp: 1700000000\n"),
        "{lines}"
    );
    let signature = lines
        .lines()
        .find_map(|l| l.strip_prefix("X-Signature-Ed25519: "))
        .unwrap();
    assert_eq!(signature.len(), 128);
    let verify = |body: &[u8]| {
        let mut args = vec![
            "verify",
            "--preset",
            "discord",
            "--secret-env",
            "PUBLIC",
            "--now",
            "1700000060",
        ];
        args.extend(header_flags(&lines));
        run(&args, &env, body)
    };
    let ok = verify(body);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    let meta: serde_json::Value = serde_json::from_str(stdout(&ok).trim()).unwrap();
    assert_eq!(meta["event_id"], "787053080478613555");
    assert_eq!(meta["id_origin"], "body");
    assert_eq!(meta["secret_label"], "PUBLIC");

    let tampered = verify(br#"{"id":"787053080478613555","token":"tok","type":2,"version":2}"#);
    assert_eq!(tampered.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_str(stdout(&tampered).trim()).unwrap();
    assert_eq!(err["error"], "signature_mismatch");
    assert_eq!(err["status"], 401);
    for out in [&signed, &ok, &tampered] {
        let printed = format!("{}{}", stdout(out), stderr(out));
        assert!(!printed.contains(&private), "the private key was printed");
    }
    // Signed by another key: refused.
    let (other, _) = keygen("discord");
    let forged = sign_then_verify(
        "discord",
        &["--private-key-env", "OTHER"],
        &[("OTHER", &other), ("PUBLIC", &public)],
        body,
    );
    assert_eq!(forged.status.code(), Some(1));
}

/// SendGrid and Plaid sign with a P-256 key: `keygen`'s PEM signs, its base64 DER
/// verifies; each from a file too.
#[test]
fn p256_presets_round_trip_through_keygen() {
    for preset in ["sendgrid", "plaid"] {
        let (private, public) = keygen(preset);
        let env = [("PRIVATE", private.as_str()), ("PUBLIC", public.as_str())];
        let body = br#"[{"event":"delivered","sg_event_id":"e1"}]"#;
        let out = sign_then_verify(preset, &["--private-key-env", "PRIVATE"], &env, body);
        assert_eq!(out.status.code(), Some(0), "{preset}: {}", stdout(&out));
        let file = support::body_file(&format!("{preset}-private.pem"), private.as_bytes());
        let from_file = sign_then_verify(
            preset,
            &["--private-key-file", file.to_str().unwrap()],
            &env,
            body,
        );
        assert_eq!(from_file.status.code(), Some(0), "{preset}");
        let _ = std::fs::remove_file(file);
    }
}

/// Standard Webhooks: a private key adds a `v1a` entry beside the secret's `v1`, or signs
/// alone; the signatures are the published ones (Ed25519 is deterministic).
#[test]
fn standard_webhooks_signs_v1a_entries_with_a_private_key() {
    let env = [
        ("SW_PRIVATE", SW_PRIVATE),
        ("SW_SECRET", SW_SECRET),
        ("PUBLIC", SW_PUBLIC),
    ];
    let sign = |keys: &[&str]| {
        let mut args = vec![
            "sign",
            "--preset",
            "standard-webhooks",
            "--id",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "--now",
            "1614265330",
        ];
        args.extend_from_slice(keys);
        let out = run(&args, &env, br#"{"test": 2432232314}"#);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let v1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let v1a = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
    let alone = sign(&["--private-key-env", "SW_PRIVATE"]);
    assert!(
        alone.contains(&format!("webhook-signature: {v1a}\n")),
        "{alone}"
    );
    let both = sign(&[
        "--secret-env",
        "SW_SECRET",
        "--private-key-env",
        "SW_PRIVATE",
    ]);
    assert!(
        both.contains(&format!("webhook-signature: {v1} {v1a}\n")),
        "{both}"
    );
    // The public key verifies what the private key signs.
    let out = sign_then_verify(
        "standard-webhooks",
        &["--private-key-env", "SW_PRIVATE"],
        &env,
        b"{}",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// The wrong kind of key is a usage error (exit 2) that names the flag to use, and never
/// shows the key.
#[test]
fn the_wrong_kind_of_key_is_a_usage_error_naming_the_flag() {
    let (discord_private, discord_public) = keygen("discord");
    let (sendgrid_private, sendgrid_public) = keygen("sendgrid");
    let env = [
        ("DISCORD_PRIVATE", discord_private.as_str()),
        ("DISCORD_PUBLIC", discord_public.as_str()),
        ("SENDGRID_PRIVATE", sendgrid_private.as_str()),
        ("SENDGRID_PUBLIC", sendgrid_public.as_str()),
        ("SW_PRIVATE", SW_PRIVATE),
        ("SW_PUBLIC", SW_PUBLIC),
        ("SECRET", "s3cret"),
    ];
    let cases: [(&[&str], &[&str]); 12] = [
        // A secret where a private key signs.
        (
            &["sign", "--preset", "discord", "--secret-env", "SECRET"],
            &["--private-key-env"],
        ),
        (
            &[
                "send",
                "--preset",
                "sendgrid",
                "--secret-env",
                "SECRET",
                "--url",
                "http://127.0.0.1:9/",
            ],
            &["--private-key-env"],
        ),
        (&["sign", "--preset", "discord"], &["--private-key-env"]),
        // A private key where a secret signs.
        (
            &[
                "sign",
                "--preset",
                "github",
                "--private-key-env",
                "DISCORD_PRIVATE",
            ],
            &["shared secret", "--secret-env"],
        ),
        // A public key where a private key signs, and the other way round.
        (
            &[
                "sign",
                "--preset",
                "sendgrid",
                "--private-key-env",
                "SENDGRID_PUBLIC",
            ],
            &["SENDGRID_PUBLIC holds a public key"],
        ),
        (
            &[
                "sign",
                "--preset",
                "standard-webhooks",
                "--secret-env",
                "SW_PUBLIC",
            ],
            &["public key", "--private-key-env"],
        ),
        (
            &[
                "sign",
                "--preset",
                "standard-webhooks",
                "--secret-env",
                "SW_PRIVATE",
            ],
            &["private key", "--private-key-env"],
        ),
        (
            &[
                "verify",
                "--preset",
                "sendgrid",
                "--secret-env",
                "SENDGRID_PRIVATE",
            ],
            &["SENDGRID_PRIVATE holds a private key", "public key"],
        ),
        (
            &[
                "verify",
                "--preset",
                "standard-webhooks",
                "--secret-env",
                "SW_PRIVATE",
            ],
            &["private key", "public key"],
        ),
        // A shared secret where a public key verifies.
        (
            &["verify", "--preset", "discord", "--secret-env", "SECRET"],
            &["invalid public key", "not a shared secret"],
        ),
        (
            &[
                "verify",
                "--preset",
                "sendgrid",
                "--secret-env",
                "DISCORD_PUBLIC",
            ],
            &["invalid public key"],
        ),
        // One signature, one key.
        (
            &[
                "sign",
                "--preset",
                "discord",
                "--private-key-env",
                "DISCORD_PRIVATE",
                "--private-key-env",
                "DISCORD_PRIVATE",
            ],
            &["one private key"],
        ),
    ];
    for (args, expected) in cases {
        let out = run(args, &env, b"{}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let err = stderr(&out);
        for part in expected {
            assert!(err.contains(part), "{args:?}: {err}");
        }
        for key in [
            discord_private.as_str(),
            sendgrid_private.as_str(),
            SW_PRIVATE,
            "s3cret",
        ] {
            assert!(!err.contains(key), "{args:?} printed a key: {err}");
        }
    }
}
