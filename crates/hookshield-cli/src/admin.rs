//! The operator's address (`--metrics-addr` of `serve` and `listen`): Prometheus text at
//! `/metrics`, liveness at `/healthz`, readiness at `/readyz` (every replay store and
//! output reachable).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use hookshield_axum::Server;
use hookshield_redis::redact_url;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use redis::aio::ConnectionManager;
use serde_json::json;
use tokio::sync::watch;

use crate::serve::RouteState;
use crate::stopping::Phase;
use crate::{UsageError, redis_link};

/// Counter: events handed to an output, by `route`, `output` and `result` (`delivered`,
/// `upstream_status`, `upstream_timeout`, `upstream_unreachable`, `output_unavailable`).
pub(crate) const OUTPUT_TOTAL: &str = "hookshield_output_total";
/// Histogram: how long outputs took, by `route` and `output`, in seconds.
pub(crate) const OUTPUT_SECONDS: &str = "hookshield_output_seconds";

/// Histogram buckets, in seconds: 100 µs to 30 s.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0,
];

/// How long a readiness check waits for each part.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Installs the Prometheus recorder for the whole process: every `hookshield_*` metric the
/// library and the gateway record from now on is rendered by the handle.
fn install_recorder() -> Result<PrometheusHandle, UsageError> {
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
        .map_err(|e| UsageError(format!("metrics: {e}")))?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).map_err(|e| UsageError(format!("metrics: {e}")))?;
    Ok(handle)
}

/// One thing readiness depends on.
#[derive(Debug, Clone)]
pub(crate) enum Check {
    /// A route's output.
    Output(Arc<RouteState>),
    /// A replay store on Redis.
    Redis {
        route: Arc<str>,
        connection: ConnectionManager,
        shown: String,
    },
}

impl Check {
    /// A check of the replay store at `url` for `route`, on a connection of its own.
    pub(crate) fn redis(route: &Arc<str>, url: &str) -> Result<Self, UsageError> {
        let shown = redact_url(url);
        let connection = redis_link::connect_lazily(url, CHECK_TIMEOUT, 0)
            .map_err(|e| UsageError(format!("{shown}: {e}")))?;
        Ok(Self::Redis {
            route: Arc::clone(route),
            connection,
            shown,
        })
    }

    async fn run(&self) -> Result<(), serde_json::Value> {
        let (route, part, outcome) = match self {
            Self::Output(state) => {
                let outcome = tokio::time::timeout(CHECK_TIMEOUT, state.output.ready()).await;
                (&state.name, "output", outcome)
            }
            Self::Redis {
                route,
                connection,
                shown,
            } => {
                let ping = async move {
                    redis_link::ping(connection)
                        .await
                        .map_err(|e| format!("{shown}: {e}"))
                };
                (
                    route,
                    "replay_store",
                    tokio::time::timeout(CHECK_TIMEOUT, ping).await,
                )
            }
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(json!({"route": &**route, "part": part, "error": error})),
            Err(_) => Err(json!({"route": &**route, "part": part, "error": "no answer in time"})),
        }
    }
}

#[derive(Debug, Clone)]
struct AdminState {
    metrics: PrometheusHandle,
    checks: Arc<[Check]>,
    phase: watch::Receiver<Phase>,
}

/// The operator's endpoints, once [`install`](Self::install)ed: the recorder every metric
/// of the process goes to.
#[derive(Debug)]
pub(crate) struct Admin {
    metrics: PrometheusHandle,
}

impl Admin {
    /// Installs the Prometheus recorder: call before building receivers, so every metric
    /// they record is rendered.
    pub(crate) fn install() -> Result<Self, UsageError> {
        Ok(Self {
            metrics: install_recorder()?,
        })
    }

    /// Binds `addr`, says so on stderr, and serves the endpoints until `phase` is
    /// [`Phase::Stopped`]; readiness is 503 from [`Phase::Draining`] on.
    pub(crate) async fn spawn(
        self,
        addr: SocketAddr,
        checks: Vec<Check>,
        phase: watch::Receiver<Phase>,
    ) -> Result<tokio::task::JoinHandle<std::io::Result<()>>, UsageError> {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            UsageError(format!(
                "cannot listen on {addr} (the metrics address): {e}"
            ))
        })?;
        let bound = listener.local_addr()?;
        eprintln!("hookshield: metrics on http://{bound}/metrics, health on /healthz and /readyz");
        let mut stopped = phase.clone();
        let signal = async move {
            let _ = stopped.wait_for(|phase| *phase == Phase::Stopped).await;
        };
        Ok(tokio::spawn(serve(
            listener,
            self.metrics,
            checks,
            phase,
            signal,
        )))
    }
}

/// Serves the operator's endpoints on `listener` until `signal`.
async fn serve(
    listener: tokio::net::TcpListener,
    metrics: PrometheusHandle,
    checks: Vec<Check>,
    phase: watch::Receiver<Phase>,
    signal: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let upkeep = metrics.clone();
    let _upkeep = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let state = AdminState {
        metrics,
        checks: checks.into(),
        phase,
    };
    let app = Router::new()
        .route("/metrics", get(render))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(state);
    Server::new()
        .shutdown_timeout(Duration::from_secs(1))
        .serve_with_shutdown(listener, app, signal)
        .await
}

async fn render(State(state): State<AdminState>) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

async fn ready(State(state): State<AdminState>) -> Response {
    if *state.phase.borrow() != Phase::Serving {
        let body = json!({"ready": false, "draining": true});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    let outcomes = futures_util::future::join_all(state.checks.iter().map(Check::run)).await;
    let failing: Vec<_> = outcomes.into_iter().filter_map(Result::err).collect();
    let status = if failing.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({"ready": failing.is_empty(), "failing": failing});
    (status, Json(body)).into_response()
}
