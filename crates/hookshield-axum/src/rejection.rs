//! [`WebhookRejection`]: why an extractor did not produce a webhook.

use std::fmt;

use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use hookshield_core::{HandshakeReply, VerifyError};

/// Why [`VerifiedWebhook`](crate::VerifiedWebhook) or
/// [`VerifiedJson`](crate::VerifiedJson) refused a request. As a response it follows the
/// rejection table: the status and `{"error":"<code>"}`.
#[non_exhaustive]
#[derive(Debug)]
pub enum WebhookRejection {
    /// The request failed verification (or its body was too large or unreadable).
    Verify(VerifyError),
    /// The request was the provider's handshake; as a response it is the handshake's
    /// answer (200), so a handler using the extractor answers it without running.
    Handshake(HandshakeReply),
    /// The verified body is not the JSON `VerifiedJson<T>` expects: 400 `invalid_json`.
    InvalidJson(serde_json::Error),
    /// A plain extractor found no layer's verification: 500 `webhook_not_configured` (a
    /// bug in the app's wiring, logged at error level).
    NotConfigured,
}

impl WebhookRejection {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Verify(error) => {
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            Self::Handshake(_) => StatusCode::OK,
            Self::InvalidJson(_) => StatusCode::BAD_REQUEST,
            Self::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body of the response.
    pub fn body_text(&self) -> String {
        let code = match self {
            Self::Verify(error) => return error.json_body(),
            Self::Handshake(reply) => return reply.body().to_owned(),
            Self::InvalidJson(_) => "invalid_json",
            Self::NotConfigured => "webhook_not_configured",
        };
        format!(r#"{{"error":"{code}"}}"#)
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(error) => write!(f, "webhook refused: {error}"),
            Self::Handshake(reply) => write!(f, "provider handshake {:?}", reply.handshake()),
            Self::InvalidJson(error) => {
                write!(f, "the verified body is not the expected JSON: {error}")
            }
            Self::NotConfigured => f.write_str(
                "no WebhookLayer verified the request (add the layer, or use Standalone)",
            ),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Verify(error) => Some(error),
            Self::InvalidJson(error) => Some(error),
            _ => None,
        }
    }
}

impl From<VerifyError> for WebhookRejection {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match &self {
            Self::NotConfigured => tracing::error!("{self}"),
            _ => tracing::trace!("{self}"),
        }
        let content_type = match &self {
            Self::Handshake(reply) => reply.content_type(),
            _ => "application/json",
        };
        let mut response = (self.status(), self.body_text()).into_response();
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}
