//! [`Inbox`] as an actix-web extractor, and [`InboxError`] as an actix-web error.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use hookshield_actix::WebhookError;
use hookshield_core::replay::Claim;
use hookshield_core::{Rejection, Verified};

use crate::inbox::{Inbox, InboxError};

/// The event's inbox, from what the
/// [`WebhookMiddleware`](hookshield_actix::WebhookMiddleware) admitted. Without the
/// middleware it answers 500 `webhook_not_configured`.
impl FromRequest for Inbox {
    type Error = WebhookError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let extensions = request.extensions();
        let inbox = Self::from_extensions(
            extensions.get::<Claim>(),
            extensions.get::<Verified>().is_some(),
        );
        ready(inbox.ok_or_else(|| Rejection::not_configured().into()))
    }
}

/// 409 or 503 with `Retry-After`, as [`InboxError::rejection`] says.
impl ResponseError for InboxError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        WebhookError::from(self.rejection()).status_code()
    }

    fn error_response(&self) -> HttpResponse {
        tracing::warn!(error = %self, "the webhook handler's transaction failed");
        WebhookError::from(self.rejection()).error_response()
    }
}
