//! `hookshield listen` and `hookshield send`, as two real processes talking HTTP on
//! loopback.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

mod support;

use support::{BIN, Listener, PATH, http_get, listen_args, next_json};

/// `hookshield listen` for `preset`, the secret in `HS_SECRET` named by `secret_args`.
fn listen_command(preset: &str, secret_args: &[&str], extra: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(listen_args(preset, secret_args, extra));
    command
}

fn listen(preset: &str, secret: &str, extra: &[&str]) -> Listener {
    let command = listen_command(preset, &["--secret-env", "HS_SECRET"], extra);
    Listener::start(command, secret)
}

fn send(url: &str, preset: &str, secret: &str, body: &[u8], extra: &[&str]) -> Output {
    send_with(url, preset, ("--secret-env", secret), body, extra)
}

/// `hookshield send` signing with `key`: the flag (`--secret-env`, `--private-key-env`)
/// and the value it names.
fn send_with(url: &str, preset: &str, key: (&str, &str), body: &[u8], extra: &[&str]) -> Output {
    // One file per call: the tests of this binary run in parallel in one process.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "hookshield-send-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, body).unwrap();
    let out = Command::new(BIN)
        .args(["send", "--preset", preset, key.0, "HS_SECRET", "--url", url])
        .arg("--body-file")
        .arg(&path)
        .args(extra)
        .env("HS_SECRET", key.1)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    out
}

