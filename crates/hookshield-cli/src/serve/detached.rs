//! [`Detached`]: each request of a route runs in a task of its own, to its end, even when
//! the provider hangs up first.
//!
//! Without it a provider that gives up (GitHub waits 10 s) drops the request: the output
//! is cut off midway and the layer releases the event's id, so the provider's retry is
//! delivered while the first copy may still reach the upstream. Detached, the delivery
//! finishes and settles the id by its own outcome: the retry is then a duplicate if the
//! output took the event. The gateway waits for detached requests when it stops
//! ([`Detached::drained`]).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower_service::Service;

/// Wraps a route's service so each call runs in a spawned task.
#[derive(Debug, Clone)]
pub(crate) struct Detached<S> {
    inner: S,
    tracker: Tracker,
}

/// Counts the detached requests still running.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tracker(Arc<AtomicUsize>);

impl Tracker {
    pub(crate) fn layer<S>(&self, inner: S) -> Detached<S> {
        Detached {
            inner,
            tracker: self.clone(),
        }
    }

    /// Waits until no detached request runs, or `within` has passed; returns how many still
    /// run.
    pub(crate) async fn drained(&self, within: Duration) -> usize {
        let idle = async {
            while self.0.load(Ordering::Acquire) > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let _ = tokio::time::timeout(within, idle).await;
        self.0.load(Ordering::Acquire)
    }
}

/// One detached request running: counted from its spawn to its end (or its task's drop).
struct Running(Arc<AtomicUsize>);

impl Running {
    fn start(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self(Arc::clone(count))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<S> Service<Request> for Detached<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The ready service answers this call; a clone takes its place for the next.
        let clone = self.inner.clone();
        let mut ready = std::mem::replace(&mut self.inner, clone);
        let running = Running::start(&self.tracker.0);
        let task = tokio::spawn(async move {
            let answer = ready.call(request).await;
            drop(running);
            answer
        });
        Box::pin(async move {
            match task.await {
                Ok(answer) => answer,
                // The handler panicked: its ticket was dropped, which released the id.
                Err(_) => Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
            }
        })
    }
}
