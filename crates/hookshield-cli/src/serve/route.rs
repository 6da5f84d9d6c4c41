//! One configured route, built: its receiver (verifier, body limit and deadline, replay
//! store, TTL, lease) behind hookshield's layer, and the handler that hands each verified
//! event to the route's output.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRequest, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use hookshield_axum::{VerifiedWebhook, WebhookLayer};
use hookshield_core::replay::{DEFAULT_LEASE, ReplayStore};
use hookshield_core::{Receiver, VerifyError};
use hookshield_redis::RedisStore;
use hookshield_tower::{JsonResponder, RejectionBody, RejectionResponder};
use serde_json::json;

use super::config::{OutputConfig, RouteConfig};
use super::event_headers::Stripped;
use super::output::{self, Delivery, Event, Failure, HttpForward, Output, StreamAdd};
use super::verifier;
use crate::UsageError;

/// A route ready to serve, and what its readiness depends on.
#[derive(Debug)]
pub(crate) struct Built {
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
    metrics: OutputMetrics,
}

/// The route's output metrics, registered once (with the recorder installed by then).
#[derive(Debug)]
struct OutputMetrics {
    seconds: metrics::Histogram,
    delivered: metrics::Counter,
    upstream_status: metrics::Counter,
    upstream_timeout: metrics::Counter,
    upstream_unreachable: metrics::Counter,
    output_unavailable: metrics::Counter,
}

impl OutputMetrics {
    /// The counters of the results `output` can have; the others are never incremented
    /// and not registered.
    fn new(route: &str, output: &'static str) -> Self {
        let http = output == "http";
        let counter = |result: Option<Failure>| {
            let possible = match result {
                None => true,
                Some(Failure::OutputUnavailable) => !http,
                Some(_) => http,
            };
            if !possible {
                return metrics::Counter::noop();
            }
            let result = result.map_or("delivered", Failure::code);
            metrics::counter!(crate::admin::OUTPUT_TOTAL,
                "route" => route.to_owned(), "output" => output, "result" => result)
        };
        Self {
            seconds: metrics::histogram!(crate::admin::OUTPUT_SECONDS,
                "route" => route.to_owned(), "output" => output),
            delivered: counter(None),
            upstream_status: counter(Some(Failure::UpstreamStatus(0))),
            upstream_timeout: counter(Some(Failure::UpstreamTimeout)),
            upstream_unreachable: counter(Some(Failure::UpstreamUnreachable)),
            output_unavailable: counter(Some(Failure::OutputUnavailable)),
        }
    }

    /// Counts `delivery` by its result.
    fn count(&self, delivery: &Delivery) {
        let counter = match delivery {
            Delivery::Accepted(_) => &self.delivered,
            Delivery::Refused(Failure::UpstreamStatus(_)) => &self.upstream_status,
            Delivery::Refused(Failure::UpstreamTimeout) => &self.upstream_timeout,
            Delivery::Refused(Failure::UpstreamUnreachable) => &self.upstream_unreachable,
            Delivery::Refused(Failure::OutputUnavailable) => &self.output_unavailable,
        };
        counter.increment(1);
    }
}

/// One line per event handed to the output: stdout when delivered, stderr otherwise.
#[derive(serde::Serialize)]
struct EventLine<'a> {
    route: &'a str,
    event_id: &'a str,
    scheme: &'a str,
    output: &'static str,
    result: &'static str,
}

impl EventLine<'_> {
    fn print(&self, delivered: bool) {
        use std::io::Write as _;
        let Ok(mut line) = serde_json::to_vec(self) else {
            return;
        };
        line.push(b'\n');
        // A closed stdout or stderr (a log pipe gone) must not fail the delivery.
        let _ = if delivered {
            std::io::stdout().lock().write_all(&line)
        } else {
            std::io::stderr().lock().write_all(&line)
        };
    }
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
        metrics: OutputMetrics::new(&route.name, output.kind()),
        output,
        stripped: Stripped::new(&scheme),
    });
    let (router, replay_redis) = match route.replay_store.as_deref() {
        None | Some("memory") => (router(receiver, &state), None),
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            let store = RedisStore::builder(url).build().map_err(|e| {
                UsageError(format!(
                    "field `replay_store`: {}: {e}",
                    hookshield_redis::redact_url(url)
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
    // An upstream has the timeout for its answer's head and as long for its body; a
    // stream's XADD may be tried twice. Either way, twice the timeout at worst.
    let worst = timeout.saturating_mul(2);
    if worst >= lease {
        return Err(field(format!(
            "field `timeout`: an output may hold an event for twice its timeout ({} here), \
             which must be shorter than the route's lease ({}): a reservation that lapses \
             while the output holds the event would let a copy through; shorten the \
             timeout or lengthen `lease`",
            humantime::format_duration(worst),
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
fn log_rejection(route: &str, error: VerifyError) -> axum::http::Response<RejectionBody> {
    eprintln!(
        "{}",
        json!({"route": route, "rejected": error.code(), "status": error.status(), "reason": error.reason().to_string()})
    );
    JsonResponder.reject(error)
}

/// Hands a verified event to the route's output; the answer's status settles its id. The
/// request's head is taken apart rather than copied by extractors: its headers are
/// filtered into the forwarded ones once.
async fn deliver(State(route): State<Arc<RouteState>>, request: Request) -> Response {
    let (mut head, body) = request.into_parts();
    // The extractor reads the layer's metadata and body, never these.
    let headers = std::mem::take(&mut head.headers);
    let method = std::mem::take(&mut head.method);
    let uri = std::mem::take(&mut head.uri);
    let webhook = match VerifiedWebhook::from_request(Request::from_parts(head, body), &()).await {
        Ok(webhook) => webhook,
        Err(rejection) => return rejection.into_response(),
    };
    let VerifiedWebhook { verified, body } = webhook;
    let event = Event {
        route: &route.name,
        namespace: &route.namespace,
        verified: &verified,
        method: &method,
        query: uri.query(),
        headers: route.stripped.forwarded(&headers, &verified, &route.name),
        body,
    };
    let started = Instant::now();
    let delivery = route.output.deliver(event).await;
    route.metrics.seconds.record(started.elapsed());
    route.metrics.count(&delivery);
    let result = match &delivery {
        Delivery::Accepted(_) => "delivered",
        Delivery::Refused(failure) => failure.code(),
    };
    let line = EventLine {
        route: &route.name,
        event_id: verified.event_id(),
        scheme: verified.scheme(),
        output: route.output.kind(),
        result,
    };
    match delivery {
        Delivery::Accepted(response) => {
            line.print(true);
            response
        }
        Delivery::Refused(failure) => {
            line.print(false);
            failure.response()
        }
    }
}
