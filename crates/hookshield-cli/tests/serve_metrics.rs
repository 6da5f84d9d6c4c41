//! `hookshield serve --metrics-addr`: after a mixed load, `/metrics` counts each request
//! once by its outcome, the outputs by their result, and nothing stays in flight;
//! `/healthz` and `/readyz` say whether the gateway and what it depends on are up.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod gateway;

use std::time::Duration;

use gateway::{Gateway, Mode, Upstream, post, sample, send_copies, sign};

const JSON: &str = "application/json";

fn requests(outcome: &str) -> String {
    format!("hookshield_requests_total{{route=\"gh\",scheme=\"github\",outcome=\"{outcome}\"}}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_a_mixed_load_by_outcome() {
    let upstream = Upstream::start().await;
    let config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\nmetrics_addr = \"127.0.0.1:0\"\n\
         [[route]]\nname = \"gh\"\npath = \"/g\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
         body_limit = 1024\n\
         [route.output]\ntype = \"http\"\nurl = \"{}\"\n",
        upstream.url("/up")
    );
    let gateway = Gateway::start(&config).await;
    let client = reqwest::Client::new();
    let url = gateway.url("/g");

    // 5 events handled, each sent twice (5 duplicates).
    for n in 0..5 {
        let body = format!("{{\"n\":{n}}}");
        let headers = sign("github", &format!("m-{n}"), None, body.as_bytes());
        for _ in 0..2 {
            let answer = post(&client, &url, &headers, body.as_bytes(), JSON)
                .await
                .unwrap();
            assert_eq!(answer.status, 200);
        }
    }
    // 3 forged: signed for another body.
    for n in 0..3 {
        let headers = sign("github", &format!("forged-{n}"), None, b"{\"x\":2}");
        let answer = post(&client, &url, &headers, b"{}", JSON).await.unwrap();
        assert_eq!(answer.status, 401);
    }
    // 2 without a signature; 1 too large.
    for n in 0..2 {
        let answer = client
            .post(&url)
            .header("x-github-delivery", format!("bare-{n}"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401);
    }
    let big = vec![b'x'; 2048];
    let headers = sign("github", "big", None, &big);
    assert_eq!(
        post(&client, &url, &headers, &big, JSON)
            .await
            .unwrap()
            .status,
        413
    );
    // 2 refused by the upstream, then handled on the retry.
    upstream.set(Mode::Fail);
    let headers = sign("github", "m-fail", None, b"{}");
    for _ in 0..2 {
        assert_eq!(
            post(&client, &url, &headers, b"{}", JSON)
                .await
                .unwrap()
                .status,
            502
        );
    }
    upstream.set(Mode::Accept);
    assert_eq!(
        post(&client, &url, &headers, b"{}", JSON)
            .await
            .unwrap()
            .status,
        200
    );
    // 50 concurrent copies of one event: one handled, the others duplicates (after any 409s).
    let body = b"{\"c\":1}";
    let headers = sign("github", "m-concurrent", None, body);
    let answers = send_copies(&url, &headers, body, JSON, 50).await;
    assert!(answers.iter().all(|a| a.status == 200));

    let text = gateway.scrape().await;
    assert_eq!(sample(&text, &requests("handled")), 7.0, "{text}");
    assert_eq!(sample(&text, &requests("handler_failed")), 2.0, "{text}");
    assert_eq!(sample(&text, &requests("duplicate")), 5.0 + 49.0, "{text}");
    assert_eq!(
        sample(&text, &requests("signature_mismatch")),
        3.0,
        "{text}"
    );
    assert_eq!(sample(&text, &requests("missing_header")), 2.0, "{text}");
    assert_eq!(sample(&text, &requests("payload_too_large")), 1.0, "{text}");
    let in_flight_409s = sample(&text, &requests("duplicate_in_flight"));
    let verified = sample(
        &text,
        "hookshield_verify_seconds_count{route=\"gh\",scheme=\"github\"}",
    );
    // Every request but the one refused before its body was read is timed.
    assert_eq!(
        verified,
        7.0 + 2.0 + 54.0 + 3.0 + 2.0 + in_flight_409s,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "hookshield_in_flight{route=\"gh\",scheme=\"github\"}"
        ),
        0.0,
        "{text}"
    );
    let output = |result: &str| {
        sample(
            &text,
            &format!("hookshield_output_total{{route=\"gh\",output=\"http\",result=\"{result}\"}}"),
        )
    };
    assert_eq!(output("delivered"), 7.0, "{text}");
    assert_eq!(output("upstream_status"), 2.0, "{text}");
    assert_eq!(
        sample(
            &text,
            "hookshield_handler_seconds_count{route=\"gh\",scheme=\"github\",outcome=\"handled\"}"
        ),
        7.0,
        "{text}"
    );
}

