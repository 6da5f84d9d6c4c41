//! [`WebhookError`]: refusals and early answers as actix-web responses.

use std::fmt;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use hookshield_core::{DEFAULT_RETRY_AFTER, Rejection, VerifyError};

/// Why the middleware or an extractor did not hand a webhook to the handler: the core's
/// [`Rejection`], as an actix-web error. Its response follows the rejection table
/// (status, `{"error":"<code>"}`, `Retry-After` on 409 and 503; a handshake's own reply)
/// and carries the [`Rejection`] in its extensions, as the middleware's answers do.
#[derive(Debug, Clone)]
pub struct WebhookError(Rejection);

impl WebhookError {
    /// The rejection: why, and how it is answered.
    pub fn rejection(&self) -> &Rejection {
        &self.0
    }

    /// The rejection, taken out.
    pub fn into_inner(self) -> Rejection {
        self.0
    }
}

impl From<Rejection> for WebhookError {
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

impl From<VerifyError> for WebhookError {
    fn from(error: VerifyError) -> Self {
        Self(Rejection::Verify(error))
    }
}

/// The documented answer to `rejection`: its status, `Content-Type` and body, a
/// `Retry-After` of `retry_after` (whole seconds, at least 1; 10 s when `None`) when it
/// wants one, and the rejection itself in the extensions.
pub fn rejection(rejection: &Rejection, retry_after: Option<Duration>) -> HttpResponse {
    finish(plain(rejection), rejection, retry_after)
}

/// `rejection`'s status, `Content-Type` and body, and nothing else.
pub(crate) fn plain(rejection: &Rejection) -> HttpResponse {
    let mut response = HttpResponse::build(status(rejection.status()));
    response.insert_header((CONTENT_TYPE, rejection.content_type()));
    for header in rejection.headers() {
        response.insert_header(*header);
    }
    if let Some(header) = rejection.echo_header() {
        response.insert_header(header);
    }
    response.body(rejection.body())
}

/// What every rejection response gets, whoever wrote it: `Retry-After` where the
/// rejection wants one and the response has none, and the rejection in the extensions.
pub(crate) fn finish(
    mut response: HttpResponse,
    rejection: &Rejection,
    retry_after: Option<Duration>,
) -> HttpResponse {
    if rejection.wants_retry_after() && !response.headers().contains_key(RETRY_AFTER) {
        let seconds = retry_after.unwrap_or(DEFAULT_RETRY_AFTER).as_secs().max(1);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response.extensions_mut().insert(rejection.clone());
    response
}

pub(crate) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for WebhookError {
    /// The inner rejection's source: each message of the chain is said once.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        status(self.0.status())
    }

    fn error_response(&self) -> HttpResponse {
        rejection(&self.0, None)
    }
}
