//! actix-web specifics over real HTTP (an `HttpServer` on loopback, 2 workers): exactly
//! once under 1000 concurrent copies, the id released when the handler errs, panics or
//! its client goes away, the middleware's settings, and the extractors used alone with a
//! `web::Data<Verifier>` (or mis-wired with neither middleware nor verifier).

#![cfg(feature = "actix")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::error::ErrorInternalServerError;
use actix_web::{HttpResponse, web};
use hookshield::actix::{Standalone, VerifiedJson, VerifiedWebhook, WebhookMiddleware};
use hookshield::{Receiver, Verifier};
use serde::Deserialize;
use support::actix_app::{ActixServer, Connections, serve_actix, serve_actix_with};
use support::harness::{Endpoint, HCP_TOKEN};
use support::{
    Calls, DownStore, Headers, PROVIDERS, PerId, Provider, Reply, assert_duplicate,
    assert_in_flight, assert_rejected, client, send, try_send,
};
use tokio::sync::Semaphore;

const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;
const FORGED: &[u8] = br#"{"event":"instance.deleted","resourceID":"42"}"#;

/// What the test handlers share: runs started and runs finished, per event id too.
#[derive(Debug, Clone, Default)]
struct Runs {
    started: Calls,
    finished: Calls,
    per_id: PerId,
}

/// Serves `handler` on `POST /hook` behind `middleware`, with actix-web's defaults.
fn behind<S, F, Args>(middleware: WebhookMiddleware<S>, runs: &Runs, handler: F) -> ActixServer
where
    S: hookshield::replay::ReplayStore,
    F: actix_web::Handler<Args> + Send + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    behind_with(Connections::Default, middleware, runs, handler)
}

fn behind_with<S, F, Args>(
    connections: Connections,
    middleware: WebhookMiddleware<S>,
    runs: &Runs,
    handler: F,
) -> ActixServer
where
    S: hookshield::replay::ReplayStore,
    F: actix_web::Handler<Args> + Send + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    let runs = web::Data::new(runs.clone());
    serve_actix_with(connections, move |config| {
        config.app_data(runs.clone()).service(
            web::resource(support::PATH)
                .wrap(middleware.clone())
                .route(web::post().to(handler.clone())),
        );
    })
}

fn civo() -> WebhookMiddleware {
    WebhookMiddleware::new(Provider::Civo.verifier())
}

fn civo_receiver() -> Receiver {
    Receiver::new(Provider::Civo.verifier())
}

fn handled(body: &str) -> HttpResponse {
    HttpResponse::Accepted()
        .content_type("text/plain; charset=utf-8")
        .body(body.to_owned())
}

/// Sends copies of a delivery until one is answered 2xx or `{"duplicate":true}` (copies
/// answered 409 while the id is still held are sent again), for up to `within`.
async fn redeliver_until_settled(url: &str, headers: &Headers, within: Duration) -> Reply {
    let deadline = Instant::now() + within;
    loop {
        let reply = send(&client(), url, headers, BODY.to_vec()).await;
        if reply.status != 409 || Instant::now() > deadline {
            return reply;
        }
        assert_in_flight(&reply);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------
// Exactly once.

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_copies_of_one_new_event_are_handled_once() {
    async fn slow(webhook: VerifiedWebhook, runs: web::Data<Runs>) -> HttpResponse {
        runs.started.hit();
        runs.per_id.hit(webhook.verified.event_id());
        tokio::time::sleep(Duration::from_millis(50)).await;
        handled("handled")
    }
    let runs = Runs::default();
    let server = behind(civo(), &runs, slow);
    let id = "5b0c7a4e-3e0f-4c55-9d1e-7f0b9a1c2d3e";
    let headers = Provider::Civo.sign(BODY, id);

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(200)
        .build()
        .unwrap();
    let permits = Arc::new(Semaphore::new(200));
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (client, permits, url, headers) = (
                client.clone(),
                permits.clone(),
                server.url(),
                headers.clone(),
            );
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.unwrap();
                send(&client, &url, &headers, BODY.to_vec()).await
            })
        })
        .collect();
    let (mut handler_answers, mut in_flight, mut duplicates) = (0, 0, 0);
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            202 => {
                assert_eq!(reply.text(), "handled");
                handler_answers += 1;
            }
            409 => {
                assert_in_flight(&reply);
                in_flight += 1;
            }
            _ => {
                assert_duplicate(&reply);
                duplicates += 1;
            }
        }
    }
    assert_eq!(
        handler_answers, 1,
        "{in_flight} x 409, {duplicates} duplicates"
    );
    assert_eq!(runs.per_id.snapshot(), HashMap::from([(id.to_owned(), 1)]));
    assert_eq!(handler_answers + in_flight + duplicates, 1000);
    assert!(
        in_flight > 0,
        "no copy overlapped the handler: proves nothing"
    );
}

