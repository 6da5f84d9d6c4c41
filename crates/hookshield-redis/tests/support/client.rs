//! The client side of the HTTP tests: a reqwest client, a delivery, and the answer read
//! to its end with the checks of hookshield's own answers. Shared with hookshield-postgres's
//! tests (included there by path).

use std::time::Duration;

/// A client with a pool big enough for the tests' concurrency.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(256)
        .build()
        .expect("client")
}

/// An answer, read to its end.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: String,
}

impl Reply {
    /// `200 {"duplicate":true}`: the event was handled already.
    pub(crate) fn is_duplicate(&self) -> bool {
        self.status == 200 && self.body == r#"{"duplicate":true}"#
    }

    /// `409 {"error":"duplicate_in_flight"}` with `Retry-After`.
    pub(crate) fn is_in_flight(&self) -> bool {
        self.status == 409
            && self.body == r#"{"error":"duplicate_in_flight"}"#
            && self.retry_after.is_some()
    }

    /// `503 {"error":"replay_store_unavailable"}` with `Retry-After`.
    pub(crate) fn is_store_unavailable(&self) -> bool {
        self.status == 503
            && self.body == r#"{"error":"replay_store_unavailable"}"#
            && self.retry_after.is_some()
    }
}

/// POSTs `body` with `headers` to `url` and reads the whole answer.
pub(crate) async fn post_event(
    client: &reqwest::Client,
    url: &str,
    headers: &[(String, String)],
    body: impl Into<reqwest::Body>,
) -> Reply {
    let mut request = client.post(url).body(body);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("ASCII Retry-After").to_owned());
    let body = response.text().await.expect("body");
    Reply {
        status,
        retry_after,
        body,
    }
}
