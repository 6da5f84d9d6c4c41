//! `type = "http"`: the verified request, forwarded to an upstream URL.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use reqwest::{Client, Url, redirect};

use super::{Delivery, Event, Failure, redact};

/// The default upstream timeout: the whole exchange, connection to last byte.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an upstream's 2xx answer relayed to the provider (Twilio reads TwiML from
/// it); a longer answer is relayed without its body.
const ANSWER_LIMIT: usize = 64 * 1024;
/// The connection to the upstream must be made within this, or the timeout if shorter.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// Forwards events to one upstream.
#[derive(Debug)]
pub(crate) struct HttpForward {
    client: Client,
    url: Url,
    /// For logs: the URL without credentials.
    shown: String,
}

impl HttpForward {
    /// Refuses a URL that is not `http://` (this build has no TLS client) or has no host.
    pub(crate) fn new(url: &str, timeout: Duration) -> Result<Self, String> {
        let shown = redact(url);
        let parsed = Url::parse(url).map_err(|e| format!("{shown}: {e}"))?;
        if parsed.scheme() != "http" || parsed.host_str().is_none() {
            return Err(format!(
                "{shown}: an upstream is an http:// URL with a host (this build forwards \
                 over plain HTTP: keep the upstream on a private network or loopback)"
            ));
        }
        if timeout.is_zero() {
            return Err("field `timeout`: must be longer than 0s".to_owned());
        }
        let client = Client::builder()
            // A redirect would carry the event (and its headers) to another host.
            .redirect(redirect::Policy::none())
            // Proxies from the environment are not asked for: events go where the file says.
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            url: parsed,
            shown,
        })
    }

    pub(crate) async fn deliver(&self, event: Event<'_>) -> Delivery {
        let mut url = self.url.clone();
        if let Some(query) = event.query.filter(|q| !q.is_empty()) {
            let joined = match url.query() {
                Some(own) if !own.is_empty() => format!("{own}&{query}"),
                _ => query.to_owned(),
            };
            url.set_query(Some(&joined));
        }
        let sent = self
            .client
            .request(event.method.clone(), url)
            .headers(event.headers)
            .body(event.body)
            .send()
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(error) => return Delivery::Refused(self.failed(error, event.route)),
        };
        let status = answer.status();
        if !status.is_success() {
            tracing::warn!(route = event.route, upstream = %self.shown, %status, "upstream refused the event");
            return Delivery::Refused(Failure::UpstreamStatus(status.as_u16()));
        }
        let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
        // The upstream has the event: from here on it counts as delivered, whatever
        // becomes of its answer's body.
        let body = read_answer(answer).await.unwrap_or_else(|| {
            tracing::warn!(route = event.route, upstream = %self.shown,
                "upstream answer too long or cut short; relayed without its body");
            Bytes::new()
        });
        Delivery::Accepted(relay(status, content_type, body))
    }

    fn failed(&self, error: reqwest::Error, route: &str) -> Failure {
        let failure = if error.is_timeout() {
            Failure::UpstreamTimeout
        } else {
            Failure::UpstreamUnreachable
        };
        // reqwest's error names the URL: without its credentials.
        let error = error.without_url();
        tracing::warn!(route, upstream = %self.shown, %error, "upstream not reached");
        failure
    }

    /// Whether a TCP connection to the upstream can be made now.
    pub(crate) async fn ready(&self) -> Result<(), String> {
        let host = self.url.host_str().unwrap_or_default();
        let port = self.url.port_or_known_default().unwrap_or(80);
        let host = host.trim_start_matches('[').trim_end_matches(']');
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
async fn read_answer(mut answer: reqwest::Response) -> Option<Bytes> {
    if answer
        .content_length()
        .is_some_and(|n| n > ANSWER_LIMIT as u64)
    {
        return None;
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = answer.chunk().await.ok()? {
        if body.len().saturating_add(chunk.len()) > ANSWER_LIMIT {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body.freeze())
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
