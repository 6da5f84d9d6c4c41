//! One connection: hyper's HTTP/1 with its header deadline, over a socket with an idle
//! deadline, holding a place under the connection cap until it ends.

use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tower_service::Service;

use super::idle::IdleIo;

/// What each connection needs to know.
#[derive(Debug, Clone, Copy)]
pub(super) struct Deadlines {
    pub(super) header_read: Duration,
    pub(super) idle: Duration,
    /// Whether a request whose client closed the connection runs to its end.
    pub(super) finish_abandoned: bool,
}

/// Serves one connection until it ends, is cut off by a deadline, or is shut down; holds
/// `permit` (a place under the connection cap) until then.
pub(super) async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    router: Router,
    deadlines: Deadlines,
    mut stopping: watch::Receiver<bool>,
    permit: OwnedSemaphorePermit,
) {
    let _permit = permit;
    let requests = Arc::new(Requests::default());
    let io = TokioIo::new(IdleIo::new(stream, deadlines.idle, Arc::clone(&requests)));
    let service = service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        let handling = Handling::start(&requests);
        let mut router = router.clone();
        // `Router` is always ready: no `poll_ready` needed.
        let response = router.call(request);
        async move {
            let response = response.await;
            drop(handling);
            response
        }
    });
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(deadlines.header_read)
        .keep_alive(true)
        // On: a client's FIN does not end the connection while a request is in hand.
        .half_close(deadlines.finish_abandoned);
    let mut served = pin!(http.serve_connection(io, service));
    let result = tokio::select! {
        result = served.as_mut() => result,
        // The server is shutting down: finish the request in hand, if any, and close.
        _ = stopping.changed() => {
            served.as_mut().graceful_shutdown();
            served.as_mut().await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%remote, %error, "connection closed");
    }
}

/// The requests of one connection: how many are being handled, and how many were.
#[derive(Debug, Default)]
pub(super) struct Requests {
    pub(super) in_hand: AtomicUsize,
    pub(super) answered: AtomicUsize,
}

/// One request being handled, from the moment hyper has its head until its answer is
/// ready (or it is dropped).
struct Handling(Arc<Requests>);

impl Handling {
    fn start(requests: &Arc<Requests>) -> Self {
        requests.in_hand.fetch_add(1, Ordering::AcqRel);
        Self(Arc::clone(requests))
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.answered.fetch_add(1, Ordering::AcqRel);
        self.0.in_hand.fetch_sub(1, Ordering::AcqRel);
    }
}
