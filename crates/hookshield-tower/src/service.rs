//! [`WebhookService`]: the pipeline for one request.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hookshield_core::replay::ReplayStore;
use hookshield_core::{Rejection, RequestContext, Step, VerifyError};
use http::header::CONTENT_LENGTH;
use http::{Request, Response};
use http_body::Body;
use http_body_util::{Either, Full};
use tower_service::Service;
use tracing::Instrument;

use crate::body::{self, BoxError};
use crate::future::ResponseFuture;
use crate::layer::WebhookLayer;
use crate::response::{self, RejectionBody, RejectionResponder};

/// The response body: the inner service's (`B`), or the layer's own answer (`R`, the
/// [`RejectionResponder`]'s body: [`RejectionBody`] by default).
pub type WebhookBody<B, R = RejectionBody> = Either<B, R>;

/// The service [`WebhookLayer`] wraps around an inner service.
///
/// The inner service receives the request with its body buffered as [`Full<Bytes>`] (the
/// exact bytes that were verified) and the [`Verified`](hookshield_core::Verified)
/// metadata and the event's [`Claim`](hookshield_core::replay::Claim) in the request
/// extensions.
#[derive(Debug)]
pub struct WebhookService<I, S, R> {
    inner: I,
    config: Arc<WebhookLayer<S, R>>,
}

impl<I: Clone, S, R> Clone for WebhookService<I, S, R> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            config: Arc::clone(&self.config),
        }
    }
}

impl<I, S, R> WebhookService<I, S, R> {
    pub(crate) fn new(inner: I, config: Arc<WebhookLayer<S, R>>) -> Self {
        Self { inner, config }
    }
}

impl<S: ReplayStore, R: RejectionResponder> WebhookLayer<S, R> {
    fn reject(&self, error: VerifyError) -> Response<R::Body> {
        let rejection = Rejection::Verify(error);
        let retry_after = Some(self.receiver.retry_after());
        response::finish(self.responder.reject(error), &rejection, retry_after)
    }
}

impl<I, S, R, B, ResBody> Service<Request<B>> for WebhookService<I, S, R>
where
    I: Service<Request<Full<Bytes>>, Response = Response<ResBody>> + Clone + Send + 'static,
    I::Future: Send,
    I::Error: Send + 'static,
    S: ReplayStore,
    R: RejectionResponder,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    ResBody: Send + 'static,
{
    type Response = Response<WebhookBody<ResBody, R::Body>>;
    type Error = I::Error;
    type Future = ResponseFuture<ResBody, R::Body, I::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let config = Arc::clone(&self.config);
        let span = config.receiver.span();
        let declared = request.headers().get(CONTENT_LENGTH).map(|v| v.as_bytes());
        // Refused on its `Content-Length` inside the request's span, like every refusal.
        let declared = span.in_scope(|| {
            let declared = config.receiver.check_declared_length(declared);
            declared.map_err(|error| config.reject(error))
        });
        let declared = match declared {
            Ok(declared) => declared,
            Err(response) => return ResponseFuture::ready(response),
        };
        // The instance that was polled ready handles this request; a clone takes its place.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let pipeline = pipeline(config, inner, request, declared).instrument(span);
        ResponseFuture::pipeline(Box::pin(pipeline))
    }
}

/// Body limit and deadline → signature → timestamp → handshake → replay guard → inner service →
/// commit or release.
async fn pipeline<I, S, R, B, ResBody>(
    config: Arc<WebhookLayer<S, R>>,
    mut inner: I,
    request: Request<B>,
    declared: Option<usize>,
) -> Result<Response<WebhookBody<ResBody, R::Body>>, I::Error>
where
    I: Service<Request<Full<Bytes>>, Response = Response<ResBody>>,
    S: ReplayStore,
    R: RejectionResponder,
    B: Body,
    B::Error: Into<BoxError>,
{
    let own = |response: Response<R::Body>| Ok(response.map(Either::Right));
    let (parts, body) = request.into_parts();
    let receiver = &config.receiver;
    // The body limit, budget and deadline: a stalled client is cut off, holds no more
    // than the budget allows meanwhile, and no id is reserved for a body that never came.
    let read = body::read(
        body,
        receiver.body_limit(),
        declared,
        receiver.body_budget(),
    );
    let bytes = match receiver.read_body(read).await {
        Ok(bytes) => bytes,
        Err(error) => return own(config.reject(error)),
    };
    let context = RequestContext::from(&parts);
    let (mut ticket, verified) = match receiver
        .receive_request(&context, &parts.headers, &bytes)
        .await
    {
        Ok(Step::Run(ticket, verified)) => (ticket, verified),
        Ok(Step::Handshake(reply)) => {
            return own(response::rejection(&Rejection::Handshake(reply), None));
        }
        Ok(Step::Duplicate) => return own(response::duplicate(receiver.duplicate_status())),
        Err(error) => return own(config.reject(error)),
    };

    let mut request = Request::from_parts(parts, Full::new(bytes));
    request.extensions_mut().insert(verified);
    // For a handler that settles the event in its own transaction (an inbox).
    if let Some(claim) = ticket.claim() {
        request.extensions_mut().insert(claim);
    }
    // If the inner service panics, or this future is dropped (client gone), the ticket is
    // dropped unsettled and releases the id in the background.
    let result = inner.call(request).await;
    let success = matches!(&result, Ok(response) if response.status().is_success());
    // Failures to tell the store are logged by the ticket; the lease covers them.
    let _ = ticket.settle(success).await;
    result.map(|response| response.map(Either::Left))
}
