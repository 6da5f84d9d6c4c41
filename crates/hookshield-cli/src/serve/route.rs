//! One configured route, built: its receiver (verifier, body limit and deadline, replay
//! store, TTL, lease) behind hookshield's layer, and the handler that hands each verified
//! event to the route's output.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, Method, Response, Uri};
use axum::routing::{MethodRouter, get};
use hookshield_axum::{VerifiedWebhook, WebhookLayer};
use hookshield_core::replay::{DEFAULT_LEASE, ReplayStore};
use hookshield_core::{Receiver, VerifyError};
use hookshield_redis::RedisStore;
use hookshield_tower::{JsonResponder, RejectionBody, RejectionResponder};
use serde_json::json;

use super::config::{OutputConfig, RouteConfig};
use super::event_headers::Stripped;
use super::output::{self, Delivery, Event, HttpForward, Output, StreamAdd};
use super::verifier;
use crate::UsageError;

/// A route ready to serve, and what its readiness depends on.
#[derive(Debug)]
pub(crate) struct Built {
    pub(crate) name: Arc<str>,
    pub(crate) path: String,
    pub(crate) scheme: String,
    pub(crate) router: MethodRouter,
    pub(crate) state: Arc<RouteState>,
    /// The Redis URL of its replay store, if it has one.
    pub(crate) replay_redis: Option<String>,
}

/// What the handler of one route needs.
#[derive(Debug)]
pub(crate) struct RouteState {
    pub(crate) name: Arc<str>,
    namespace: Arc<str>,
    pub(crate) output: Output,
    stripped: Stripped,
}

/// Builds `route`; must run inside a Tokio runtime (Redis connections are made lazily on
/// it). Mistakes are reported with the field they concern.
pub(crate) fn build(route: &RouteConfig) -> Result<Built, UsageError> {
    let (verifier, scheme) = verifier::verifier(route)?;
    let namespace = route
        .namespace
        .clone()
        .unwrap_or_else(|| route.name.clone());
    let mut receiver = Receiver::new(verifier)
        .with_namespace(&namespace)
        .map_err(|e| UsageError(format!("field `namespace`: {e}")))?
        .with_metrics_route(&route.name);
    if let Some(limit) = route.body_limit {
        receiver = receiver
            .with_body_limit(limit)
            .map_err(|e| UsageError(format!("field `body_limit`: {e}")))?;
    }
    if let Some(timeout) = route.body_timeout {
        receiver = receiver
            .with_body_timeout(timeout)
            .map_err(|e| UsageError(format!("field `body_timeout`: {e}")))?;
    }
    if let Some(ttl) = route.ttl {
        receiver = receiver
            .with_ttl(ttl)
            .map_err(|e| UsageError(format!("field `ttl`: {e}")))?;
    }
    let lease = route.lease.unwrap_or(DEFAULT_LEASE);
    receiver = receiver
        .with_lease(lease)
        .map_err(|e| UsageError(format!("field `lease`: {e}")))?;
    let ttl = receiver.replay_guard().ttl();
    let output = output(&route.output, ttl, lease)?;
    let state = Arc::new(RouteState {
        name: route.name.as_str().into(),
        namespace: namespace.as_str().into(),
        output,
        stripped: Stripped::new(&scheme),
    });
    let (router, replay_redis) = match route.replay_store.as_deref() {
        None | Some("memory") => (router(receiver, &state), None),
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            let store = RedisStore::builder(url).build().map_err(|e| {
                UsageError(format!(
                    "field `replay_store`: {}: {e}",
                    output::redact(url)
                ))
            })?;
            let receiver = receiver.with_replay_store(store);
            (router(receiver, &state), Some(url.to_owned()))
        }
        Some(other) => {
            return Err(UsageError(format!(
                "field `replay_store`: `memory` or a redis:// URL, not {}",
                output::redact(other)
            )));
        }
    };
    Ok(Built {
        name: Arc::clone(&state.name),
        path: route.path.clone(),
        scheme: scheme.name().to_owned(),
        router,
        state,
        replay_redis,
    })
}

