//! Slow and stalled clients over real TCP on loopback, against the tower layer (an axum app
//! served by [`hookshield::axum::Server`], and one served by plain hyper-util with a timer)
//! and against the actix-web middleware (an `HttpServer` with its own deadlines set):
//!
//! - a client stalled mid-headers is cut off by the header deadline;
//! - a client stalled mid-body is answered 408 `body_timeout` by the body deadline, and
//!   the handler never runs (the same delivery sent whole afterwards runs it once);
//! - an idle kept-alive connection is closed by the idle deadline;
//!
//! and the `Server` helper's own promises: the connection cap holds extra clients in the
//! kernel's backlog, graceful shutdown, `ConnectInfo`.
//!
//! Deadlines are 1 s; the checks are "cut off within the deadline plus a few seconds".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    missing_docs
)]

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use axum::routing::{get, post};
use hookshield::axum::{Server, VerifiedWebhook};
use hookshield::tower::WebhookLayer;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use support::response::{End, response};
use support::{Calls, Headers, PATH, Provider};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The deadline every server under test is given for the part being tested.
const DEADLINE: Duration = Duration::from_secs(1);
/// A deadline long enough not to interfere.
const LONG: Duration = Duration::from_secs(30);
/// What a deadline may overrun by on a loaded machine before a test fails.
const MARGIN: Duration = Duration::from_secs(4);

// ---------------------------------------------------------------------------------------
// A raw HTTP/1.1 client that can stop anywhere.
// ---------------------------------------------------------------------------------------

/// Reads until the server answers or closes `stream`; panics if neither happens within
/// `within` of `since`. Returns how it ended and when, counted from `since`.
async fn wait_end(stream: &mut TcpStream, since: Instant, within: Duration) -> (End, Duration) {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some((status, body)) = response(&raw) {
            return (End::Answered(status, body), since.elapsed());
        }
        match tokio::time::timeout_at(since + within, stream.read(&mut buf)).await {
            Err(_) => panic!(
                "the connection is still open {within:?} later (read so far: {:?})",
                String::from_utf8_lossy(&raw)
            ),
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => raw.extend_from_slice(&buf[..n]),
        }
    }
    let end = match response(&raw) {
        Some((status, body)) => End::Answered(status, body),
        None => End::Closed,
    };
    (end, since.elapsed())
}

/// Asserts the server cut the connection (closed it, or answered 408) around `deadline`:
/// not long before, and no later than `deadline + MARGIN`.
#[track_caller]
fn assert_cut_off(what: &str, end: &End, elapsed: Duration, deadline: Duration) {
    eprintln!("{what}: {end:?} after {elapsed:?}");
    assert!(
        matches!(end, End::Closed | End::Answered(408, _)),
        "{what}: expected the connection cut off, got {end:?}"
    );
    assert!(
        elapsed >= deadline / 2,
        "{what}: cut off after {elapsed:?}, long before the {deadline:?} deadline"
    );
    assert!(
        elapsed <= deadline + MARGIN,
        "{what}: cut off after {elapsed:?}, deadline {deadline:?}"
    );
}

/// The head of a `POST PATH` announcing `length` body bytes, with `headers`.
fn head(length: usize, headers: &Headers, close: bool) -> Vec<u8> {
    let mut head =
        format!("POST {PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {length}\r\n");
    if close {
        head.push_str("Connection: close\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

// ---------------------------------------------------------------------------------------
// The cases, whatever the server.
// ---------------------------------------------------------------------------------------

/// (a) Half a request head, then nothing: cut off by the header deadline.
async fn stalled_mid_headers(addr: SocketAddr, what: &str) {
    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("POST {PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Le").as_bytes())
        .await
        .unwrap();
    let (end, elapsed) = wait_end(&mut stream, start, DEADLINE + MARGIN).await;
    assert_cut_off(what, &end, elapsed, DEADLINE);
}

/// (b) A signed delivery with its last byte missing: 408 `body_timeout` by the body
/// deadline, the handler not run; then the same delivery whole: handled, once.
async fn stalled_mid_body(addr: SocketAddr, calls: &Calls, what: &str) {
    let body = br#"{"event":"instance.created","resourceID":"slow-body"}"#;
    let headers = Provider::Civo.sign(body, "evt-slow-body");

    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(&head(body.len(), &headers, true))
        .await
        .unwrap();
    stream.write_all(&body[..body.len() - 1]).await.unwrap();
    let (end, elapsed) = wait_end(&mut stream, start, DEADLINE + MARGIN).await;
    assert_cut_off(what, &end, elapsed, DEADLINE);
    match &end {
        End::Answered(408, text) => assert_eq!(text, r#"{"error":"body_timeout"}"#, "{what}"),
        other => panic!("{what}: expected 408 body_timeout, got {other:?}"),
    }
    assert_eq!(calls.get(), 0, "{what}: the handler ran on a stalled body");

    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(&head(body.len(), &headers, true))
        .await
        .unwrap();
    stream.write_all(body).await.unwrap();
    let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10)).await;
    assert!(matches!(end, End::Answered(204, _)), "{what}: {end:?}");
    assert_eq!(calls.get(), 1, "{what}");
}

/// (c) One whole request (unsigned: 401) on a kept-alive connection, then nothing: the
/// connection is closed by the idle deadline, counted from the answer.
async fn idle_after_one_request(addr: SocketAddr, what: &str) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = head(2, &Vec::new(), false);
    request.extend_from_slice(b"{}");
    stream.write_all(&request).await.unwrap();
    let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10)).await;
    assert!(matches!(end, End::Answered(401, _)), "{what}: {end:?}");
    let answered = Instant::now();
    let (end, elapsed) = wait_end(&mut stream, answered, DEADLINE + MARGIN).await;
    assert_cut_off(what, &end, elapsed, DEADLINE);
}

