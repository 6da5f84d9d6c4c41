//! [`RejectionResponder`]: how the middleware writes a refusal.

use actix_web::HttpResponse;
use hookshield_core::{Rejection, VerifyError};

/// Writes the response to a refused request: the rejection table's JSON
/// ([`JsonResponder`], the default), or an app's own, set with
/// [`WebhookMiddleware::with_rejection_response`](crate::WebhookMiddleware::with_rejection_response).
/// Whatever it writes, the middleware then adds `Retry-After` to a 409 or 503 that lacks
/// one and puts the [`Rejection`] in the response's extensions. Any
/// `Fn(VerifyError) -> HttpResponse + Clone` is a responder.
pub trait RejectionResponder: Clone + 'static {
    /// The response to a request refused for `error`.
    fn reject(&self, error: VerifyError) -> HttpResponse;
}

/// The default [`RejectionResponder`]: the rejection table's status and
/// `{"error":"<code>"}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonResponder;

impl RejectionResponder for JsonResponder {
    fn reject(&self, error: VerifyError) -> HttpResponse {
        crate::error::plain(&Rejection::Verify(error))
    }
}

impl<F> RejectionResponder for F
where
    F: Fn(VerifyError) -> HttpResponse + Clone + 'static,
{
    fn reject(&self, error: VerifyError) -> HttpResponse {
        self(error)
    }
}
