//! [`shutdown_signal`]: the signals a service manager stops a server with.

/// Completes on the first Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `docker stop`,
/// Kubernetes and systemd send): the `signal` to give
/// [`Server::serve_with_shutdown`](super::Server::serve_with_shutdown), which then stops
/// accepting, lets the requests in hand finish within its shutdown deadline, and drops
/// the rest (their event ids are released, so the provider's retries are handled).
///
/// If a signal handler cannot be installed, that signal is not waited for.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> std::io::Result<()> {
/// use axum::Router;
/// use hookshield_axum::{Server, shutdown_signal};
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// Server::new()
///     .serve_with_shutdown(listener, Router::new(), shutdown_signal())
///     .await
/// # }
/// ```
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
