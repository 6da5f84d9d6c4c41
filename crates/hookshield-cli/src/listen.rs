//! `hookshield listen`: a receiver behind hookshield's layer, for trying a provider or a
//! sender out.

use std::process::ExitCode;
use std::time::Duration;

use axum::Router;
use axum::http::Response;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield_axum::{Server, VerifiedWebhook, WebhookLayer};
use hookshield_core::replay::ReplayStore;
use hookshield_core::{Receiver, VerifyError};
use hookshield_redis::RedisStore;
use hookshield_tower::{JsonResponder, RejectionBody, RejectionResponder};
use serde_json::json;

use crate::UsageError;
use crate::args::ListenArgs;
use crate::secret_source;
use crate::verify::metadata;

pub(crate) fn run(args: &ListenArgs) -> Result<ExitCode, UsageError> {
    let verifier = secret_source::verifier(&args.scheme)?;
    let mut receiver = Receiver::new(verifier)
        .with_body_limit(args.body_limit)
        .map_err(|e| UsageError(format!("--body-limit: {e}")))?;
    if let Some(ttl) = args.ttl {
        receiver = receiver
            .with_ttl(ttl)
            .map_err(|e| UsageError(format!("--ttl: {e}")))?;
    }
    if let Some(timeout) = args.body_timeout {
        receiver = receiver
            .with_body_timeout(timeout)
            .map_err(|e| UsageError(format!("--body-timeout: {e}")))?;
    }
    if !args.path.starts_with('/') {
        return Err(UsageError("--path must start with /".to_owned()));
    }
    let server = server(args)?;
    let runtime = tokio::runtime::Runtime::new()?;
    // The Redis store's connection runs on the runtime: build it inside.
    let _entered = runtime.enter();
    let app = match args.replay_store.as_deref() {
        None | Some("memory") => route(&args.path, receiver),
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            let store = RedisStore::builder(url)
                .build()
                .map_err(|e| UsageError(format!("--replay-store: {e}")))?;
            route(&args.path, receiver.with_replay_store(store))
        }
        Some(other) => {
            return Err(UsageError(format!(
                "--replay-store must be `memory` or a redis:// URL, not {other:?}"
            )));
        }
    };

    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| UsageError(format!("cannot listen on {}: {e}", args.addr)))?;
        let addr = listener.local_addr()?;
        eprintln!("hookshield: listening on http://{addr}{}", args.path);
        server
            .serve_with_shutdown(listener, app, shutdown())
            .await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The server with the deadlines and the connection cap given on the command line; the
/// helper's defaults for the others.
fn server(args: &ListenArgs) -> Result<Server, UsageError> {
    let mut server = Server::new();
    if let Some(timeout) = args.header_timeout {
        server = server.header_read_timeout(nonzero(timeout, "--header-timeout")?);
    }
    if let Some(timeout) = args.idle_timeout {
        server = server.idle_timeout(nonzero(timeout, "--idle-timeout")?);
    }
    match args.max_connections {
        Some(0) => {
            return Err(UsageError(
                "--max-connections must be at least 1".to_owned(),
            ));
        }
        Some(max) => server = server.max_connections(max),
        None => {}
    }
    Ok(server)
}

fn nonzero(timeout: Duration, flag: &str) -> Result<Duration, UsageError> {
    if timeout.is_zero() {
        Err(UsageError(format!(
            "{flag} must be longer than 0s: every connection would be closed at once"
        )))
    } else {
        Ok(timeout)
    }
}

/// The router: `path` behind the layer of `receiver`, which prints each rejection.
fn route<S: ReplayStore>(path: &str, receiver: Receiver<S>) -> Router {
    let layer = WebhookLayer::from(receiver).with_rejection_response(print_rejection);
    Router::new().route(path, post(handle).layer(layer))
}

/// Prints a rejection as a JSON line on stderr, then answers as the rejection table says.
fn print_rejection(error: VerifyError) -> Response<RejectionBody> {
    eprintln!(
        "{}",
        json!({"rejected": error.code(), "status": error.status(), "reason": error.reason().to_string()})
    );
    JsonResponder.reject(error)
}

/// Prints the event and accepts it: its id is then remembered for the TTL.
async fn handle(webhook: VerifiedWebhook) -> StatusCode {
    let mut line = metadata(&webhook.verified);
    line.insert("preset".into(), json!(webhook.verified.scheme()));
    line.insert("body_size".into(), json!(webhook.body.len()));
    println!("{}", serde_json::Value::Object(line));
    StatusCode::NO_CONTENT
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
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