/// The route's output. Its deadline must end before the lease: a reservation that lapsed
/// while the output still held the event would let a concurrent copy through.
fn output(config: &OutputConfig, ttl: Duration, lease: Duration) -> Result<Output, UsageError> {
    let field = |e: String| UsageError(format!("[route.output]: {e}"));
    let (output, timeout) = match config {
        OutputConfig::Http(http) => {
            let timeout = http.timeout.unwrap_or(output::http::DEFAULT_TIMEOUT);
            let forward = HttpForward::new(&http.url, timeout).map_err(|e| {
                field(if e.starts_with("field") {
                    e
                } else {
                    format!("field `url`: {e}")
                })
            })?;
            (Output::Http(forward), timeout)
        }
        OutputConfig::RedisStream(stream) => {
            let timeout = stream.timeout.unwrap_or(output::stream::DEFAULT_TIMEOUT);
            let add = StreamAdd::new(
                &stream.url,
                &stream.stream,
                stream.maxlen.unwrap_or(output::stream::DEFAULT_MAXLEN),
                timeout,
                ttl,
            )
            .map_err(field)?;
            (Output::Stream(add), timeout)
        }
    };
    // A stream's XADD may be retried once on a new connection: twice its timeout.
    let worst = match output {
        Output::Http(_) => timeout,
        Output::Stream(_) => timeout.saturating_mul(2),
    };
    if worst >= lease {
        return Err(field(format!(
            "field `timeout`: {} must end well within the lease ({}): a reservation \
             that lapses while the output holds the event would let a copy through",
            humantime::format_duration(timeout),
            humantime::format_duration(lease)
        )));
    }
    Ok(output)
}

/// GET and POST behind the layer (GETs carry handshakes, and HubSpot signs some).
fn router<S: ReplayStore>(receiver: Receiver<S>, state: &Arc<RouteState>) -> MethodRouter {
    let name = Arc::clone(&state.name);
    let layer = WebhookLayer::from(receiver)
        .with_rejection_response(move |error: VerifyError| log_rejection(&name, error));
    get(deliver)
        .post(deliver)
        .with_state(Arc::clone(state))
        .layer(layer)
}

/// One JSON line on stderr per refused request, then the rejection table's answer.
fn log_rejection(route: &str, error: VerifyError) -> Response<RejectionBody> {
    eprintln!(
        "{}",
        json!({"route": route, "rejected": error.code(), "status": error.status(), "reason": error.reason().to_string()})
    );
    JsonResponder.reject(error)
}

/// Hands a verified event to the route's output; the answer's status settles its id.
async fn deliver(
    State(route): State<Arc<RouteState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    webhook: VerifiedWebhook,
) -> axum::response::Response {
    let verified = &webhook.verified;
    let event = Event {
        route: &route.name,
        namespace: &route.namespace,
        verified,
        method: &method,
        query: uri.query(),
        headers: route.stripped.forwarded(&headers, verified, &route.name),
        body: webhook.body.clone(),
    };
    let started = Instant::now();
    let delivery = route.output.deliver(event).await;
    let result = match &delivery {
        Delivery::Accepted(_) => "delivered",
        Delivery::Refused(failure) => failure.code(),
    };
    let labels = [
        ("route", route.name.to_string()),
        ("output", route.output.kind().to_owned()),
    ];
    metrics::histogram!(crate::admin::OUTPUT_SECONDS, &labels).record(started.elapsed());
    metrics::counter!(
        crate::admin::OUTPUT_TOTAL,
        &[
            ("route", route.name.to_string()),
            ("output", route.output.kind().to_owned()),
            ("result", result.to_owned()),
        ]
    )
    .increment(1);
    let line = json!({
        "route": &*route.name,
        "event_id": verified.event_id(),
        "scheme": verified.scheme(),
        "output": route.output.kind(),
        "result": result,
    });
    match delivery {
        Delivery::Accepted(response) => {
            println!("{line}");
            response
        }
        Delivery::Refused(failure) => {
            eprintln!("{line}");
            failure.response()
        }
    }
}
