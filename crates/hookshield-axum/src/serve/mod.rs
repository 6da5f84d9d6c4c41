//! [`Server`]: serves a [`Router`] over HTTP/1.1 with a deadline on every read from the
//! network and a cap on open connections, which `axum::serve` does not have.

mod connection;
mod idle;
mod signal;

use std::future::{Future, pending};
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
#[cfg(doc)]
use axum::extract::ConnectInfo;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use self::connection::{Deadlines, connection};
pub use self::signal::shutdown_signal;

/// Default of [`Server::header_read_timeout`]: 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`Server::idle_timeout`]: 5 s.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(5);
/// Default of [`Server::max_connections`]: 1024.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default of [`Server::shutdown_timeout`]: 30 s.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// The first pause after a failed `accept` (too many open files, no buffers, …); it
/// doubles on each failure in a row, up to [`ACCEPT_BACKOFF_MAX`].
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Serves an axum [`Router`] over HTTP/1.1 with read deadlines and a connection cap.
///
/// `axum::serve` installs no timer in hyper, so a client that stops sending halfway
/// through a request head, or that opens a connection and sends nothing, keeps its
/// connection (a task, a socket, its buffers) for as long as it likes; a few hundred such
/// clients take a receiver down. `Server` serves the same [`Router`] with:
///
/// - a **header deadline** ([`header_read_timeout`](Self::header_read_timeout)): the
///   whole head of a request (request line and headers) must arrive within it. hyper
///   starts this clock when it starts waiting for a request: on a new connection, and on
///   a kept-alive connection as soon as the previous answer is sent, so it also bounds the
///   wait between two requests;
/// - an **idle deadline** ([`idle_timeout`](Self::idle_timeout)): a connection on which
///   nothing is received or sent for this long while no request is being handled is
///   closed;
/// - a **cap on connections** ([`max_connections`](Self::max_connections)): once that
///   many are open, the server stops accepting until one closes; the others wait in the
///   kernel's listen backlog, costing the process nothing;
/// - a **shutdown deadline** ([`shutdown_timeout`](Self::shutdown_timeout)) for
///   [`serve_with_shutdown`](Self::serve_with_shutdown);
/// - optionally, requests handled to their end when their client goes away
///   ([`finish_abandoned_requests`](Self::finish_abandoned_requests)).
///
/// The request *body* is not the server's business: hookshield's layer reads it under its
/// own deadline ([`Receiver::with_body_timeout`], 30 s by default) and answers 408
/// `body_timeout` when it does not come. Routes without the layer that read a body should
/// bound it themselves (for instance with tower-http's `RequestBodyTimeoutLayer`).
///
/// Built by value: [`Server::new`] (the defaults), then any of
/// [`header_read_timeout`](Self::header_read_timeout),
/// [`idle_timeout`](Self::idle_timeout), [`max_connections`](Self::max_connections),
/// [`shutdown_timeout`](Self::shutdown_timeout); then [`serve`](Self::serve) or
/// [`serve_with_shutdown`](Self::serve_with_shutdown). Handlers can read the client's
/// address with [`ConnectInfo<SocketAddr>`](ConnectInfo).
///
/// ```no_run
/// use std::time::Duration;
///
/// use axum::Router;
/// use axum::http::StatusCode;
/// use axum::routing::post;
/// use hookshield_axum::{Server, VerifiedWebhook, WebhookLayer};
/// use hookshield_core::{Receiver, Verifier, presets};
///
/// async fn handle(webhook: VerifiedWebhook) -> StatusCode {
///     println!("event {}", webhook.verified.event_id());
///     StatusCode::NO_CONTENT
/// }
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
///     let receiver = Receiver::new(verifier).with_body_timeout(Duration::from_secs(10))?;
///     let layer = WebhookLayer::from(receiver);
///     let app = Router::new().route("/webhook", post(handle).layer(layer));
///
///     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
///     Server::new()
///         .header_read_timeout(Duration::from_secs(10))
///         .idle_timeout(Duration::from_secs(5))
///         .max_connections(1024)
///         .serve_with_shutdown(listener, app, async {
///             let _ = tokio::signal::ctrl_c().await;
///         })
///         .await?;
///     Ok(())
/// }
/// ```
///
/// Behind a load balancer that keeps connections to its targets open between requests
/// (an AWS ALB keeps them 60 s), set both `idle_timeout` and `header_read_timeout` above
/// the balancer's idle timeout, or it may send a request on a connection the server is
/// closing.
///
/// [`Receiver::with_body_timeout`]: hookshield_core::Receiver::with_body_timeout
#[derive(Debug, Clone)]
#[must_use]
pub struct Server {
    deadlines: Deadlines,
    max_connections: usize,
    shutdown_timeout: Duration,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Server {
    /// A server with the defaults: [`DEFAULT_HEADER_READ_TIMEOUT`] (10 s),
    /// [`DEFAULT_IDLE_TIMEOUT`] (5 s), [`DEFAULT_MAX_CONNECTIONS`] (1024) and
    /// [`DEFAULT_SHUTDOWN_TIMEOUT`] (30 s).
    pub const fn new() -> Self {
        Self {
            deadlines: Deadlines {
                header_read: DEFAULT_HEADER_READ_TIMEOUT,
                idle: DEFAULT_IDLE_TIMEOUT,
                finish_abandoned: false,
            },
            max_connections: DEFAULT_MAX_CONNECTIONS,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        }
    }

    /// How long a client has to send the whole head of a request (request line and
    /// headers); the connection is closed when it runs out. On a kept-alive connection the
    /// clock starts when the previous answer is sent, so an idle connection is closed after
    /// this long too (or after [`idle_timeout`](Self::idle_timeout) if that is shorter).
    ///
    /// Must not be zero: [`serve`](Self::serve) refuses it.
    pub const fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.deadlines.header_read = timeout;
        self
    }

