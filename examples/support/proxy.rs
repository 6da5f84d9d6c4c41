//! The `proxy` mode of the load server: the body forwarded, unverified, to `LOAD_UPSTREAM`
//! over hyper's pooled client, and the upstream's status answered. The floor of any
//! gateway in front of the `bare` server: what proxying alone costs, measured beside
//! `hookshield serve` (`MODES="bare proxy gateway" scripts/load_bench.sh`).

use axum::http::{Request, StatusCode};
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A client to one upstream URL.
#[derive(Clone, Debug)]
pub(crate) struct Proxy {
    client: Client<HttpConnector, Full<Bytes>>,
    upstream: axum::http::Uri,
}

impl Proxy {
    pub(crate) fn new(upstream: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
            upstream: upstream.parse()?,
        })
    }

    /// Forwards `body`; the upstream's status, or 502 when it cannot be reached.
    pub(crate) async fn forward(&self, body: Bytes) -> StatusCode {
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = axum::http::Method::POST;
        *request.uri_mut() = self.upstream.clone();
        match self.client.request(request).await {
            Ok(answer) => answer.status(),
            Err(_) => StatusCode::BAD_GATEWAY,
        }
    }
}