// ---------------------------------------------------------------------------------------
// Release.

/// A handler that fails its first run as `failure` says, and answers 202 afterwards.
#[derive(Debug, Clone, Copy)]
enum Failure {
    /// `Err(ErrorInternalServerError(..))`.
    Error,
    /// A 500 response.
    Response500,
    /// A 422 response: not 2xx, so not done either.
    Response422,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_error_or_non_2xx_answer_releases_the_id_for_the_next_delivery() {
    async fn fails_first(
        webhook: VerifiedWebhook,
        runs: web::Data<Runs>,
        failure: web::Data<Failure>,
    ) -> Result<HttpResponse, actix_web::Error> {
        assert_eq!(webhook.body, BODY);
        if runs.started.hit() == 0 {
            return match **failure {
                Failure::Error => Err(ErrorInternalServerError("try again")),
                Failure::Response500 => Ok(HttpResponse::InternalServerError().body("try again")),
                Failure::Response422 => Ok(HttpResponse::UnprocessableEntity().body("try again")),
            };
        }
        Ok(handled("handled"))
    }

    for failure in [Failure::Error, Failure::Response500, Failure::Response422] {
        let runs = Runs::default();
        let failure_data = web::Data::new(failure);
        let runs_data = web::Data::new(runs.clone());
        let middleware = civo();
        let server = serve_actix(move |config| {
            config
                .app_data(runs_data.clone())
                .app_data(failure_data.clone())
                .service(
                    web::resource(support::PATH)
                        .wrap(middleware.clone())
                        .route(web::post().to(fails_first)),
                );
        });
        let headers = Provider::Civo.sign(BODY, "evt-fails-first");
        let first = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
        let status = if matches!(failure, Failure::Response422) {
            422
        } else {
            500
        };
        assert_eq!(
            (first.status, first.text()),
            (status, "try again"),
            "{failure:?}"
        );
        // The release is awaited before the answer is sent: the very next delivery runs.
        let retry = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
        assert_eq!(
            (retry.status, retry.text()),
            (202, "handled"),
            "{failure:?}: {retry:?}"
        );
        assert_duplicate(&send(&client(), &server.url(), &headers, BODY.to_vec()).await);
        assert_eq!(runs.started.get(), 2, "{failure:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_drops_the_connection_and_releases_the_id() {
    async fn panics_first(_: VerifiedWebhook, runs: web::Data<Runs>) -> HttpResponse {
        if runs.started.hit() == 0 {
            panic!("the handler panics on purpose");
        }
        handled("handled")
    }
    let runs = Runs::default();
    let server = behind(civo(), &runs, panics_first);
    let headers = Provider::Civo.sign(BODY, "evt-panic");

    // actix-web 4.12 does not turn a handler panic into a 500: the connection's task
    // unwinds and the connection is closed without an answer. The worker lives on.
    let first = try_send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    let error = first.expect_err("a panicking handler is not answered");
    assert!(!error.is_timeout(), "{error:?}");
    assert_eq!(runs.started.get(), 1);

    // The ticket was dropped while unwinding: the release runs in a spawned task.
    let retry = redeliver_until_settled(&server.url(), &headers, Duration::from_secs(2)).await;
    assert_eq!((retry.status, retry.text()), (202, "handled"), "{retry:?}");
    assert_eq!(runs.started.get(), 2);
    assert_duplicate(&send(&client(), &server.url(), &headers, BODY.to_vec()).await);
}

/// Runs 0 sleeps `first_run` (its client gives up long before), later runs answer at once.
async fn slow_first(runs: web::Data<Runs>, first_run: web::Data<Duration>) -> HttpResponse {
    if runs.started.hit() == 0 {
        tokio::time::sleep(**first_run).await;
    }
    runs.finished.hit();
    handled("handled")
}

fn slow_first_server(connections: Connections, runs: &Runs, first_run: Duration) -> ActixServer {
    let runs = web::Data::new(runs.clone());
    let first_run = web::Data::new(first_run);
    let middleware = civo();
    serve_actix_with(connections, move |config| {
        config
            .app_data(runs.clone())
            .app_data(first_run.clone())
            .service(
                web::resource(support::PATH)
                    .wrap(middleware.clone())
                    .route(web::post().to(slow_first)),
            );
    })
}

/// Sends `headers` + `BODY` with a client that gives up after 200 ms, and drops it.
async fn give_up(url: &str, headers: &Headers) {
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let gone = try_send(&impatient, url, headers, BODY.to_vec()).await;
    assert!(gone.is_err_and(|e| e.is_timeout()), "the client gave up");
    drop(impatient);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_disconnect_releases_the_id_when_the_server_drops_the_request() {
    let runs = Runs::default();
    let server = slow_first_server(Connections::DropOnClientEof, &runs, Duration::from_secs(5));
    let headers = Provider::Civo.sign(BODY, "evt-disconnect");

    give_up(&server.url(), &headers).await;
    assert_eq!(runs.started.get(), 1);
    // The handler's future was dropped with the request; its ticket's release runs in a
    // spawned task, so copies may meet 409 for a moment.
    let retry = redeliver_until_settled(&server.url(), &headers, Duration::from_secs(2)).await;
    assert_eq!((retry.status, retry.text()), (202, "handled"), "{retry:?}");
    assert_eq!(runs.started.get(), 2);
    assert_eq!(runs.finished.get(), 1, "the first run was stopped");
    assert_duplicate(&send(&client(), &server.url(), &headers, BODY.to_vec()).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_actix_defaults_a_client_disconnect_lets_the_handler_finish_and_settle_the_id() {
    // actix-web 4.12 allows half-closed HTTP/1 connections by default: the client's EOF
    // does not drop the request, so the handler runs to its end and its answer (to nobody)
    // settles the id. The event is still handled exactly once; redeliveries meanwhile are
    // 409 with Retry-After, then the duplicate answer.
    let runs = Runs::default();
    let first_run = Duration::from_millis(1000);
    let server = slow_first_server(Connections::Default, &runs, first_run);
    let headers = Provider::Civo.sign(BODY, "evt-disconnect-default");

    give_up(&server.url(), &headers).await;
    assert_in_flight(&send(&client(), &server.url(), &headers, BODY.to_vec()).await);
    let settled =
        redeliver_until_settled(&server.url(), &headers, first_run + Duration::from_secs(2)).await;
    assert_duplicate(&settled);
    assert_eq!(runs.started.get(), 1);
    assert_eq!(runs.finished.get(), 1);
}

// ---------------------------------------------------------------------------------------
// The middleware's settings.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_duplicate_status_and_retry_after_are_configurable() {
    async fn accept(webhook: VerifiedWebhook, runs: web::Data<Runs>) -> HttpResponse {
        runs.started.hit();
        handled(webhook.verified.event_id())
    }
    let runs = Runs::default();
    let server = behind(
        WebhookMiddleware::from(civo_receiver().with_duplicate_status(202).unwrap()),
        &runs,
        accept,
    );
    let headers = Provider::Civo.sign(BODY, "evt-dup-status");
    let first = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_eq!((first.status, first.text()), (202, "evt-dup-status"));
    let copy = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_eq!(copy.status, 202, "{copy:?}");
    assert_eq!(copy.header("content-type"), Some("application/json"));
    assert_eq!(copy.text(), r#"{"duplicate":true}"#);
    assert_eq!(runs.started.get(), 1);

    let down = civo_receiver()
        .with_replay_store(DownStore)
        .with_retry_after(Duration::from_secs(30));
    let down = WebhookMiddleware::from(down);
    let server = behind(down, &runs, accept);
    let reply = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 503, "replay_store_unavailable");
    assert_eq!(reply.header("retry-after"), Some("30"));
    assert_eq!(runs.started.get(), 1);
}

#[derive(Debug, Deserialize)]
struct Event {
    event: String,
    #[serde(rename = "resourceID")]
    resource_id: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verified_json_behind_the_middleware_parses_and_invalid_json_releases_the_id() {
    async fn parsed(VerifiedJson(event, verified): VerifiedJson<Event>) -> HttpResponse {
        handled(&format!(
            "{} {} {}",
            verified.event_id(),
            event.event,
            event.resource_id
        ))
    }
    let server = behind(civo(), &Runs::default(), parsed);
    let headers = Provider::Civo.sign(BODY, "evt-json");
    let reply = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_eq!(
        (reply.status, reply.text()),
        (202, "evt-json instance.created 42")
    );

    // Verified, but not the JSON the handler wants: 400, and not remembered as done.
    let odd = br#"{"unexpected":true}"#;
    let headers = Provider::Civo.sign(odd, "evt-odd-json");
    for _ in 0..2 {
        let reply = send(&client(), &server.url(), &headers, odd.to_vec()).await;
        assert_rejected(&reply, 400, "invalid_json");
    }
}

// ---------------------------------------------------------------------------------------
// The extractors alone.

/// Answers 202 `<event id>:<body length>` and counts its runs.
async fn raw(
    Standalone(webhook): Standalone<VerifiedWebhook>,
    calls: web::Data<Calls>,
) -> HttpResponse {
    calls.hit();
    let id = webhook.verified.event_id();
    handled(&format!("{id}:{}", webhook.body.len()))
}

/// Serves `raw` without the middleware; `verifier` is registered as `web::Data`.
fn standalone(verifier: Option<Verifier>, calls: &Calls) -> ActixServer {
    standalone_with(verifier, None, calls)
}

/// [`standalone`], with the app's `PayloadConfig` limit when `payload_limit` is given.
fn standalone_with(
    verifier: Option<Verifier>,
    payload_limit: Option<usize>,
    calls: &Calls,
) -> ActixServer {
    let verifier = verifier.map(web::Data::new);
    let calls = web::Data::new(calls.clone());
    serve_actix(move |config| {
        config.app_data(calls.clone());
        if let Some(verifier) = &verifier {
            config.app_data(verifier.clone());
        }
        if let Some(limit) = payload_limit {
            config.app_data(web::PayloadConfig::new(limit));
        }
        config.route(support::PATH, web::post().to(raw));
    })
}

/// actix-web's default `PayloadConfig` limit (256 KiB), which `Standalone` reads under.
const ACTIX_PAYLOAD_LIMIT: usize = 262_144;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extractors_alone_verify_with_web_data_verifier() {
    for provider in PROVIDERS {
        let calls = Calls::default();
        let server = standalone(Some(provider.verifier()), &calls);
        let headers = provider.sign(BODY, "evt-alone");
        let reply = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
        assert_eq!(
            (reply.status, reply.text()),
            (202, format!("evt-alone:{}", BODY.len()).as_str()),
            "{provider:?}"
        );

        let tampered = send(&client(), &server.url(), &headers, FORGED.to_vec()).await;
        assert_rejected(&tampered, 401, "signature_mismatch");
        let unsigned = send(&client(), &server.url(), &Vec::new(), BODY.to_vec()).await;
        assert_rejected(&unsigned, 401, "missing_header");
        assert_eq!(calls.get(), 1, "{provider:?}: ran for a refused request");

        // Alone, there is no replay guard (documented): the same delivery runs again.
        let again = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
        assert_eq!(again.status, 202, "{provider:?}: {again:?}");
        assert_eq!(calls.get(), 2, "{provider:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extractors_alone_refuse_stale_oversized_and_answer_handshakes() {
    let provider = Provider::StandardWebhooks;
    let calls = Calls::default();
    let server = standalone(Some(provider.verifier()), &calls);
    let stale = time::OffsetDateTime::now_utc() - time::Duration::minutes(10);
    let headers = provider.sign_at(BODY, "evt-stale", stale);
    let reply = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 401, "timestamp_out_of_window");

    let big = vec![b'x'; ACTIX_PAYLOAD_LIMIT + 1];
    let headers = provider.sign(&big, "evt-big");
    let reply = send(&client(), &server.url(), &headers, big).await;
    assert_rejected(&reply, 413, "payload_too_large");
    assert_eq!(calls.get(), 0);

    // HCP's verification payload is answered by the extractor; the handler does not run.
    let hcp = Verifier::builder(hookshield::presets::hcp())
        .encoded_secret(HCP_TOKEN)
        .build()
        .unwrap();
    let server = standalone(Some(hcp), &calls);
    let body = br#"{"event_id":"webhook.event:mlizg1TCaSsrJ2hOXZMmS","event_action":"test","event_source":"hashicorp.webhook.verification","event_payload":{}}"#;
    let reply = send(
        &client(),
        &server.url(),
        &Endpoint::Hcp.sign(body, ""),
        body.to_vec(),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.text(), r#"{"verified":true}"#);
    assert_eq!(calls.get(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verified_json_alone_parses_after_verifying() {
    async fn parsed(
        Standalone(VerifiedJson(event, verified)): Standalone<VerifiedJson<Event>>,
    ) -> HttpResponse {
        handled(&format!("{} {}", verified.event_id(), event.event))
    }
    // A plain `Verifier` as app data works as well as `web::Data<Verifier>`.
    let verifier = Provider::Civo.verifier();
    let server = serve_actix(move |config| {
        config
            .app_data(verifier.clone())
            .route(support::PATH, web::post().to(parsed));
    });
    let headers = Provider::Civo.sign(BODY, "evt-json-alone");
    let reply = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_eq!(
        (reply.status, reply.text()),
        (202, "evt-json-alone instance.created")
    );
    let reply = send(&client(), &server.url(), &headers, FORGED.to_vec()).await;
    assert_rejected(&reply, 401, "signature_mismatch");
    let odd = b"not json";
    let headers = Provider::Civo.sign(odd, "evt-not-json");
    let reply = send(&client(), &server.url(), &headers, odd.to_vec()).await;
    assert_rejected(&reply, 400, "invalid_json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extractors_with_neither_middleware_nor_verifier_are_500_not_configured() {
    let calls = Calls::default();
    let server = standalone(None, &calls);
    let headers = Provider::Civo.sign(BODY, "evt-miswired");
    let reply = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 500, "webhook_not_configured");
    assert_eq!(calls.get(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_extractors_without_the_middleware_are_500_even_with_a_verifier() {
    // A verifier in the app data does not make the plain extractor verify (and so skip
    // the replay guard unnoticed): that is `Standalone`'s job, as in axum.
    async fn plain(_: VerifiedWebhook, calls: web::Data<Calls>) -> HttpResponse {
        calls.hit();
        handled("ran")
    }
    let calls = Calls::default();
    let (verifier, counted) = (
        web::Data::new(Provider::Civo.verifier()),
        web::Data::new(calls.clone()),
    );
    let server = serve_actix(move |config| {
        config
            .app_data(verifier.clone())
            .app_data(counted.clone())
            .route(support::PATH, web::post().to(plain));
    });
    let headers = Provider::Civo.sign(BODY, "evt-plain-alone");
    let reply = send(&client(), &server.url(), &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 500, "webhook_not_configured");
    assert_eq!(calls.get(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standalone_honours_the_apps_payload_config() {
    let provider = Provider::Civo;
    let calls = Calls::default();
    let server = standalone_with(Some(provider.verifier()), Some(1024), &calls);
    let fits = vec![b'x'; 1024];
    let headers = provider.sign(&fits, "evt-fits");
    let reply = send(&client(), &server.url(), &headers, fits).await;
    assert_eq!(reply.status, 202, "{reply:?}");
    let over = vec![b'x'; 1025];
    let headers = provider.sign(&over, "evt-over");
    let reply = send(&client(), &server.url(), &headers, over).await;
    assert_rejected(&reply, 413, "payload_too_large");
    assert_eq!(calls.get(), 1);
}
