//! `hookshield send` does not follow redirects: a receiver that answers 3xx must not make
//! the CLI re-send the signed request (its signature and shared-token headers) to the host
//! named by `Location`. Two real servers on loopback: one that redirects, one that records
//! every connection it is offered.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_hookshield");

/// What one server saw: the raw bytes of every request it was sent.
type Seen = Arc<Mutex<Vec<Vec<u8>>>>;

/// Reads one HTTP/1.1 request (head, then a `Content-Length` body) as raw bytes, giving up
/// after a short read timeout so a test never hangs on a silent client.
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if raw.len() >= end + 4 + length {
                return raw;
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return raw,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Serves on `127.0.0.1:0` in a background thread; each connection's request is recorded
/// (the connection itself counts, even if nothing is read) and answered with `answer`.
/// Returns the server's base URL and what it saw.
fn serve(answer: String) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let index = {
                let mut seen = record.lock().unwrap();
                seen.push(Vec::new());
                seen.len() - 1
            };
            let request = read_request(&mut stream);
            record.lock().unwrap()[index] = request;
            let _ = stream.write_all(answer.as_bytes());
            let _ = stream.flush();
        }
    });
    (url, seen)
}

fn redirect(code: u16, location: &str) -> String {
    let body = r#"{"moved":true}"#;
    format!(
        "HTTP/1.1 {code} Redirect\r\nLocation: {location}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn ok() -> String {
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".to_owned()
}

fn send(url: &str, preset: &str, secret: &str, body: &[u8]) -> Output {
    let path = std::env::temp_dir().join(format!(
        "hookshield-send-redirect-{}-{preset}-{}",
        std::process::id(),
        url.len()
    ));
    std::fs::write(&path, body).unwrap();
    let out = Command::new(BIN)
        .args(["send", "--preset", preset, "--secret-env", "HS_SECRET"])
        .args(["--url", url, "--id", "evt-redirect"])
        .arg("--body-file")
        .arg(&path)
        .env("HS_SECRET", secret)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    out
}

fn check_not_followed(code: u16, preset: &str, secret_header: &str) {
    let secret = "s3cret-do-not-leak";
    let (elsewhere, leaked) = serve(ok());
    let target = format!("{elsewhere}/collect?from={code}");
    let (origin, asked) = serve(redirect(code, &target));
    let body = br#"{"event":"instance.created","id":"evt_1","event_id":"e1"}"#;

    let out = send(&format!("{origin}/webhook"), preset, secret, body);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Give the recorder a moment: a connection the CLI opened is recorded on accept.
    std::thread::sleep(Duration::from_millis(200));
    let leaked = leaked.lock().unwrap().clone();
    let asked = asked.lock().unwrap().clone();

    assert!(
        leaked.is_empty(),
        "{code}/{preset}: the redirect was followed; the other host received {:?}",
        leaked
            .iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        asked.len(),
        1,
        "{code}/{preset}: one request to the receiver"
    );
    let request = String::from_utf8_lossy(&asked[0]).to_ascii_lowercase();
    assert!(
        request.contains(&format!("\r\n{}:", secret_header.to_ascii_lowercase())),
        "{code}/{preset}: the receiver got the signed request: {request}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{code}/{preset}: stdout {stdout:?} stderr {stderr:?}"
    );
    let answer: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|_| panic!("{code}/{preset}: not JSON: {stdout:?} / {stderr:?}"));
    assert_eq!(answer["status"], code);
    assert_eq!(answer["location"], target.as_str());
    assert_eq!(answer["body"], r#"{"moved":true}"#);
    assert!(
        stderr.contains("redirect") && stderr.contains(&target),
        "{code}/{preset}: stderr should say the redirect was not followed: {stderr:?}"
    );
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
}

#[test]
fn signed_request_is_not_sent_on_to_the_location_of_a_redirect() {
    for code in [301, 302, 303, 307, 308] {
        check_not_followed(code, "civo", "x-civo-signature");
    }
}

#[test]
fn shared_token_is_not_sent_on_to_the_location_of_a_redirect() {
    for code in [302, 307, 308] {
        check_not_followed(code, "shared-token", "x-webhook-secret");
    }
}

#[test]
fn a_redirect_without_location_is_reported_and_fails() {
    let (origin, asked) =
        serve("HTTP/1.1 302 Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned());
    let out = send(&format!("{origin}/webhook"), "civo", "s3cret", b"{}");
    assert_eq!(out.status.code(), Some(1));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["status"], 302);
    assert!(answer["location"].is_null());
    assert_eq!(asked.lock().unwrap().len(), 1);
}

/// What `send --preset twilio` puts on the wire: a form body as
/// `application/x-www-form-urlencoded` at the URL given; any other body with its
/// `bodySHA256` added to the URL (and the same hash signed).
#[test]
fn twilio_requests_carry_the_form_type_or_the_body_hash() {
    let (origin, seen) = serve(ok());
    let send = |body: &[u8], extra: &[&str]| {
        let path = std::env::temp_dir().join(format!(
            "hookshield-send-twilio-{}-{}",
            std::process::id(),
            body.len()
        ));
        std::fs::write(&path, body).unwrap();
        let out = Command::new(BIN)
            .args(["send", "--preset", "twilio", "--secret-env", "HS_SECRET"])
            .args(["--url", &format!("{origin}/twilio?foo=1&bar=2")])
            .arg("--body-file")
            .arg(&path)
            .args(extra)
            .env("HS_SECRET", "12345")
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    send(b"CallSid=CA1&Digits=1234", &[]);
    let json = br#"{"property": "value", "boolean": true}"#;
    send(json, &["--content-type", "application/json"]);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let form = String::from_utf8_lossy(&seen[0]).to_ascii_lowercase();
    assert!(
        form.starts_with("post /twilio?foo=1&bar=2 http/1.1\r\n"),
        "{form}"
    );
    assert!(form.contains("\r\ncontent-type: application/x-www-form-urlencoded\r\n"));
    assert!(form.contains("\r\nx-twilio-signature: "));
    let json = String::from_utf8_lossy(&seen[1]).to_ascii_lowercase();
    assert!(
        json.starts_with(
            "post /twilio?foo=1&bar=2&bodysha256=\
             0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620 http/1.1\r\n"
        ),
        "{json}"
    );
    assert!(json.contains("\r\ncontent-type: application/json\r\n"));
}
