//! The answers the layer gives itself: rejections (through a [`RejectionResponder`]), duplicates
//! and handshakes.

use std::time::Duration;

use bytes::Bytes;
use hookshield_core::{DUPLICATE_BODY, Rejection, VerifyError};
use http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use http::{Response, StatusCode};
use http_body_util::Full;

/// The body of the responses [`JsonResponder`] writes.
pub type RejectionBody = Full<Bytes>;

/// Writes the response to a refused request: the rejection table's JSON
/// ([`JsonResponder`], the default), or an app's own, set with
/// [`WebhookLayer::with_rejection_response`](crate::WebhookLayer::with_rejection_response).
///
/// Whatever the responder writes, the layer then adds `Retry-After` to a 409 or 503 that
/// lacks one, and puts the [`Rejection`] in the response's extensions. Its body type is
/// also the body of the layer's other own answers (duplicates, handshakes), which are
/// built from [`Bytes`]. Any `Fn(VerifyError) -> Response<B>` that is `Clone + Send +
/// Sync` is a responder.
pub trait RejectionResponder: Clone + Send + Sync + 'static {
    /// The body of the layer's own answers.
    type Body: From<Bytes> + Send + 'static;

    /// The response to a request refused for `error`.
    fn reject(&self, error: VerifyError) -> Response<Self::Body>;
}

/// The default [`RejectionResponder`]: the rejection table's status and `{"error":"<code>"}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonResponder;

impl RejectionResponder for JsonResponder {
    type Body = RejectionBody;

    fn reject(&self, error: VerifyError) -> Response<RejectionBody> {
        plain(&Rejection::Verify(error))
    }
}

impl<F, B> RejectionResponder for F
where
    F: Fn(VerifyError) -> Response<B> + Clone + Send + Sync + 'static,
    B: From<Bytes> + Send + 'static,
{
    type Body = B;

    fn reject(&self, error: VerifyError) -> Response<B> {
        self(error)
    }
}

/// The documented answer to `rejection`: its status, `Content-Type` and body, a
/// `Retry-After` of `retry_after` (whole seconds, at least 1; 10 s when `None`) when it
/// wants one, and the rejection itself in the extensions. The axum extractors answer
/// with it too.
pub fn rejection<B: From<Bytes>>(
    rejection: &Rejection,
    retry_after: Option<Duration>,
) -> Response<B> {
    finish(plain(rejection), rejection, retry_after)
}

/// `rejection`'s status, `Content-Type` and body, and nothing else.
fn plain<B: From<Bytes>>(rejection: &Rejection) -> Response<B> {
    let mut response = Response::new(B::from(Bytes::from(rejection.body())));
    *response.status_mut() =
        StatusCode::from_u16(rejection.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(rejection.content_type()),
    );
    for (name, value) in rejection.headers() {
        headers.insert(*name, HeaderValue::from_static(value));
    }
    if let Some((name, value)) = rejection.echo_header()
        && let Ok(value) = HeaderValue::from_str(value)
    {
        headers.insert(name, value);
    }
    response
}

/// What every rejection response gets, whoever wrote it: `Retry-After` where the
/// rejection wants one and the response has none, and the rejection in the extensions.
pub(crate) fn finish<B>(
    mut response: Response<B>,
    rejection: &Rejection,
    retry_after: Option<Duration>,
) -> Response<B> {
    if rejection.wants_retry_after() && !response.headers().contains_key(RETRY_AFTER) {
        let seconds = retry_after
            .unwrap_or(hookshield_core::DEFAULT_RETRY_AFTER)
            .as_secs();
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    }
    response.extensions_mut().insert(rejection.clone());
    response
}

/// The answer to a duplicate of an event already handled: `{"duplicate":true}`.
pub(crate) fn duplicate<B: From<Bytes>>(status: u16) -> Response<B> {
    let mut response = Response::new(B::from(Bytes::from_static(DUPLICATE_BODY.as_bytes())));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