#[tokio::test]
async fn health_and_readiness_follow_the_upstream() {
    let upstream = Upstream::start().await;
    // A second upstream address on which nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap();
    drop(closed);
    let config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\nmetrics_addr = \"127.0.0.1:0\"\n\
         [[route]]\nname = \"up\"\npath = \"/a\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
         [route.output]\ntype = \"http\"\nurl = \"{}\"\n\
         [[route]]\nname = \"down\"\npath = \"/b\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
         [route.output]\ntype = \"http\"\nurl = \"http://{dead}/\"\n",
        upstream.url("/")
    );
    let gateway = Gateway::start(&config).await;
    let admin = gateway.metrics.unwrap();
    let get = |path: &'static str| async move {
        let answer = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
            .get(format!("http://{admin}{path}"))
            .send()
            .await
            .unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    };
    assert_eq!(get("/healthz").await.0, 200);
    let (status, body) = get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    let ready: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ready["ready"], false);
    let failing = ready["failing"].as_array().unwrap();
    assert_eq!(failing.len(), 1, "{body}");
    assert_eq!(failing[0]["route"], "down");
    assert_eq!(failing[0]["part"], "output");
}

#[tokio::test]
async fn listen_serves_metrics_too() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(gateway::BIN)
        .args(["listen", "--preset", "github", "--secret-env", "GH_SECRET"])
        .args([
            "--addr",
            "127.0.0.1:0",
            "--path",
            "/l",
            "--metrics-addr",
            "127.0.0.1:0",
        ])
        .envs(gateway::SECRETS.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut listen, mut metrics) = (None, None);
    while listen.is_none() || metrics.is_none() {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .unwrap()
            .unwrap()
            .expect("listen printed its addresses");
        if let Some(url) = line.strip_prefix("hookshield: listening on ") {
            listen = Some(url.to_owned());
        } else if let Some(rest) = line.strip_prefix("hookshield: metrics on http://") {
            metrics = Some(rest.split('/').next().unwrap().to_owned());
        }
    }
    let client = reqwest::Client::new();
    let body = b"{}";
    let headers = sign("github", "l-1", None, body);
    let answer = post(&client, &listen.unwrap(), &headers, body, JSON)
        .await
        .unwrap();
    assert_eq!(answer.status, 204);
    let text = client
        .get(format!("http://{}/metrics", metrics.unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let handled =
        "hookshield_requests_total{route=\"github\",scheme=\"github\",outcome=\"handled\"}";
    assert_eq!(sample(&text, handled), 1.0, "{text}");
    child.start_kill().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_turns_503_while_draining() {
    let upstream = Upstream::start().await;
    let config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\nmetrics_addr = \"127.0.0.1:0\"\n\
         [[route]]\nname = \"gh\"\npath = \"/g\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
         [route.output]\ntype = \"http\"\nurl = \"{}\"\n",
        upstream.url("/up")
    );
    let mut gateway = Gateway::start(&config).await;
    let admin = gateway.metrics.unwrap();
    let ready = || async move {
        reqwest::get(format!("http://{admin}/readyz"))
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(ready().await, 200);
    upstream.set(Mode::Slow(1500));
    let url = gateway.url("/g");
    let headers = sign("github", "d-drain", None, b"{}");
    let request =
        tokio::spawn(
            async move { post(&reqwest::Client::new(), &url, &headers, b"{}", JSON).await },
        );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while upstream.received.load(std::sync::atomic::Ordering::SeqCst) < 1 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    gateway.terminate();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(ready().await, 503, "a draining gateway is not ready");
    assert_eq!(request.await.unwrap().unwrap().status, 200);
    assert!(gateway.wait(Duration::from_secs(10)).await.success());
}
