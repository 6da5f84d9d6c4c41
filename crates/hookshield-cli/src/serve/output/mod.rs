//! Where a route sends what it verified, and how the outcome is answered: a 2xx only once
//! the output has accepted the event (the layer then commits its id); otherwise a 502, 503
//! or 504 (the layer releases the id, so the provider's retry is handled).

pub(crate) mod http;
pub(crate) mod stream;

use std::time::Duration;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use hookshield_core::Verified;
use serde_json::json;

pub(crate) use self::http::HttpForward;
pub(crate) use self::stream::StreamAdd;

/// A verified event on its way out.
#[derive(Debug)]
pub(crate) struct Event<'a> {
    pub(crate) route: &'a str,
    pub(crate) namespace: &'a str,
    pub(crate) verified: &'a Verified,
    pub(crate) method: &'a Method,
    pub(crate) query: Option<&'a str>,
    /// The received headers as they travel on (see `event_headers`).
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// A route's output.
#[derive(Debug)]
pub(crate) enum Output {
    Http(HttpForward),
    Stream(StreamAdd),
}

/// What an output did with an event: accepted (the answer to relay) or not (why).
#[derive(Debug)]
pub(crate) enum Delivery {
    Accepted(Response),
    Refused(Failure),
}

/// Why an output did not accept an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The upstream answered, but not 2xx.
    UpstreamStatus(u16),
    /// The upstream did not answer in time.
    UpstreamTimeout,
    /// No connection to the upstream.
    UpstreamUnreachable,
    /// The stream's Redis is down or refused the entry.
    OutputUnavailable,
}

/// How long a 503 asks the provider to wait.
const RETRY_AFTER: Duration = Duration::from_secs(10);

impl Output {
    /// `http` or `redis-stream`, for metrics and logs.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Http(_) => "http",
            Self::Stream(_) => "redis-stream",
        }
    }

    pub(crate) async fn deliver(&self, event: Event<'_>) -> Delivery {
        match self {
            Self::Http(http) => http.deliver(event).await,
            Self::Stream(stream) => stream.deliver(event).await,
        }
    }

    /// Whether the output can take events now: a connection to the upstream, a `PING`
    /// answered by the stream's Redis.
    pub(crate) async fn ready(&self) -> Result<(), String> {
        match self {
            Self::Http(http) => http.ready().await,
            Self::Stream(stream) => stream.ready().await,
        }
    }
}

impl Failure {
    /// The code in the answer's body and in metrics.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::UpstreamStatus(_) => "upstream_status",
            Self::UpstreamTimeout => "upstream_timeout",
            Self::UpstreamUnreachable => "upstream_unreachable",
            Self::OutputUnavailable => "output_unavailable",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::UpstreamStatus(_) | Self::UpstreamUnreachable => StatusCode::BAD_GATEWAY,
            Self::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::OutputUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The answer to the provider: short JSON, never the upstream's body.
    pub(crate) fn response(self) -> Response {
        let body = match self {
            Self::UpstreamStatus(status) => json!({"error": self.code(), "status": status}),
            _ => json!({"error": self.code()}),
        };
        let mut response = (self.status(), Json(body)).into_response();
        if self == Self::OutputUnavailable {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(RETRY_AFTER.as_secs()),
            );
        }
        response
    }
}

/// An HTTP URL without its user name and password, for messages (Redis URLs:
/// `hookshield_redis::redact_url`).
pub(crate) fn redact(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("REDACTED"));
            }
            if !parsed.username().is_empty() && parsed.password().is_none() {
                let _ = parsed.set_username("REDACTED");
            }
            parsed.to_string()
        }
        Err(_) => "(an unparsable URL)".to_owned(),
    }
}
