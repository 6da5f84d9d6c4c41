//! [`Inbox`] as an axum extractor, and [`InboxError`] as an axum response.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use hookshield_axum::WebhookRejection;
use hookshield_core::replay::Claim;
use hookshield_core::{Rejection, Verified};

use crate::inbox::{Inbox, InboxError};

/// The event's inbox, from what the [`WebhookLayer`](hookshield_axum::WebhookLayer)
/// admitted. Without the layer it answers 500 `webhook_not_configured`.
impl<S: Send + Sync> FromRequestParts<S> for Inbox {
    type Rejection = WebhookRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let extensions = &parts.extensions;
        Self::from_extensions(
            extensions.get::<Claim>(),
            extensions.get::<Verified>().is_some(),
        )
        .ok_or_else(|| Rejection::not_configured().into())
    }
}

/// 409 or 503 with `Retry-After`, as [`InboxError::rejection`] says.
impl IntoResponse for InboxError {
    fn into_response(self) -> Response {
        tracing::warn!(error = %self, "the webhook handler's transaction failed");
        WebhookRejection::from(self.rejection()).into_response()
    }
}
