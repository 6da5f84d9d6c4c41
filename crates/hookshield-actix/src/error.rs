//! [`WebhookError`]: refusals and early answers as actix-web responses.

use std::fmt;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use hookshield_core::{DEFAULT_RETRY_AFTER, HandshakeReply, VerifyError};

/// Why the middleware or an extractor did not hand a webhook to the handler. As a
/// response it follows the rejection table: the status, `{"error":"<code>"}`, and
/// `Retry-After` on 409 and 503.
#[non_exhaustive]
#[derive(Debug)]
pub enum WebhookError {
    /// The request failed verification, or its body was too large or unreadable.
    Verify(VerifyError),
    /// The request was the provider's handshake: as a response it is the handshake's
    /// answer (200), so a handler using an extractor answers it without running.
    Handshake(HandshakeReply),
    /// The verified body is not the JSON `VerifiedJson<T>` expects: 400 `invalid_json`.
    InvalidJson(serde_json::Error),
    /// No middleware verified the request and no `web::Data<Verifier>` is registered:
    /// 500 `webhook_not_configured` (a bug in the app's wiring).
    NotConfigured,
}

impl WebhookError {
    fn code(&self) -> &'static str {
        match self {
            Self::Verify(error) => error.code(),
            Self::Handshake(_) => "handshake",
            Self::InvalidJson(_) => "invalid_json",
            Self::NotConfigured => "webhook_not_configured",
        }
    }
}

/// The rejection-table answer for `error`.
pub fn rejection(error: &VerifyError, retry_after: Duration) -> HttpResponse {
    let mut response = HttpResponse::build(status(error.status()));
    response.insert_header((CONTENT_TYPE, "application/json"));
    if error.wants_retry_after() {
        response.insert_header((RETRY_AFTER, retry_after.as_secs().max(1)));
    }
    response.body(error.json_body())
}

/// The answer to a provider's handshake.
pub(crate) fn handshake(reply: &HandshakeReply) -> HttpResponse {
    HttpResponse::build(status(reply.status()))
        .insert_header((CONTENT_TYPE, reply.content_type()))
        .body(reply.body().to_owned())
}

pub(crate) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(error) => write!(f, "webhook refused: {error}"),
            Self::Handshake(reply) => write!(f, "provider handshake {:?}", reply.handshake()),
            Self::InvalidJson(error) => {
                write!(f, "the verified body is not the expected JSON: {error}")
            }
            Self::NotConfigured => f.write_str(
                "no WebhookMiddleware verified the request and no web::Data<Verifier> is registered",
            ),
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Verify(error) => Some(error),
            Self::InvalidJson(error) => Some(error),
            _ => None,
        }
    }
}

impl From<VerifyError> for WebhookError {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Verify(error) => status(error.status()),
            Self::Handshake(reply) => status(reply.status()),
            Self::InvalidJson(_) => StatusCode::BAD_REQUEST,
            Self::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Verify(error) => rejection(error, DEFAULT_RETRY_AFTER),
            Self::Handshake(reply) => handshake(reply),
            Self::NotConfigured => {
                tracing::error!("{self}");
                json(self.status_code(), self.code())
            }
            Self::InvalidJson(_) => json(self.status_code(), self.code()),
        }
    }
}

fn json(status: StatusCode, code: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CONTENT_TYPE, "application/json"))
        .body(format!(r#"{{"error":"{code}"}}"#))
}
