//! The answers the layer gives itself: rejections, duplicates and handshakes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hookshield_core::{DUPLICATE_BODY, HandshakeReply, VerifyError};
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use http::{Response, StatusCode};
use http_body_util::Full;

/// The body of the responses the layer writes itself.
pub type RejectionBody = Full<Bytes>;

/// Builds the response for a refused request; see
/// [`WebhookLayer::with_rejection_response`](crate::WebhookLayer::with_rejection_response).
#[derive(Clone)]
pub(crate) struct Responder(Arc<dyn Fn(VerifyError) -> Response<RejectionBody> + Send + Sync>);

impl Responder {
    pub(crate) fn new<F>(f: F) -> Self
    where
        F: Fn(VerifyError) -> Response<RejectionBody> + Send + Sync + 'static,
    {
        Self(Arc::new(f))
    }

    pub(crate) fn respond(&self, error: VerifyError) -> Response<RejectionBody> {
        (self.0)(error)
    }
}

impl fmt::Debug for Responder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Responder(..)")
    }
}

fn json(status: StatusCode, body: String) -> Response<RejectionBody> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The documented rejection: `{"error":"<code>"}` with the table's status, and
/// `Retry-After` on 409 and 503.
pub fn rejection(error: VerifyError, retry_after: Duration) -> Response<RejectionBody> {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = json(status, error.json_body());
    if error.wants_retry_after() {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
    }
    response
}

/// The answer to a duplicate of an event already handled: `{"duplicate":true}`.
pub(crate) fn duplicate(status: u16) -> Response<RejectionBody> {
    json(
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        DUPLICATE_BODY.to_owned(),
    )
}

/// The answer to a provider's handshake.
pub(crate) fn handshake(reply: &HandshakeReply) -> Response<RejectionBody> {
    let mut response = Response::new(Full::new(Bytes::copy_from_slice(reply.body().as_bytes())));
    *response.status_mut() = StatusCode::from_u16(reply.status()).unwrap_or(StatusCode::OK);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type()));
    response
}
