//! `hookshield serve` with a real Redis (a `redis-server` of each test's own): three routes
//! to an HTTP upstream and a Redis stream, each event once; Redis killed and restarted
//! (503 + `Retry-After`, nothing lost); a gateway killed mid-request (the lease lapses, the
//! provider's retry is handled).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod gateway;

use std::time::Duration;

use gateway::server::RedisServer;
use gateway::{Gateway, Mode, Upstream, post, send_copies, sign, stream_entries};

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_routes_reach_an_upstream_and_a_stream_once_under_a_thousand_copies() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let upstream = Upstream::start().await;
    let config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\n\
         [[route]]\nname = \"github\"\npath = \"/hooks/github\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
         [route.output]\ntype = \"http\"\nurl = \"{up}\"\n\
         [[route]]\nname = \"stripe\"\npath = \"/hooks/stripe\"\npreset = \"stripe\"\nsecret_env = \"STRIPE_SECRET\"\n\
         replay_store = \"{redis}\"\n\
         [route.output]\ntype = \"redis-stream\"\nurl = \"{redis}\"\nstream = \"events\"\nmaxlen = 1000\n\
         [[route]]\nname = \"twilio\"\npath = \"/hooks/twilio\"\npreset = \"twilio\"\nsecret_env = \"TWILIO_TOKEN\"\n\
         public_url = \"https://hooks.example.com\"\n\
         [route.output]\ntype = \"http\"\nurl = \"{twilio_up}\"\n",
        up = upstream.url("/github"),
        twilio_up = upstream.url("/twilio"),
        redis = redis.url(),
    );
    let gateway = Gateway::start(&config).await;

    let gh_body = br#"{"action":"opened"}"#;
    let gh_headers = sign("github", "gh-1", None, gh_body);
    let stripe_body = br#"{"id":"evt_1","type":"invoice.paid"}"#;
    let stripe_headers = sign("stripe", "evt_1", None, stripe_body);
    let (gh_url, stripe_url) = (gateway.url("/hooks/github"), gateway.url("/hooks/stripe"));
    let (gh, stripe) = tokio::join!(
        send_copies(&gh_url, &gh_headers, gh_body, JSON, 1000),
        send_copies(&stripe_url, &stripe_headers, stripe_body, JSON, 1000),
    );
    for (name, answers) in [("github", &gh), ("stripe", &stripe)] {
        assert!(
            answers.iter().all(|a| a.status == 200),
            "{name}: {:?}",
            answers.iter().find(|a| a.status != 200)
        );
        let handled = answers
            .iter()
            .filter(|a| !a.body.contains("\"duplicate\":true"))
            .count();
        assert_eq!(handled, 1, "{name}: one copy handled");
    }
    assert_eq!(upstream.delivered("gh-1"), 1);
    let entries = stream_entries(&redis.url(), "events", "evt_1").await;
    assert_eq!(entries.len(), 1, "one stream entry for evt_1");
    let entry = &entries[0];
    assert_eq!(entry["body"], stripe_body.to_vec());
    assert_eq!(entry["route"], b"stripe".to_vec());
    assert_eq!(entry["scheme"], b"stripe".to_vec());
    assert!(entry.contains_key("timestamp"), "Stripe signs a timestamp");
    let headers: Vec<(String, String)> = serde_json::from_slice(&entry["headers"]).unwrap();
    assert!(
        headers
            .iter()
            .any(|(n, v)| n == "x-hookshield-event-id" && v == "evt_1")
    );
    assert!(
        !headers.iter().any(|(n, _)| n == "stripe-signature"),
        "{headers:?}"
    );

    // Twilio signs the public URL and the form's fields.
    let form = b"CallSid=CA1&From=%2B14155550100";
    let twilio_headers = sign(
        "twilio",
        "ignored",
        Some("https://hooks.example.com/hooks/twilio"),
        form,
    );
    let url = gateway.url("/hooks/twilio");
    let first = post(&client(), &url, &twilio_headers, form, FORM)
        .await
        .unwrap();
    assert_eq!((first.status, first.body.as_str()), (200, "<Response/>"));
    let again = post(&client(), &url, &twilio_headers, form, FORM)
        .await
        .unwrap();
    assert_eq!(again.status, 200);
    assert!(again.body.contains("\"duplicate\":true"), "{again:?}");
    let (events, deliveries) = upstream.totals();
    assert_eq!((events, deliveries), (2, 2), "github once, twilio once");
}

