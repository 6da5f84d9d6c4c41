//! `hookshield listen`: a receiver behind hookshield's layer, for trying a provider or a
//! sender out.
//!
//! GET and POST on `--path` both go through the layer, which hands the request's method
//! and target to `Receiver::receive_request`: the preset's GET challenge (Meta, Dropbox,
//! Okta) and signed handshakes (Slack, Zoom, Twitch, HCP) are answered there, with the
//! reply's status, `Content-Type`, body and `X-Content-Type-Options: nosniff`, and a line
//! on stderr says so; other GETs are verified like any request (HubSpot signs GETs too).
//! Every read keeps its deadline: the head (`--header-timeout`), idle connections
//! (`--idle-timeout`) and the body, a GET's included (`--body-timeout`).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::Response;
use axum::http::StatusCode;
use axum::routing::get;
use hookshield_axum::{Server, VerifiedWebhook, WebhookLayer};
use hookshield_core::replay::ReplayStore;
use hookshield_core::{Handshake, PublicUrl, Receiver, Rejection, Scheme, Verifier, VerifyError};
use hookshield_redis::RedisStore;
use hookshield_tower::{JsonResponder, RejectionBody, RejectionResponder};
use serde_json::json;

use crate::UsageError;
use crate::admin::{Admin, Check};
use crate::args::ListenArgs;
use crate::verify::metadata;
use crate::{handshake, learned, request_url, secret_source};

pub(crate) fn run(args: &ListenArgs) -> Result<ExitCode, UsageError> {
    if !args.path.starts_with('/') {
        return Err(UsageError("--path must start with /".to_owned()));
    }
    let (verifier, scheme) = verifier(args)?;
    // Before the receiver is built, so every metric it records is kept.
    let admin = match args.metrics_addr {
        Some(addr) => Some((Admin::install()?, addr)),
        None => None,
    };
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
    let server = server(args)?;
    let runtime = tokio::runtime::Runtime::new()?;
    // The Redis store's connection runs on the runtime: build it inside.
    let _entered = runtime.enter();
    let mut checks = Vec::new();
    let app = match args.replay_store.as_deref() {
        None | Some("memory") => route(&args.path, receiver, scheme.name()),
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            if admin.is_some() {
                checks.push(Check::redis(&scheme.name().into(), url)?);
            }
            let store = RedisStore::builder(url)
                .build()
                .map_err(|e| UsageError(format!("--replay-store: {e}")))?;
            route(&args.path, receiver.with_replay_store(store), scheme.name())
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
        let announce = || {
            eprintln!("hookshield: listening on http://{addr}{}", args.path);
            notes(args, &scheme);
        };
        crate::stopping::serve(server, listener, app, admin, checks, announce).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The verifier: the secrets, the public URL (or trusted forwarded headers) for presets
/// that sign the URL, and the verify token of the preset's challenge.
fn verifier(args: &ListenArgs) -> Result<(Verifier, Scheme), UsageError> {
    let (mut builder, scheme) = match secret_source::verifier(&args.scheme) {
        Ok(found) => found,
        Err(_) if learns_secret(args)? => {
            // Asana without a secret: the first handover teaches it.
            let learned = learned::Learned::default();
            let builder = args.scheme.scheme()?;
            let scheme = builder.clone().build()?;
            let builder = Verifier::builder(builder)
                .key_resolver(learned.clone())
                .secret_learner(learned);
            (builder, scheme)
        }
        Err(error) => return Err(error),
    };
    match &args.public_url {
        Some(url) => {
            PublicUrl::parse(url).map_err(|e| UsageError(format!("--public-url {url:?}: {e}")))?;
            builder = builder.public_url(url);
        }
        None if scheme.signs_url() && !args.trust_forwarded_headers => {
            return Err(request_url::url_required(
                &args.scheme.preset,
                "--public-url",
                "https://… (the base URL the provider calls, without --path), or \
                 --trust-forwarded-headers behind a proxy that sets them",
            ));
        }
        None => {}
    }
    builder = builder.trust_forwarded_headers(args.trust_forwarded_headers);
    let verifier = handshake::apply(builder, &scheme, &args.handshake)?.build()?;
    Ok((verifier, scheme))
}

/// Whether the listener learns its secret from the provider's handover: a preset with
/// one (Asana) and no secret given.
fn learns_secret(args: &ListenArgs) -> Result<bool, UsageError> {
    let scheme = args.scheme.scheme()?.build()?;
    let handover = matches!(scheme.handshake(), Some(Handshake::SecretHandover { .. }));
    Ok(handover && args.scheme.secret_env.is_empty() && args.scheme.secret_file.is_empty())
}

/// What the user may want to know once the listener is up: the URL signatures are checked
/// against, and a challenge that cannot be answered.
fn notes(args: &ListenArgs, scheme: &Scheme) {
    if learns_secret(args).unwrap_or(false) {
        eprintln!(
            "hookshield: note: no --secret-env: the first {} handover (X-Hook-Secret) teaches \
             the secret, in memory; whoever reaches this address first could hand over theirs, \
             so expose it only while the provider creates the webhook",
            scheme.name()
        );
    }
    if scheme.signs_url() {
        match &args.public_url {
            Some(url) => {
                let checked = format!("{}{}", url.trim_end_matches('/'), args.path);
                let unless = if args.trust_forwarded_headers {
                    ", unless trusted forwarded headers say otherwise"
                } else {
                    ""
                };
                eprintln!("hookshield: checking signed URLs as {checked}[?query]{unless}");
                if url.trim_end_matches('/').ends_with(&args.path) && args.path != "/" {
                    eprintln!(
                        "hookshield: note: --public-url ends with --path {}: the URL checked is \
                         the public URL followed by the path received ({checked}); give the \
                         public URL without it unless a proxy strips it",
                        args.path
                    );
                }
            }
            None => eprintln!(
                "hookshield: checking signed URLs as the forwarded headers (or Host) say, \
                 followed by {}",
                args.path
            ),
        }
    }
    if handshake::needs_token(scheme)
        && args.handshake.token.is_none()
        && args.handshake.token_env.is_none()
    {
        eprintln!(
            "hookshield: note: no --handshake-token: {}'s GET challenge will be refused (403)",
            scheme.name()
        );
    }
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

/// The router: GET and POST on `path` behind the layer of `receiver`, which prints each
/// rejection; each handshake the layer answers is printed too.
fn route<S: ReplayStore>(path: &str, receiver: Receiver<S>, preset: &str) -> Router {
    let layer = WebhookLayer::from(receiver).with_rejection_response(print_rejection);
    let preset: Arc<str> = preset.into();
    Router::new()
        .route(path, get(handle).post(handle).layer(layer))
        .layer(axum::middleware::map_response(
            move |response: axum::response::Response| {
                let preset = Arc::clone(&preset);
                async move {
                    print_handshake(&response, &preset);
                    response
                }
            },
        ))
}

/// Prints a JSON line on stderr when `response` is the answer to a provider's handshake.
fn print_handshake(response: &axum::response::Response, preset: &str) {
    if let Some(Rejection::Handshake(reply)) = response.extensions().get::<Rejection>() {
        eprintln!(
            "{}",
            json!({
                "handshake": reply.handshake().name(),
                "status": reply.status(),
                "preset": preset,
            })
        );
    }
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
