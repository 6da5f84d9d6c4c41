//! `hookshield serve` forwarding to a real HTTP upstream over loopback: what reaches the
//! upstream, exactly once; a failing, slow or redirecting upstream (the event's id is
//! released and the provider's retry is handled); a graceful stop on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod gateway;

use std::time::Duration;

use gateway::{Gateway, Mode, Upstream, post, send_copies, sign};

fn config(upstream: &Upstream, extra_route: &str, output_extra: &str) -> String {
    format!(
        "[server]\naddr = \"127.0.0.1:0\"\nshutdown_timeout = \"10s\"\n\
         [[route]]\nname = \"gh\"\npath = \"/hooks/github\"\npreset = \"github\"\n\
         secret_env = \"GH_SECRET\"\n{extra_route}\n\
         [route.output]\ntype = \"http\"\nurl = \"{}\"\n{output_extra}\n",
        upstream.url("/in?source=gateway")
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

const JSON: &str = "application/json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_copies_reach_the_upstream_once() {
    let upstream = Upstream::start().await;
    let gateway = Gateway::start(&config(&upstream, "", "")).await;
    let body = br#"{"action":"opened"}"#;
    let headers = sign("github", "delivery-1000", None, body);
    let answers = send_copies(&gateway.url("/hooks/github"), &headers, body, JSON, 1000).await;
    assert!(
        answers.iter().all(|a| a.status == 200),
        "{:?}",
        answers.iter().find(|a| a.status != 200)
    );
    let duplicates = answers
        .iter()
        .filter(|a| a.body.contains("\"duplicate\":true"))
        .count();
    assert_eq!(
        duplicates, 999,
        "one copy is handled, the others are duplicates"
    );
    assert_eq!(upstream.delivered("delivery-1000"), 1);
    assert_eq!(upstream.totals(), (1, 1));
}

#[tokio::test]
async fn the_upstream_gets_the_raw_body_and_headers_without_the_signature() {
    let upstream = Upstream::start().await;
    let gateway = Gateway::start(&config(&upstream, "", "")).await;
    // Not UTF-8, not JSON: forwarded byte for byte.
    let body: &[u8] = b"\xff\x00{\"raw\":true}\r\n";
    let headers = sign("github", "d-raw", None, body);
    let client = client();
    let mut request = client
        .post(gateway.url("/hooks/github?attempt=2"))
        .header("content-type", "application/octet-stream")
        .header("x-github-event", "push")
        .header("x-hookshield-route", "spoofed")
        .header("authorization", "Bearer for-the-gateway")
        .header("connection", "keep-alive, x-hop")
        .header("x-hop", "1")
        .body(body.to_vec());
    for (name, value) in headers.iter() {
        request = request.header(name, value);
    }
    let answer = request.send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.text().await.unwrap(),
        "<Response/>",
        "the upstream's answer is relayed"
    );
    let (seen, seen_body, uri) = upstream.last.lock().unwrap().clone().expect("a delivery");
    assert_eq!(&seen_body[..], body);
    assert_eq!(uri, "/in?source=gateway&attempt=2");
    assert_eq!(seen["x-hookshield-event-id"], "d-raw");
    assert_eq!(seen["x-hookshield-scheme"], "github");
    assert_eq!(seen["x-hookshield-route"], "gh");
    assert_eq!(seen.get_all("x-hookshield-route").iter().count(), 1);
    assert_eq!(seen["x-github-event"], "push");
    assert_eq!(seen["x-github-delivery"], "d-raw");
    assert_eq!(seen["content-type"], "application/octet-stream");
    for gone in [
        "x-hub-signature-256",
        "x-hub-signature",
        "authorization",
        "x-hop",
    ] {
        assert!(!seen.contains_key(gone), "{gone} reached the upstream");
    }
}

#[tokio::test]
async fn an_upstream_failing_then_recovering_gets_the_event_once() {
    let upstream = Upstream::start().await;
    let gateway = Gateway::start(&config(&upstream, "", "")).await;
    let client = client();
    let url = gateway.url("/hooks/github");
    let body = br#"{"n":1}"#;
    let headers = sign("github", "d-fail", None, body);

    upstream.set(Mode::Fail);
    for _ in 0..3 {
        let answer = post(&client, &url, &headers, body, JSON).await.unwrap();
        assert_eq!(answer.status, 502, "{answer:?}");
        assert_eq!(answer.body, r#"{"error":"upstream_status","status":500}"#);
    }
    assert_eq!(upstream.delivered("d-fail"), 0);

    upstream.set(Mode::Redirect);
    let answer = post(&client, &url, &headers, body, JSON).await.unwrap();
    assert_eq!(answer.status, 502, "a redirect is not followed: {answer:?}");

    upstream.set(Mode::Accept);
    let answer = post(&client, &url, &headers, body, JSON).await.unwrap();
    assert_eq!(
        answer.status, 200,
        "the provider's retry is handled: {answer:?}"
    );
    let answer = post(&client, &url, &headers, body, JSON).await.unwrap();
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, r#"{"duplicate":true}"#)
    );
    assert_eq!(upstream.delivered("d-fail"), 1);
    assert_eq!(
        upstream.received.load(std::sync::atomic::Ordering::SeqCst),
        5
    );
}