fn stream_route(redis: &str, replay_store: &str, lease: &str) -> String {
    format!(
        "[server]\naddr = \"127.0.0.1:0\"\n\
         [[route]]\nname = \"stripe\"\npath = \"/s\"\npreset = \"stripe\"\nsecret_env = \"STRIPE_SECRET\"\n\
         replay_store = \"{replay_store}\"\nlease = \"{lease}\"\n\
         [route.output]\ntype = \"redis-stream\"\nurl = \"{redis}\"\nstream = \"events\"\ntimeout = \"500ms\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_and_restarted_is_503_then_each_event_once() {
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let url = redis.url();
    // One route keeps its ids in Redis, the other in memory: both add to the stream.
    let shared = Gateway::start(&stream_route(&url, &url, "60s")).await;
    let memory = Gateway::start(&stream_route(&url, "memory", "60s")).await;
    let client = client();
    // Stripe's event id is the body's `id`.
    let (body_a, body_b): (&[u8], &[u8]) = (br#"{"id":"evt_a"}"#, br#"{"id":"evt_b"}"#);
    let a = sign("stripe", "evt_a", None, body_a);
    let b = sign("stripe", "evt_b", None, body_b);

    redis.kill().await;
    let down = post(&client, &shared.url("/s"), &a, body_a, JSON)
        .await
        .unwrap();
    assert_eq!(down.status, 503, "{down:?}");
    assert_eq!(down.body, r#"{"error":"replay_store_unavailable"}"#);
    assert!(down.retry_after.is_some());
    let down = post(&client, &memory.url("/s"), &b, body_b, JSON)
        .await
        .unwrap();
    assert_eq!(down.status, 503, "{down:?}");
    assert_eq!(down.body, r#"{"error":"output_unavailable"}"#);
    assert!(down.retry_after.is_some());

    redis.restart().await;
    // The stream's connection comes back at once: the first retry is delivered.
    let first = post(&client, &memory.url("/s"), &b, body_b, JSON)
        .await
        .unwrap();
    assert_eq!(first.status, 200, "{first:?}");
    assert!(!first.body.contains("duplicate"), "{first:?}");
    let again = post(&client, &memory.url("/s"), &b, body_b, JSON)
        .await
        .unwrap();
    assert!(again.body.contains("duplicate"), "{again:?}");
    assert_eq!(stream_entries(&url, "events", "evt_b").await.len(), 1);
    // The replay store's connections come back on their own; the provider's retries are
    // handled.
    for (gateway, headers, body, id) in [(&shared, &a, body_a, "evt_a")] {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        let answer = loop {
            let answer = post(&client, &gateway.url("/s"), headers, body, JSON)
                .await
                .unwrap();
            if answer.status != 503 || tokio::time::Instant::now() > deadline {
                break answer;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(answer.status, 200, "{id}: {answer:?}");
        assert!(
            !answer.body.contains("duplicate"),
            "{id}: handled, not a duplicate: {answer:?}"
        );
        let again = post(&client, &gateway.url("/s"), headers, body, JSON)
            .await
            .unwrap();
        assert_eq!(again.status, 200);
        assert!(again.body.contains("duplicate"), "{again:?}");
        assert_eq!(
            stream_entries(&url, "events", id).await.len(),
            1,
            "{id} added once"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_killed_mid_request_leaves_a_lease_that_lapses_then_the_retry_is_handled() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let upstream = Upstream::start().await;
    let config = format!(
        "[server]\naddr = \"127.0.0.1:0\"\n\
         [[route]]\nname = \"gh\"\npath = \"/g\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
         replay_store = \"{}\"\nlease = \"5s\"\n\
         [route.output]\ntype = \"http\"\nurl = \"{}\"\ntimeout = \"2s\"\n",
        redis.url(),
        upstream.url("/up")
    );
    let mut gateway = Gateway::start(&config).await;
    upstream.set(Mode::Slow(1000));
    let body = b"{}";
    let headers = sign("github", "d-killed", None, body);
    let url = gateway.url("/g");
    let (h, u) = (headers.clone(), url.clone());
    let request = tokio::spawn(async move { post(&client(), &u, &h, body, JSON).await });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while upstream.received.load(std::sync::atomic::Ordering::SeqCst) < 1 {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    gateway.child.kill().await.unwrap();
    assert!(request.await.unwrap().is_err(), "killed: no answer");
    let killed_at = tokio::time::Instant::now();

    let gateway = Gateway::start(&config).await;
    upstream.set(Mode::Accept);
    let url = gateway.url("/g");
    let early = post(&client(), &url, &headers, body, JSON).await.unwrap();
    assert_eq!(
        early.status, 409,
        "the dead gateway's lease still holds: {early:?}"
    );
    assert!(early.retry_after.is_some());
    tokio::time::sleep_until(killed_at + Duration::from_millis(5500)).await;
    let retry = post(&client(), &url, &headers, body, JSON).await.unwrap();
    assert_eq!(retry.status, 200, "the lease lapsed: {retry:?}");
    assert!(!retry.body.contains("duplicate"), "{retry:?}");
    let again = post(&client(), &url, &headers, body, JSON).await.unwrap();
    assert!(again.body.contains("duplicate"), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_xadd_whose_answer_is_lost_is_not_added_twice() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let url = redis.url();
    let gateway = Gateway::start(&stream_route(&url, "memory", "60s")).await;
    let body: &[u8] = br#"{"id":"evt_lost"}"#;
    let headers = sign("stripe", "evt_lost", None, body);
    let client = client();
    // One event first, so Redis has the script and the next call is a single EVALSHA.
    let warm: &[u8] = br#"{"id":"evt_warm"}"#;
    let warm_headers = sign("stripe", "evt_warm", None, warm);
    let answer = post(&client, &gateway.url("/s"), &warm_headers, warm, JSON)
        .await
        .unwrap();
    assert_eq!(answer.status, 200, "{answer:?}");

    // Redis stops answering: the script waits in its socket while the gateway gives up.
    redis.pause();
    let lost = post(&client, &gateway.url("/s"), &headers, body, JSON)
        .await
        .unwrap();
    assert_eq!(lost.status, 503, "{lost:?}");
    // Back: the waiting script runs and adds the entry that nobody saw added.
    redis.resume();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while stream_entries(&url, "events", "evt_lost").await.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the queued XADD ran"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The provider's retry finds the marker: delivered, without a second entry.
    let retry = loop {
        let answer = post(&client, &gateway.url("/s"), &headers, body, JSON)
            .await
            .unwrap();
        if answer.status != 503 || tokio::time::Instant::now() > deadline {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(retry.status, 200, "{retry:?}");
    assert!(retry.body.contains("\"added_earlier\":true"), "{retry:?}");
    assert_eq!(stream_entries(&url, "events", "evt_lost").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ttl_too_long_for_redis_still_adds_each_event_once() {
    let Some(redis) = RedisServer::start().await else {
        return;
    };
    let url = redis.url();
    let config = stream_route(&url, "memory", "60s")
        .replace("lease = ", "ttl = \"300000000years\"\nlease = ");
    let gateway = Gateway::start(&config).await;
    let body: &[u8] = br#"{"id":"evt_long"}"#;
    let headers = sign("stripe", "evt_long", None, body);
    let first = post(&client(), &gateway.url("/s"), &headers, body, JSON)
        .await
        .unwrap();
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(stream_entries(&url, "events", "evt_long").await.len(), 1);
}