fn answer(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON: {:?} / {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn next(rx: &mpsc::Receiver<String>) -> serde_json::Value {
    serde_json::from_str(&rx.recv_timeout(Duration::from_secs(10)).unwrap()).unwrap()
}

#[test]
fn civo_event_once_then_duplicate_then_forgery() {
    let listener = listen("civo", "s3cret-listen", &[]);
    let body = br#"{"event":"instance.created","resourceID":"r-1"}"#;

    let first = send(
        &listener.url,
        "civo",
        "s3cret-listen",
        body,
        &["--id", "evt-1"],
    );
    assert!(first.status.success());
    assert_eq!(answer(&first)["status"], 204);
    let event = next(&listener.stdout);
    assert_eq!(event["event_id"], "evt-1");
    assert_eq!(event["preset"], "civo");
    assert_eq!(event["body_size"], body.len());

    // The provider's retry of the same event is not handed to the handler again.
    let again = send(
        &listener.url,
        "civo",
        "s3cret-listen",
        body,
        &["--id", "evt-1"],
    );
    assert!(again.status.success());
    assert_eq!(answer(&again)["status"], 200);
    assert_eq!(answer(&again)["body"], r#"{"duplicate":true}"#);

    // The wrong secret: refused, exit 1, the rejection on the listener's stderr.
    let forged = send(
        &listener.url,
        "civo",
        "not-the-secret",
        body,
        &["--id", "evt-2"],
    );
    assert_eq!(forged.status.code(), Some(1));
    assert_eq!(answer(&forged)["status"], 401);
    let rejected = next(&listener.stderr);
    assert_eq!(rejected["rejected"], "signature_mismatch");

    // Nothing else reached the handler.
    assert!(
        listener
            .stdout
            .recv_timeout(Duration::from_millis(200))
            .is_err()
    );
}

/// PagerDuty's id is nested in the signed body (`event.id`) and Paddle's retries are
/// signed afresh: each is handled once over real HTTP, whatever the header says.
#[test]
fn nested_and_resigned_body_ids_are_handled_once() {
    for (preset, body) in [
        (
            "pagerduty",
            &br#"{"id":"top","event":{"id":"01BWDWL3NYY7LUFPZCC28QUCMK","event_type":"incident.triggered"}}"#[..],
        ),
        (
            "paddle",
            br#"{"event_id":"evt_01hsdn97563968dy0szkmgjwh3","event_type":"price.created"}"#,
        ),
    ] {
        let listener = listen(preset, "s3cret-listen", &[]);
        let first = send(&listener.url, preset, "s3cret-listen", body, &[]);
        assert_eq!(answer(&first)["status"], 204, "{preset}");
        let event = next(&listener.stdout);
        let expected = if preset == "paddle" {
            "evt_01hsdn97563968dy0szkmgjwh3"
        } else {
            "01BWDWL3NYY7LUFPZCC28QUCMK"
        };
        assert_eq!(event["event_id"], expected, "{preset}");
        assert_eq!(event["preset"], preset);
        // A retry, signed again (Paddle: with a new `ts` when a second has passed).
        let again = send(&listener.url, preset, "s3cret-listen", body, &[]);
        assert_eq!(answer(&again)["body"], r#"{"duplicate":true}"#, "{preset}");
        assert!(
            listener
                .stdout
                .recv_timeout(Duration::from_millis(200))
                .is_err()
        );
    }
}

#[test]
fn standard_webhooks_refuses_stale_timestamps_and_replays_within_the_window() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let listener = listen("standard-webhooks", secret, &[]);
    let body = br#"{"type":"invoice.paid"}"#;
    let send_sw = |extra: &[&str]| send(&listener.url, "standard-webhooks", secret, body, extra);
    let ok = send_sw(&["--id", "msg_1"]);
    assert_eq!(answer(&ok)["status"], 204);
    assert_eq!(next(&listener.stdout)["event_id"], "msg_1");

    let stale = send_sw(&["--id", "msg_2", "--now", "1614265330"]);
    assert_eq!(answer(&stale)["status"], 401);
    assert_eq!(
        answer(&stale)["body"],
        r#"{"error":"timestamp_out_of_window"}"#
    );

    // Signed again a little later, inside the window: the id is remembered.
    std::thread::sleep(Duration::from_millis(1100));
    let again = send_sw(&["--id", "msg_1"]);
    assert_eq!(answer(&again)["status"], 200);
    assert_eq!(answer(&again)["body"], r#"{"duplicate":true}"#);
}

/// `hookshield listen` that must refuse to start: its exit status and standard error.
fn listen_refused(preset: &str, secret_args: &[&str], secret: &str, extra: &[&str]) -> Output {
    let mut child = support::spawn(listen_command(preset, secret_args, extra), secret);
    for _ in 0..200 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    panic!(
        "listen started instead of refusing: {:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Defect 5 of issue 11: `--ttl 1s` on Standard Webhooks (a ±300 s window) used to start,
/// and the same signed request was then handled twice inside its window.
#[test]
fn a_ttl_shorter_than_the_window_is_refused() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let env = ["--secret-env", "HS_SECRET"];
    for (preset, secret, ttl) in [
        ("standard-webhooks", secret, "1s"),
        ("stripe", "whsec_stripe", "299s"),
        ("civo", "s3cret", "0s"),
    ] {
        let out = listen_refused(preset, &env, secret, &["--ttl", ttl]);
        assert_eq!(out.status.code(), Some(2), "{preset} --ttl {ttl}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--ttl"), "{stderr}");
        if preset == "civo" {
            assert!(stderr.contains("zero"), "{stderr}");
        } else {
            assert!(stderr.contains(ttl) && stderr.contains("600s"), "{stderr}");
        }
    }
}

/// Without a timestamp there is no window: a short TTL is the user's choice, and the id
/// is forgotten after it.
#[test]
fn civo_with_a_short_ttl_forgets_the_id_after_it() {
    let listener = listen("civo", "s3cret", &["--ttl", "1s"]);
    let body = br#"{"event":"instance.created"}"#;
    let first = send(&listener.url, "civo", "s3cret", body, &["--id", "evt-1"]);
    assert_eq!(answer(&first)["status"], 204);
    let copy = send(&listener.url, "civo", "s3cret", body, &["--id", "evt-1"]);
    assert_eq!(answer(&copy)["status"], 200);
    std::thread::sleep(Duration::from_millis(1500));
    let later = send(&listener.url, "civo", "s3cret", body, &["--id", "evt-1"]);
    assert_eq!(answer(&later)["status"], 204);
}

/// Defect 1 of issue 11: a blank secret (a variable of spaces, a file of newlines) was a
/// key anyone could guess. It is refused at start-up, naming the source, never the value.
#[test]
fn blank_secrets_are_refused() {
    let env = ["--secret-env", "HS_SECRET"];
    for blank in [" ", "\t", "\n\n", " \r\n "] {
        let out = listen_refused("civo", &env, blank, &[]);
        assert_eq!(out.status.code(), Some(2), "{blank:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("HS_SECRET") && stderr.contains("blank"),
            "{stderr}"
        );
    }
    let path = std::env::temp_dir().join(format!("hookshield-blank-{}", std::process::id()));
    std::fs::write(&path, "\n\n").unwrap();
    let file = ["--secret-file", path.to_str().unwrap()];
    let out = listen_refused("github", &file, "", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("blank"));
    let _ = std::fs::remove_file(path);
}

#[test]
fn unreachable_receiver_is_a_usage_error() {
    let out = send("http://127.0.0.1:9/none", "civo", "x", b"{}", &[]);
    assert_eq!(out.status.code(), Some(2));
}

/// The URL of the test Redis (`HOOKSHIELD_REDIS_URL`, as `scripts/redis.sh start` prints
/// it), or `None` (with a note) when none is configured; under
/// `HOOKSHIELD_REQUIRE_REDIS=1` (scripts/test.sh, CI) a missing Redis fails the test.
fn redis_url() -> Option<String> {
    match std::env::var("HOOKSHIELD_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("HOOKSHIELD_REQUIRE_REDIS").is_ok_and(|v| v == "1") => {
            panic!("HOOKSHIELD_REDIS_URL is not set: run the tests through scripts/test.sh")
        }
        _ => {
            eprintln!(
                "skipped: no Redis (run `eval \"$(scripts/redis.sh start)\"` or scripts/test.sh)"
            );
            None
        }
    }
}

#[test]
fn two_listeners_sharing_a_redis_handle_an_event_once() {
    let Some(redis) = redis_url() else { return };
    let secret = "s3cret-shared-redis";
    let a = listen("civo", secret, &["--replay-store", &redis]);
    let b = listen("civo", secret, &["--replay-store", &redis]);
    assert_ne!(a.url, b.url);
    // A new id on every run: the listeners use the default key prefix and the preset's TTL.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let id = format!("evt-shared-{}-{nanos}", std::process::id());
    let body = br#"{"event":"instance.deleted","resourceID":"r-redis-shared"}"#;

    let first = send(&a.url, "civo", secret, body, &["--id", &id]);
    assert!(first.status.success());
    assert_eq!(answer(&first)["status"], 204);
    assert_eq!(next(&a.stdout)["event_id"], id.as_str());

    // The provider's retry lands on the other instance: a duplicate, not run again.
    let second = send(&b.url, "civo", secret, body, &["--id", &id]);
    assert!(second.status.success());
    assert_eq!(answer(&second)["status"], 200);
    assert_eq!(answer(&second)["body"], r#"{"duplicate":true}"#);
    assert!(b.stdout.recv_timeout(Duration::from_millis(200)).is_err());
    assert!(a.stdout.recv_timeout(Duration::from_millis(50)).is_err());
}

/// Nothing more within `wait` on `rx`.
fn quiet(rx: &mpsc::Receiver<String>, wait: Duration) -> bool {
    rx.recv_timeout(wait).is_err()
}

/// Meta's GET challenge over real HTTP: the challenge echoed as text/plain with nosniff
/// when the verify token matches, 403 otherwise; a line on stderr either way, nothing
/// handed to the handler; signed events still go through.
#[test]
fn meta_get_challenge_is_answered_over_http() {
    let secret = "meta-app-secret";
    let listener = listen("meta", secret, &["--handshake-token", "meatyhamhock"]);
    let challenge = |token: &str| {
        let target = format!("{PATH}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=42");
        http_get(listener.addr, &target, &[])
    };
    let ok = challenge("meatyhamhock");
    assert_eq!((ok.status, ok.body.as_str()), (200, "42"), "{ok:?}");
    assert_eq!(ok.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(ok.header("x-content-type-options"), Some("nosniff"));
    let line = next_json(&listener.stderr);
    assert_eq!(line["handshake"], "meta_verification");
    assert_eq!(line["status"], 200);
    assert_eq!(line["preset"], "meta");

    let wrong = challenge("guess");
    assert_eq!(wrong.status, 403, "{wrong:?}");
    assert_eq!(wrong.body, r#"{"error":"challenge_refused"}"#);
    assert_eq!(next_json(&listener.stderr)["rejected"], "challenge_refused");
    // Any other GET is verified, and refused as unsigned.
    let plain = http_get(listener.addr, PATH, &[]);
    assert_eq!(plain.status, 401);
    assert_eq!(next_json(&listener.stderr)["rejected"], "missing_header");
    assert!(quiet(&listener.stdout, Duration::from_millis(100)));

    let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    let event = send(&listener.url, "meta", secret, body, &[]);
    assert_eq!(answer(&event)["status"], 204);
    assert_eq!(next(&listener.stdout)["preset"], "meta");
}

/// Without `--handshake-token`, `listen --preset meta` says at start that Meta's
/// challenge will be refused, and refuses it.
#[test]
fn meta_without_a_verify_token_warns_and_refuses_the_challenge() {
    let listener = listen("meta", "meta-app-secret", &[]);
    let note = listener
        .stderr
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    assert!(note.contains("--handshake-token"), "{note}");
    let target = format!("{PATH}?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42");
    let refused = http_get(listener.addr, &target, &[]);
    assert_eq!(refused.status, 403);
    assert_eq!(next_json(&listener.stderr)["rejected"], "challenge_refused");
}

/// Dropbox's and Okta's GET challenges over real HTTP.
#[test]
fn dropbox_and_okta_get_challenges_are_answered_over_http() {
    let dropbox = listen("dropbox", "dropbox-app-secret", &[]);
    let answer = http_get(dropbox.addr, &format!("{PATH}?challenge=Xyz-123"), &[]);
    assert_eq!((answer.status, answer.body.as_str()), (200, "Xyz-123"));
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(next_json(&dropbox.stderr)["handshake"], "dropbox_challenge");
    // Markup is never echoed.
    let markup = http_get(dropbox.addr, &format!("{PATH}?challenge=%3Cb%3E"), &[]);
    assert_eq!(markup.status, 403);

    let okta = listen("okta", "okta-shared-secret", &[]);
    let answer = http_get(
        okta.addr,
        PATH,
        &[(
            "X-Okta-Verification-Challenge",
            "lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw",
        )],
    );
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        r#"{"verification":"lxDCVlCMXygmvJKs7sPF5YmfxITMpbQw"}"#
    );
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(next_json(&okta.stderr)["handshake"], "okta_verification");
    assert!(quiet(&okta.stdout, Duration::from_millis(100)));
}

/// Presets that sign the URL behind a proxy: the listener is told the public URL, and
/// `send --signed-url` signs that URL while sending to the listener's own address.
/// Twilio's form is signed field by field; its JSON body by the hash `send` adds to both
/// URLs. Signed for the address it is sent to instead, the request is refused.
#[test]
fn url_signing_presets_verify_behind_a_public_url() {
    let public = "https://mycompany.com";
    for (preset, secret, body, extra) in [
        (
            "twilio",
            "12345",
            &b"CallSid=CA1234567890ABCDE&Digits=1234&From=%2B14158675309"[..],
            &[][..],
        ),
        (
            "twilio",
            "12345",
            br#"{"property": "value", "boolean": true}"#,
            &["--content-type", "application/json"][..],
        ),
        (
            "square",
            "square-signature-key",
            br#"{"event_id":"sq-evt-1","type":"payment.created"}"#,
            &[][..],
        ),
        (
            "hubspot",
            "hubspot-client-secret",
            br#"[{"eventId":1,"subscriptionId":2,"portalId":3,"attemptNumber":0}]"#,
            &[][..],
        ),
    ] {
        let listener = listen(preset, secret, &["--public-url", public]);
        let note = listener
            .stderr
            .recv_timeout(Duration::from_secs(10))
            .unwrap();
        assert_eq!(
            note,
            format!("hookshield: checking signed URLs as {public}{PATH}[?query]")
        );
        let target = format!("{PATH}?foo=1&bar=2");
        let local = format!("http://{}{target}", listener.addr);
        let signed = format!("{public}{target}");
        let mut args = vec!["--signed-url", signed.as_str()];
        args.extend_from_slice(extra);
        let ok = send(&local, preset, secret, body, &args);
        assert_eq!(answer(&ok)["status"], 204, "{preset} {extra:?}");
        let event = next(&listener.stdout);
        assert_eq!(event["preset"], preset);
        assert_eq!(event["body_size"], body.len());

        // Signed for the listener's own address: not the URL the provider would call.
        let mut args = extra.to_vec();
        args.extend(["--id", "another-id"]);
        let direct = send(&local, preset, secret, body, &args);
        assert_eq!(answer(&direct)["status"], 401, "{preset} {extra:?}");
        assert_eq!(answer(&direct)["body"], r#"{"error":"signature_mismatch"}"#);
        assert!(quiet(&listener.stdout, Duration::from_millis(100)));
    }
}

/// `--trust-forwarded-headers` without `--public-url`: with no forwarded header, `Host`
/// names the URL, so a request signed for the address it is sent to verifies.
#[test]
fn trusted_forwarded_headers_stand_in_for_the_public_url() {
    let listener = listen("square", "square-key", &["--trust-forwarded-headers"]);
    let body = br#"{"event_id":"sq-forwarded-1"}"#;
    let url = format!("{}?from=test", listener.url);
    let ok = send(&url, "square", "square-key", body, &[]);
    assert_eq!(answer(&ok)["status"], 204);
    assert_eq!(next(&listener.stdout)["event_id"], "sq-forwarded-1");
    let elsewhere = send(
        &url,
        "square",
        "square-key",
        br#"{"event_id":"sq-forwarded-2"}"#,
        &["--signed-url", "https://mycompany.com/hooks/in?from=test"],
    );
    assert_eq!(answer(&elsewhere)["status"], 401);
}

/// `listen` for a preset that signs the URL refuses to start without `--public-url` (or
/// `--trust-forwarded-headers`), with a public URL it cannot use, and with a verify token
/// its preset has no use for.
#[test]
fn url_signing_listen_needs_a_usable_public_url() {
    let env = ["--secret-env", "HS_SECRET"];
    for (preset, extra, expected) in [
        ("twilio", &[][..], "--public-url"),
        ("hubspot", &[][..], "--trust-forwarded-headers"),
        (
            "square",
            &["--public-url", "https://example.com/?q=1"][..],
            "--public-url",
        ),
        (
            "square",
            &["--public-url", "example.com"][..],
            "--public-url",
        ),
        (
            "twilio",
            &[
                "--public-url",
                "https://example.com",
                "--handshake-token",
                "t",
            ][..],
            "--handshake-token",
        ),
    ] {
        let out = listen_refused(preset, &env, "s3cret", extra);
        assert_eq!(out.status.code(), Some(2), "{preset} {extra:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{preset} {extra:?}: {stderr}");
    }
    let out = send(
        "http://127.0.0.1:9/none",
        "civo",
        "x",
        b"{}",
        &["--signed-url", "https://example.com/none"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--signed-url"));
}

/// Zoom's signed `endpoint.url_validation` is answered by the listener with the token
/// keyed by the secret, and printed as a handshake, not handed to the handler.
#[test]
fn zoom_url_validation_is_answered_over_http() {
    let listener = listen("zoom", "zoom-secret-token", &[]);
    let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let out = send(&listener.url, "zoom", "zoom-secret-token", body, &[]);
    assert_eq!(answer(&out)["status"], 200);
    let reply: serde_json::Value =
        serde_json::from_str(answer(&out)["body"].as_str().unwrap()).unwrap();
    assert_eq!(reply["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(reply["encryptedToken"].as_str().unwrap().len(), 64);
    let line = next_json(&listener.stderr);
    assert_eq!(line["handshake"], "zoom_url_validation");
    assert!(quiet(&listener.stdout, Duration::from_millis(100)));
}

/// Discord over real HTTP: `send --private-key-env` to `listen --preset discord` holding
/// the public key. The interaction PING is answered `200 {"type":1}` and the webhook-events
/// PING `204`, neither handed to the handler; an interaction is; a request signed with
/// another key is refused 401.
#[test]
fn discord_pings_and_interactions_signed_with_a_private_key() {
    let (private, public) = support::keygen("discord");
    let listener = listen("discord", &public, &[]);
    let send_discord = |key: &str, body: &[u8]| {
        send_with(
            &listener.url,
            "discord",
            ("--private-key-env", key),
            body,
            &[],
        )
    };

    let ping = send_discord(
        &private,
        br#"{"id":"ping-1","token":"tok","type":1,"version":1}"#,
    );
    assert!(ping.status.success(), "{:?}", answer(&ping));
    assert_eq!(answer(&ping)["status"], 200);
    assert_eq!(answer(&ping)["body"], r#"{"type":1}"#);
    let line = next_json(&listener.stderr);
    assert_eq!(line["handshake"], "discord_ping");
    assert_eq!(line["status"], 200);

    let events_ping = send_discord(&private, br#"{"version":1,"application_id":"1","type":0}"#);
    assert!(events_ping.status.success());
    assert_eq!(answer(&events_ping)["status"], 204);
    assert_eq!(answer(&events_ping)["body"], "");
    assert_eq!(next_json(&listener.stderr)["status"], 204);
    assert!(quiet(&listener.stdout, Duration::from_millis(100)));

    let interaction = send_discord(
        &private,
        br#"{"id":"787053080478613555","token":"tok","type":2}"#,
    );
    assert_eq!(answer(&interaction)["status"], 204);
    let event = next(&listener.stdout);
    assert_eq!(event["event_id"], "787053080478613555");
    assert_eq!(event["preset"], "discord");
    assert_eq!(event["secret_label"], "HS_SECRET");

    let (other, _) = support::keygen("discord");
    let forged = send_discord(&other, br#"{"id":"ping-2","token":"tok","type":1}"#);
    assert_eq!(forged.status.code(), Some(1));
    assert_eq!(answer(&forged)["status"], 401);
    assert_eq!(
        next_json(&listener.stderr)["rejected"],
        "signature_mismatch"
    );
    for out in [&ping, &events_ping, &interaction, &forged] {
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!printed.contains(&private) && !printed.contains(&other));
    }
}

/// Sends `POST PATH` with `headers` and an empty body: Asana's handover carries no body.
fn http_post_empty(addr: std::net::SocketAddr, headers: &[(&str, &str)]) -> u16 {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(10)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    raw.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap()
}

/// Asana without a secret: the listener learns it from the first handover (echoed, never
/// printed), verifies later deliveries with it, and refuses a second handover.
#[test]
fn asana_learns_its_secret_from_the_first_handover() {
    let command = listen_command("asana", &[], &[]);
    let listener = Listener::start(command, "unused");
    let secret = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";
    assert_eq!(
        http_post_empty(listener.addr, &[("X-Hook-Secret", secret)]),
        200
    );
    let handshake = next_json(&listener.stderr);
    assert_eq!(handshake["handshake"], "secret_handover");
    assert!(!handshake.to_string().contains(secret));
    let out = send(&listener.url, "asana", secret, br#"{"events":[]}"#, &[]);
    assert_eq!(answer(&out)["status"], 204, "{out:?}");
    let stranger = "a-strangers-secret";
    assert_eq!(
        http_post_empty(listener.addr, &[("X-Hook-Secret", stranger)]),
        403
    );
    let forged = send(&listener.url, "asana", stranger, br#"{"events":[1]}"#, &[]);
    assert_eq!(answer(&forged)["status"], 401, "{forged:?}");
}
