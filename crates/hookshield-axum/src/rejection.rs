//! [`WebhookRejection`]: why an extractor did not produce a webhook.

use std::fmt;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hookshield_core::{Rejection, VerifyError};

/// Why [`VerifiedWebhook`](crate::VerifiedWebhook), [`VerifiedJson`](crate::VerifiedJson)
/// or [`Standalone`](crate::Standalone) refused a request: the core's [`Rejection`], as an
/// axum response. The response follows the rejection table (status, `{"error":"<code>"}`,
/// `Retry-After` on 409 and 503; a handshake's own reply) and carries the [`Rejection`]
/// in its extensions, as the layer's answers do.
#[derive(Debug, Clone)]
pub struct WebhookRejection(Rejection);

impl WebhookRejection {
    /// The rejection: why, and how it is answered.
    pub fn rejection(&self) -> &Rejection {
        &self.0
    }

    /// The rejection, taken out.
    pub fn into_inner(self) -> Rejection {
        self.0
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The body of the response.
    pub fn body_text(&self) -> String {
        self.0.body()
    }
}

impl From<Rejection> for WebhookRejection {
    fn from(rejection: Rejection) -> Self {
        Self(rejection)
    }
}

impl From<VerifyError> for WebhookRejection {
    fn from(error: VerifyError) -> Self {
        Self(Rejection::Verify(error))
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for WebhookRejection {
    /// The inner rejection's source: each message of the chain is said once.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0)
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        hookshield_tower::rejection(&self.0, None)
    }
}