// ---------------------------------------------------------------------------------------
// The servers.
// ---------------------------------------------------------------------------------------

/// Aborts a server task when the test is done with it.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The webhook route behind the layer (body deadline `DEADLINE`), counting its runs.
fn app(calls: &Calls) -> Router {
    let receiver = Provider::Civo.receiver().with_body_timeout(DEADLINE);
    let layer = WebhookLayer::from(receiver.expect("body timeout"));
    webhook_app(calls, layer)
}

fn webhook_app(calls: &Calls, layer: WebhookLayer) -> Router {
    let calls = calls.clone();
    let route = post(move |_: VerifiedWebhook| async move {
        calls.hit();
        StatusCode::NO_CONTENT
    });
    Router::new().route(PATH, route.layer(layer))
}

/// `app` served by hookshield's [`Server`] as configured.
async fn serve_helper(app: Router, server: Server) -> (SocketAddr, AbortOnDrop) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        server.serve(listener, app).await.expect("serve");
    });
    (addr, AbortOnDrop(task))
}

/// `app` served by plain hyper-util/hyper, HTTP/1 with a timer and a header deadline.
async fn serve_hyper(app: Router, header_read_timeout: Duration) -> (SocketAddr, AbortOnDrop) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            };
            let service = TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_read_timeout)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, AbortOnDrop(task))
}

// ---------------------------------------------------------------------------------------
// The tower layer behind hookshield's `Server`.
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_cuts_off_a_client_stalled_mid_headers() {
    let server = Server::new()
        .header_read_timeout(DEADLINE)
        .idle_timeout(LONG);
    let (addr, _server) = serve_helper(app(&Calls::default()), server).await;
    stalled_mid_headers(addr, "Server, mid-headers").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_cuts_off_a_connection_that_sends_nothing() {
    let server = Server::new()
        .header_read_timeout(LONG)
        .idle_timeout(DEADLINE);
    let (addr, _server) = serve_helper(app(&Calls::default()), server).await;
    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let (end, elapsed) = wait_end(&mut stream, start, DEADLINE + MARGIN).await;
    assert_cut_off("Server, silent", &end, elapsed, DEADLINE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_answers_a_body_stalled_408_without_running_the_handler() {
    let calls = Calls::default();
    // The idle deadline is shorter than the body's: a body being awaited is not idle.
    let server = Server::new()
        .header_read_timeout(LONG)
        .idle_timeout(DEADLINE / 2);
    let (addr, _server) = serve_helper(app(&calls), server).await;
    stalled_mid_body(addr, &calls, "Server, mid-body").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_closes_an_idle_keep_alive_connection() {
    let server = Server::new()
        .header_read_timeout(LONG)
        .idle_timeout(DEADLINE);
    let (addr, _server) = serve_helper(app(&Calls::default()), server).await;
    idle_after_one_request(addr, "Server, idle keep-alive").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_header_deadline_also_closes_an_idle_keep_alive_connection() {
    let server = Server::new()
        .header_read_timeout(DEADLINE)
        .idle_timeout(LONG);
    let (addr, _server) = serve_helper(app(&Calls::default()), server).await;
    idle_after_one_request(addr, "Server, idle keep-alive, header deadline").await;
}

/// A handler that takes longer than the idle deadline is not idle: its answer arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_does_not_cut_off_a_slow_handler() {
    let router = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            "done"
        }),
    );
    let server = Server::new()
        .header_read_timeout(DEADLINE)
        .idle_timeout(DEADLINE);
    let (addr, _server) = serve_helper(router, server).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10)).await;
    assert!(
        matches!(&end, End::Answered(200, text) if text == "done"),
        "{end:?}"
    );
}