#[tokio::test]
async fn an_unreachable_or_slow_upstream_is_a_502_or_504_and_the_retry_is_handled() {
    // Nothing listens on the upstream's port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let closed_config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\n[[route]]\nname = \"gh\"\npath = \"/g\"\npreset = \"github\"\n\
         secret_env = \"GH_SECRET\"\n[route.output]\ntype = \"http\"\nurl = \"http://127.0.0.1:{port}/\"\n"
    );
    let gateway = Gateway::start(&closed_config).await;
    let body = b"{}";
    let headers = sign("github", "d-unreachable", None, body);
    let answer = post(&client(), &gateway.url("/g"), &headers, body, JSON)
        .await
        .unwrap();
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (502, r#"{"error":"upstream_unreachable"}"#)
    );

    let upstream = Upstream::start().await;
    let gateway = Gateway::start(&config(&upstream, "", "timeout = \"300ms\"")).await;
    upstream.set(Mode::Slow(1500));
    let url = gateway.url("/hooks/github");
    let headers = sign("github", "d-slow", None, body);
    let answer = post(&client(), &url, &headers, body, JSON).await.unwrap();
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (504, r#"{"error":"upstream_timeout"}"#)
    );
    upstream.set(Mode::Accept);
    let answer = post(&client(), &url, &headers, body, JSON).await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(
        !answer.body.contains("duplicate"),
        "the retry is handled, not a duplicate"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_load_lets_the_requests_in_hand_finish() {
    let upstream = Upstream::start().await;
    let mut gateway = Gateway::start(&config(&upstream, "", "")).await;
    upstream.set(Mode::Slow(700));
    let url = gateway.url("/hooks/github");
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (url, body) = (url.clone(), format!("{{\"n\":{n}}}"));
        tasks.spawn(async move {
            let headers = sign("github", &format!("d-term-{n}"), None, body.as_bytes());
            post(&client(), &url, &headers, body.as_bytes(), JSON).await
        });
    }
    // Every request is in the upstream's hands when the signal comes.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while upstream.received.load(std::sync::atomic::Ordering::SeqCst) < 20 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the load did not reach the upstream"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    gateway.terminate();
    let status = gateway.wait(Duration::from_secs(15)).await;
    assert!(status.success(), "a graceful stop exits 0: {status}");
    while let Some(answer) = tasks.join_next().await {
        let answer = answer
            .unwrap()
            .expect("answered before the gateway stopped");
        assert_eq!(answer.status, 200, "{answer:?}");
    }
    assert_eq!(upstream.totals(), (20, 20));
    // Stopped: nothing listens any more.
    assert!(std::net::TcpStream::connect(gateway.addr).is_err());
}

#[tokio::test]
async fn sigterm_past_the_shutdown_deadline_drops_the_request_in_hand() {
    // What becomes of the dropped request's id in a shared store: `serve_redis.rs`.
    let upstream = Upstream::start().await;
    let config = config(&upstream, "", "timeout = \"20s\"")
        .replace("shutdown_timeout = \"10s\"", "shutdown_timeout = \"300ms\"");
    let mut gateway = Gateway::start(&config).await;
    upstream.set(Mode::Slow(5000));
    let url = gateway.url("/hooks/github");
    let body = b"{}";
    let headers = sign("github", "d-cut", None, body);
    let request = tokio::spawn(async move { post(&client(), &url, &headers, body, JSON).await });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while upstream.received.load(std::sync::atomic::Ordering::SeqCst) < 1 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = std::time::Instant::now();
    gateway.terminate();
    let status = gateway.wait(Duration::from_secs(10)).await;
    assert!(status.success(), "{status}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "stopped at the deadline, not after the upstream"
    );
    assert!(
        request.await.unwrap().is_err(),
        "the connection was dropped unanswered"
    );
}