    /// How long a connection may go without receiving or sending a byte while no request
    /// on it is being handled: a new connection that sends nothing, a kept-alive one
    /// between requests, a client stalled in the middle of a request head. A handler that
    /// takes its time does not count as idle; nor does a body being awaited (that deadline
    /// is the layer's).
    ///
    /// Must not be zero: [`serve`](Self::serve) refuses it.
    pub const fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.deadlines.idle = timeout;
        self
    }

    /// The most connections open at once. When that many are open the server accepts no
    /// more until one closes: new clients wait in the kernel's listen backlog (and are
    /// refused by the kernel when it is full), not in the process.
    ///
    /// Must not be zero: [`serve`](Self::serve) refuses it. Keep it below the process's
    /// limit on open files (`ulimit -n`), which counts the listener and every other file.
    pub const fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// Whether a request whose client goes away (closes the connection, say on its own
    /// timeout) is still handled to its end. Off by default: the request is dropped at
    /// once, and the layer releases its event id, so the provider's retry runs the handler
    /// again, even while the first run may still be under way (hookshield's layer cannot
    /// know how far it got). On, the handler finishes and its answer settles the id: a
    /// retry that comes meanwhile is told 409 (in flight), and one that comes after is a
    /// duplicate if the handler succeeded. Turn it on when handlers have effects elsewhere
    /// (forwarding, payments) that should not be cut off or repeated; `hookshield serve`
    /// does. The answer itself is lost with the client.
    pub const fn finish_abandoned_requests(mut self, finish: bool) -> Self {
        self.deadlines.finish_abandoned = finish;
        self
    }

    /// How long [`serve_with_shutdown`](Self::serve_with_shutdown) waits, once its signal
    /// fires, for requests being handled to finish; the connections still open then are
    /// dropped (a dropped request releases its event id, so the provider's retry runs).
    pub const fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Serves `router` on `listener` until an unrecoverable error; see
    /// [`serve_with_shutdown`](Self::serve_with_shutdown).
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::InvalidInput`] for a zero deadline or connection cap. Errors from
    /// `accept` (too many open files, …) are logged and retried after a short pause; they do
    /// not end the server.
    pub async fn serve(self, listener: TcpListener, router: Router) -> io::Result<()> {
        self.serve_with_shutdown(listener, router, pending()).await
    }

    /// Serves `router` on `listener` until `signal` completes; then stops accepting, lets
    /// the requests being handled finish (for up to
    /// [`shutdown_timeout`](Self::shutdown_timeout)), closes idle connections, and returns.
    ///
    /// Dropping the returned future stops the server at once, with every connection.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// use axum::{Router, routing::get};
    /// use hookshield_axum::Server;
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let app = Router::new().route("/", get(|| async { "hello" }));
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// let server = tokio::spawn(
    ///     Server::new()
    ///         .header_read_timeout(Duration::from_secs(2))
    ///         .serve_with_shutdown(listener, app, async { let _ = stopped.await; }),
    /// );
    ///
    /// let mut client = tokio::net::TcpStream::connect(addr).await?;
    /// client.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await?;
    /// let mut answer = String::new();
    /// client.read_to_string(&mut answer).await?;
    /// assert!(answer.starts_with("HTTP/1.1 200 OK"));
    ///
    /// // A client that sends half a head is cut off once the header deadline passes.
    /// let mut slow = tokio::net::TcpStream::connect(addr).await?;
    /// slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await?;
    /// let mut rest = Vec::new();
    /// let cut = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut rest)).await;
    /// assert!(cut.is_ok(), "the server closed the connection");
    ///
    /// let _ = stop.send(());
    /// server.await??;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`serve`](Self::serve).
    pub async fn serve_with_shutdown<F>(
        self,
        listener: TcpListener,
        router: Router,
        signal: F,
    ) -> io::Result<()>
    where
        F: Future<Output = ()> + Send,
    {
        self.check()?;
        let deadlines = self.deadlines;
        let permits = Arc::new(Semaphore::new(
            self.max_connections.min(Semaphore::MAX_PERMITS),
        ));
        let (stop, stopping) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut signal = pin!(signal);
        let mut backoff = ACCEPT_BACKOFF_MIN;
        loop {
            // Reap the connections that ended since the last accept.
            while connections.try_join_next().is_some() {}
            // A permit first: at the cap, the next client waits in the kernel's backlog.
            let permit = tokio::select! {
                () = &mut signal => break,
                permit = Arc::clone(&permits).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    // Never closed; if it were, nothing more could be accepted.
                    Err(_) => break,
                },
            };
            let accepted = tokio::select! {
                () = &mut signal => break,
                accepted = listener.accept() => accepted,
            };
            match accepted {
                Ok((stream, remote)) => {
                    backoff = ACCEPT_BACKOFF_MIN;
                    // Answers are small and written at once: no need to wait for more.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(connection(
                        stream,
                        remote,
                        router.clone(),
                        deadlines,
                        stopping.clone(),
                        permit,
                    ));
                }
                // The client gave up before we took it: nothing wrong on our side.
                Err(error) if is_connection_error(&error) => {
                    tracing::debug!(%error, "accept: connection gone");
                }
                // Out of file descriptors or memory: retrying at once would spin.
                Err(error) => {
                    drop(permit);
                    tracing::error!(%error, pause = ?backoff, "accept failed; retrying after a pause");
                    tokio::select! {
                        () = &mut signal => break,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = backoff.saturating_mul(2).min(ACCEPT_BACKOFF_MAX);
                }
            }
        }

        // Shutting down: refuse new connections, end the idle ones, let the busy ones finish.
        drop(listener);
        let _ = stop.send(true);
        let drained = tokio::time::timeout(self.shutdown_timeout, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                open = connections.len(),
                "shutdown: dropping the connections still open"
            );
            connections.shutdown().await;
        }
        Ok(())
    }

    /// Refuses the settings that would close every connection at once or accept none.
    fn check(&self) -> io::Result<()> {
        let invalid = |what: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("hookshield_axum::Server: {what} must not be zero"),
            ))
        };
        if self.deadlines.header_read.is_zero() {
            return invalid("header_read_timeout");
        }
        if self.deadlines.idle.is_zero() {
            return invalid("idle_timeout");
        }
        if self.max_connections == 0 {
            return invalid("max_connections");
        }
        Ok(())
    }
}

/// An `accept` error that concerns only the connection being accepted.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
