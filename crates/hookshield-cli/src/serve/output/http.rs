//! `type = "http"`: the verified request, forwarded to an upstream URL over HTTP/1.1 on a
//! pool of kept-alive connections (hyper's client: no redirects followed, no proxy from the
//! environment).

use std::time::Duration;

use axum::body::Body;
use axum::http::uri::{PathAndQuery, Uri};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::{Delivery, Event, Failure, redact};

/// The default upstream timeout: from the connection to the answer's status and headers;
/// the answer's body then has as long again.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an upstream's 2xx answer relayed to the provider (Twilio reads TwiML from
/// it); a longer answer is relayed without its body.
const ANSWER_LIMIT: usize = 64 * 1024;
/// The connection to the upstream must be made within this, or the timeout if shorter.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long an idle pooled connection to the upstream is kept.
const POOL_IDLE: Duration = Duration::from_secs(30);

/// Forwards events to one upstream.
#[derive(Debug)]
pub(crate) struct HttpForward {
    client: Client<HttpConnector, Full<Bytes>>,
    /// The upstream's scheme and authority (`http://host:port`).
    base: Uri,
    /// The upstream URL's path, and its query if it has one.
    path: String,
    query: Option<String>,
    timeout: Duration,
    /// For logs: the URL without credentials.
    shown: String,
}

impl HttpForward {
    /// Refuses a URL that is not `http://` (this build has no TLS client), has no host,
    /// or carries credentials (they would go to the upstream on every request).
    pub(crate) fn new(url: &str, timeout: Duration) -> Result<Self, String> {
        let shown = redact(url);
        let uri: Uri = url.parse().map_err(|e| format!("{shown}: {e}"))?;
        let authority = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default();
        if uri.scheme_str() != Some("http") || uri.host().is_none_or(str::is_empty) {
            return Err(format!(
                "{shown}: an upstream is an http:// URL with a host (this build forwards \
                 over plain HTTP: keep the upstream on a private network or loopback)"
            ));
        }
        if authority.contains('@') {
            return Err(format!(
                "{shown}: credentials in an upstream URL are not sent"
            ));
        }
        if timeout.is_zero() {
            return Err("field `timeout`: must be longer than 0s".to_owned());
        }
        let base = Uri::builder()
            .scheme("http")
            .authority(authority.as_str())
            .path_and_query("/")
            .build()
            .map_err(|e| format!("{shown}: {e}"))?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(CONNECT_TIMEOUT.min(timeout)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE)
            .build(connector);
        Ok(Self {
            client,
            base,
            path: uri.path().to_owned(),
            query: uri.query().filter(|q| !q.is_empty()).map(str::to_owned),
            timeout,
            shown,
        })
    }

    /// The upstream URL for a request that came with `query`: the upstream's own query
    /// first, then the received one.
    fn target(&self, query: Option<&str>) -> Result<Uri, String> {
        let queries: Vec<&str> = self
            .query
            .as_deref()
            .into_iter()
            .chain(query.filter(|q| !q.is_empty()))
            .collect();
        let path_and_query = if queries.is_empty() {
            PathAndQuery::try_from(self.path.as_str())
        } else {
            PathAndQuery::try_from(format!("{}?{}", self.path, queries.join("&")))
        }
        .map_err(|e| e.to_string())?;
        let mut parts = self.base.clone().into_parts();
        parts.path_and_query = Some(path_and_query);
        Uri::from_parts(parts).map_err(|e| e.to_string())
    }

    pub(crate) async fn deliver(&self, event: Event<'_>) -> Delivery {
        let uri = match self.target(event.query) {
            Ok(uri) => uri,
            Err(error) => {
                tracing::warn!(route = event.route, %error, "no upstream URL for this query");
                return Delivery::Refused(Failure::UpstreamUnreachable);
            }
        };
        let mut request = Request::new(Full::new(event.body));
        *request.method_mut() = event.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = event.headers;
        let route = event.route;
        let answer = match tokio::time::timeout(self.timeout, self.client.request(request)).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(error)) => {
                tracing::warn!(route, upstream = %self.shown, %error, "upstream not reached");
                return Delivery::Refused(Failure::UpstreamUnreachable);
            }
            Err(_) => {
                tracing::warn!(route, upstream = %self.shown, timeout = ?self.timeout,
                    "upstream did not answer in time");
                return Delivery::Refused(Failure::UpstreamTimeout);
            }
        };
        let status = answer.status();
        if !status.is_success() {
            tracing::warn!(route, upstream = %self.shown, %status, "upstream refused the event");
            return Delivery::Refused(Failure::UpstreamStatus(status.as_u16()));
        }
        let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
        // The upstream has the event: from here on it counts as delivered, whatever
        // becomes of its answer's body.
        let body = tokio::time::timeout(self.timeout, read_answer(answer.into_body()));
        let body = body.await.ok().flatten().unwrap_or_else(|| {
            tracing::warn!(route, upstream = %self.shown,
                "upstream answer too long, cut short or too slow; relayed without its body");
            Bytes::new()
        });
        Delivery::Accepted(relay(status, content_type, body))
    }

    /// Whether a TCP connection to the upstream can be made now.
    pub(crate) async fn ready(&self) -> Result<(), String> {
        let host = self.base.host().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = self.base.port_u16().unwrap_or(80);
        match tokio::time::timeout(
            CONNECT_TIMEOUT,
            tokio::net::TcpStream::connect((host, port)),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(format!("{}: {error}", self.shown)),
            Err(_) => Err(format!(
                "{}: no connection within {CONNECT_TIMEOUT:?}",
                self.shown
            )),
        }
    }
}

/// The upstream's answer body, or `None` past [`ANSWER_LIMIT`] or on a read error.
async fn read_answer(body: Incoming) -> Option<Bytes> {
    let read = Limited::new(body, ANSWER_LIMIT).collect().await.ok()?;
    Some(read.to_bytes())
}

/// The upstream's 2xx, relayed with its content type and body.
fn relay(status: StatusCode, content_type: Option<HeaderValue>, body: Bytes) -> Response {
    let no_body = matches!(status.as_u16(), 204 | 205);
    let mut response = Response::new(if no_body {
        Body::empty()
    } else {
        Body::from(body)
    });
    *response.status_mut() = status;
    if let Some(content_type) = content_type.filter(|_| !no_body) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}