/// An upstream that answers 200 with `Content-Length: 1000`, sends 10 bytes of it and
/// stalls: it has the event all the same.
async fn stalling_upstream() -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&requests);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let seen = std::sync::Arc::clone(&seen);
            tokio::spawn(async move {
                let mut buf = vec![0; 65536];
                let _ = socket.read(&mut buf).await;
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
                    .await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    (addr, requests)
}

#[tokio::test]
async fn an_upstream_that_answers_2xx_then_stalls_has_the_event_once() {
    let (addr, requests) = stalling_upstream().await;
    let config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\n[[route]]\nname = \"gh\"\npath = \"/g\"\npreset = \"github\"\n\
         secret_env = \"GH_SECRET\"\n[route.output]\ntype = \"http\"\nurl = \"http://{addr}/\"\ntimeout = \"500ms\"\n"
    );
    let gateway = Gateway::start(&config).await;
    let body = b"{}";
    let headers = sign("github", "d-stall", None, body);
    let first = post(&client(), &gateway.url("/g"), &headers, body, JSON)
        .await
        .unwrap();
    assert_eq!(
        (first.status, first.body.as_str()),
        (200, ""),
        "delivered, relayed without the body"
    );
    let again = post(&client(), &gateway.url("/g"), &headers, body, JSON)
        .await
        .unwrap();
    assert_eq!(again.body, r#"{"duplicate":true}"#);
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_provider_that_hangs_up_mid_delivery_does_not_cut_it_off() {
    let upstream = Upstream::start().await;
    let gateway = Gateway::start(&config(&upstream, "", "")).await;
    upstream.set(Mode::Slow(1500));
    let url = gateway.url("/hooks/github");
    let body = b"{\"gone\":1}";
    let headers = sign("github", "d-gone", None, body);
    // The provider gives up long before the upstream answers.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    assert!(post(&impatient, &url, &headers, body, JSON).await.is_err());
    // Its retry, while the first copy is still with the upstream: in flight.
    upstream.set(Mode::Accept);
    let retry = post(&client(), &url, &headers, body, JSON).await.unwrap();
    assert_eq!(retry.status, 409, "{retry:?}");
    // Once the first delivery finished, the event is done: a duplicate, delivered once.
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let later = post(&client(), &url, &headers, body, JSON).await.unwrap();
    assert_eq!(
        (later.status, later.body.as_str()),
        (200, r#"{"duplicate":true}"#)
    );
    assert_eq!(upstream.delivered("d-gone"), 1);
}

#[tokio::test]
async fn a_second_signal_stops_at_once() {
    let upstream = Upstream::start().await;
    let mut gateway = Gateway::start(&config(&upstream, "", "timeout = \"20s\"")).await;
    upstream.set(Mode::Slow(10_000));
    let url = gateway.url("/hooks/github");
    let headers = sign("github", "d-twice", None, b"{}");
    let _request = tokio::spawn(async move { post(&client(), &url, &headers, b"{}", JSON).await });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while upstream.received.load(std::sync::atomic::Ordering::SeqCst) < 1 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    gateway.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;
    gateway.terminate();
    let status = gateway.wait(Duration::from_secs(5)).await;
    assert_eq!(status.code(), Some(130), "{status}");
}

#[tokio::test]
async fn a_scheme_described_in_the_file_verifies_and_forwards() {
    use hookshield_core::{Scheme, Secret, SignOptions, Signer};
    let upstream = Upstream::start().await;
    let config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\n[[route]]\nname = \"acme\"\npath = \"/acme\"\n\
         secret_env = \"GH_SECRET\"\n\
         [route.scheme]\nname = \"acme\"\nalgorithm = \"hmac-sha512\"\nencoding = \"base64\"\n\
         signature_header = \"X-Acme-Signature\"\nprefix = \"v1=\"\n\
         signed_content = \"{{timestamp}}.{{body}}\"\ntimestamp_header = \"X-Acme-Timestamp\"\n\
         id_header = \"X-Acme-Id\"\n\
         [route.output]\ntype = \"http\"\nurl = \"{}\"\n",
        upstream.url("/acme")
    );
    let gateway = Gateway::start(&config).await;
    let scheme = || {
        Scheme::builder("acme")
            .algorithm(hookshield_core::Algorithm::HmacSha512)
            .encoding(hookshield_core::Encoding::Base64)
            .signature_header("X-Acme-Signature")
            .prefix("v1=")
            .signed_content("{timestamp}.{body}")
            .timestamp_header("X-Acme-Timestamp")
            .id_header("X-Acme-Id")
    };
    let signer = Signer::new(scheme(), Secret::from_text("gh-secret").unwrap()).unwrap();
    let body = br#"{"order":42}"#;
    let url = gateway.url("/acme");

    let fresh = signer.sign(body, &SignOptions::new().id("a-1")).unwrap();
    let answer = post(&client(), &url, &fresh, body, JSON).await.unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");
    let (seen, _, _) = upstream.last.lock().unwrap().clone().expect("a delivery");
    assert_eq!(seen["x-hookshield-event-id"], "a-1");
    assert_eq!(seen["x-hookshield-scheme"], "acme");
    assert!(seen.contains_key("x-hookshield-timestamp"));
    assert!(!seen.contains_key("x-acme-signature"));

    // A signature of another secret, and a stale timestamp, are refused.
    let forged = Signer::new(scheme(), Secret::from_text("not-it").unwrap())
        .unwrap()
        .sign(body, &SignOptions::new().id("a-2"))
        .unwrap();
    let answer = post(&client(), &url, &forged, body, JSON).await.unwrap();
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (401, r#"{"error":"signature_mismatch"}"#)
    );
    let an_hour_ago = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
    let stale = signer
        .sign(body, &SignOptions::new().id("a-3").timestamp(an_hour_ago))
        .unwrap();
    let answer = post(&client(), &url, &stale, body, JSON).await.unwrap();
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (401, r#"{"error":"timestamp_out_of_window"}"#)
    );
    assert_eq!(upstream.totals(), (1, 1));
}