/// At the cap, the server accepts nothing more: a third client waits (in the kernel's
/// backlog) until one of the first two goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_connection_cap_holds_extra_clients_in_the_backlog() {
    let router = Router::new().route("/", get(|| async { "hello" }));
    let server = Server::new()
        .max_connections(2)
        .header_read_timeout(LONG)
        .idle_timeout(LONG);
    let (addr, _server) = serve_helper(router, server).await;
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let early = tokio::time::timeout(Duration::from_millis(800), third.read(&mut buf)).await;
    assert!(early.is_err(), "served over the cap: {early:?}");

    drop(first);
    let (end, elapsed) = wait_end(&mut third, Instant::now(), Duration::from_secs(5)).await;
    eprintln!("third client served {elapsed:?} after the first left");
    assert!(
        matches!(&end, End::Answered(200, text) if text == "hello"),
        "{end:?}"
    );
}

/// The signal ends the server: idle connections are closed at once, the request being
/// handled is answered, and `serve_with_shutdown` returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_shuts_down_gracefully() {
    let router = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(700)).await;
            "finished"
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        Server::new()
            .idle_timeout(LONG)
            .header_read_timeout(LONG)
            .serve_with_shutdown(listener, router, async {
                let _ = stopped.await;
            }),
    );
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let mut busy = TcpStream::connect(addr).await.unwrap();
    busy.write_all(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let signalled = Instant::now();
    stop.send(()).unwrap();
    let (end, _) = wait_end(&mut idle, signalled, Duration::from_secs(5)).await;
    assert!(matches!(end, End::Closed), "idle: {end:?}");
    let (end, _) = wait_end(&mut busy, signalled, Duration::from_secs(5)).await;
    assert!(
        matches!(&end, End::Answered(200, text) if text == "finished"),
        "busy: {end:?}"
    );
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server returned")
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

/// A handler that outlives the shutdown deadline is dropped and the server returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_shutdown_timeout_drops_what_does_not_finish() {
    let router = Router::new().route(
        "/stuck",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "never"
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        Server::new()
            .shutdown_timeout(DEADLINE)
            .serve_with_shutdown(listener, router, async {
                let _ = stopped.await;
            }),
    );
    let mut stuck = TcpStream::connect(addr).await.unwrap();
    stuck
        .write_all(b"GET /stuck HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let signalled = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(DEADLINE + MARGIN, server)
        .await
        .expect("the server returned")
        .unwrap()
        .unwrap();
    let (end, elapsed) = wait_end(&mut stuck, signalled, MARGIN).await;
    assert_cut_off("Server, shutdown deadline", &end, elapsed, DEADLINE);
}

#[tokio::test]
async fn server_refuses_zero_settings() {
    for server in [
        Server::new().header_read_timeout(Duration::ZERO),
        Server::new().idle_timeout(Duration::ZERO),
        Server::new().max_connections(0),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let error = server
            .serve(listener, Router::new())
            .await
            .expect_err("refused");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_gives_handlers_the_client_address() {
    let router = Router::new().route(
        "/",
        get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
    );
    let (addr, _server) = serve_helper(router, Server::new()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let local = stream.local_addr().unwrap();
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10)).await;
    assert!(
        matches!(&end, End::Answered(200, text) if *text == local.to_string()),
        "{end:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The tower layer behind plain hyper-util with a timer.
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyper_cuts_off_a_client_stalled_mid_headers() {
    let (addr, _server) = serve_hyper(app(&Calls::default()), DEADLINE).await;
    stalled_mid_headers(addr, "hyper, mid-headers").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyper_answers_a_body_stalled_408_without_running_the_handler() {
    let calls = Calls::default();
    let (addr, _server) = serve_hyper(app(&calls), LONG).await;
    stalled_mid_body(addr, &calls, "hyper, mid-body").await;
}

/// Plain hyper has no idle deadline of its own, but its header clock starts when it
/// waits for the next request: that closes an idle kept-alive connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyper_header_deadline_closes_an_idle_keep_alive_connection() {
    let (addr, _server) = serve_hyper(app(&Calls::default()), DEADLINE).await;
    idle_after_one_request(addr, "hyper, idle keep-alive").await;
}

// ---------------------------------------------------------------------------------------
// The actix-web middleware behind `HttpServer` with its deadlines set.
// ---------------------------------------------------------------------------------------

#[cfg(feature = "actix")]
mod actix {
    use std::net::SocketAddr;
    use std::sync::mpsc;
    use std::time::Duration;

    use actix_web::dev::ServerHandle;
    use actix_web::http::KeepAlive;
    use actix_web::{App, HttpResponse, HttpServer, web};
    use hookshield::actix::{VerifiedWebhook, WebhookMiddleware};
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpStream;
    use tokio::time::Instant;

    use super::support::{Calls, PATH, Provider};
    use super::{
        DEADLINE, End, MARGIN, head, idle_after_one_request, stalled_mid_body, stalled_mid_headers,
        wait_end,
    };

    /// A running actix-web server on its own `System` thread. It is left running until the
    /// test binary exits: stopping it right after connections closed can trip
    /// actix-server 2.6's debug-build connection counter (`attempt to subtract with
    /// overflow` in its worker), which is noise here.
    struct ActixServer {
        addr: SocketAddr,
        _handle: ServerHandle,
    }

    /// The webhook resource behind the middleware (body deadline `DEADLINE`), with
    /// `HttpServer`'s own deadlines: `DEADLINE` for a request head and for an idle
    /// kept-alive connection (or no keep-alive at all), and a connection cap.
    fn serve(calls: &Calls, keep_alive: KeepAlive) -> ActixServer {
        let receiver = Provider::Civo.receiver().with_body_timeout(DEADLINE);
        let middleware = WebhookMiddleware::from(receiver.expect("body timeout"));
        let calls = web::Data::new(calls.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (handle_tx, handle_rx) = mpsc::channel();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new().app_data(calls.clone()).service(
                        web::resource(PATH)
                            .wrap(middleware.clone())
                            .route(web::post().to(handle)),
                    )
                })
                .workers(1)
                .disable_signals()
                .shutdown_timeout(0)
                .client_request_timeout(DEADLINE)
                .client_disconnect_timeout(DEADLINE)
                .keep_alive(keep_alive)
                .max_connections(256)
                .h1_allow_half_closed(false)
                .listen(listener)
                .unwrap()
                .run();
                handle_tx.send(server.handle()).unwrap();
                let _ = server.await;
            });
        });
        let handle = handle_rx.recv_timeout(Duration::from_secs(20)).unwrap();
        ActixServer {
            addr,
            _handle: handle,
        }
    }

    async fn handle(calls: web::Data<Calls>, _: VerifiedWebhook) -> HttpResponse {
        calls.hit();
        HttpResponse::NoContent().finish()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn actix_cuts_off_a_client_stalled_mid_headers() {
        let server = serve(&Calls::default(), KeepAlive::Timeout(DEADLINE));
        stalled_mid_headers(server.addr, "actix, mid-headers").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn actix_answers_a_body_stalled_408_without_running_the_handler() {
        let calls = Calls::default();
        let server = serve(&calls, KeepAlive::Timeout(DEADLINE));
        stalled_mid_body(server.addr, &calls, "actix, mid-body").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn actix_closes_an_idle_keep_alive_connection() {
        let server = serve(&Calls::default(), KeepAlive::Timeout(DEADLINE));
        idle_after_one_request(server.addr, "actix, idle keep-alive").await;
    }

    /// actix-web's head deadline (`client_request_timeout`) covers only the first request
    /// of a connection; with keep-alive disabled there is no second one: the connection is
    /// closed once the first is answered.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn actix_without_keep_alive_closes_after_the_first_answer() {
        let server = serve(&Calls::default(), KeepAlive::Disabled);
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let mut request = head(2, &Vec::new(), false);
        request.extend_from_slice(b"{}");
        stream.write_all(&request).await.unwrap();
        let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10)).await;
        assert!(matches!(end, End::Answered(401, _)), "{end:?}");
        let answered = Instant::now();
        let (end, elapsed) = wait_end(&mut stream, answered, MARGIN).await;
        eprintln!("actix, no keep-alive: {end:?} {elapsed:?} after the answer");
        assert!(matches!(end, End::Closed), "{end:?}");
    }
}
