//! [`WebhookMiddleware`]: the builder, which is also the actix-web `Transform`, and the
//! service it wraps around the app's handlers.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{Error, HttpMessage, HttpResponse};
use futures_util::future::LocalBoxFuture;
use hookshield_core::replay::{MemoryStore, ReplayStore};
use hookshield_core::{
    DUPLICATE_BODY, Receiver, Rejection, RequestContext, Step, Verifier, VerifyError,
};
use tracing::Instrument;

use crate::error::{finish, rejection, status};
use crate::headers::ActixHeaders;
use crate::responder::{JsonResponder, RejectionResponder};

/// Verifies webhooks before they reach the handlers it wraps: an actix-web middleware
/// (`App::wrap`, `Resource::wrap`, `Scope::wrap`) around a [`Receiver`], the pipeline every
/// hookshield adapter shares, so it answers exactly as the tower layer does. Every option
/// is set on the [`Receiver`] (`WebhookMiddleware::from(receiver)`); the middleware adds
/// only how rejections are written (`R`, the [`RejectionResponder`]).
///
/// Per request: a `Content-Length` over the limit is refused (413) before reading; the
/// payload is read under the limit (413 as soon as a chunked body grows past it) and the
/// body deadline (408 `body_timeout` when it has not all arrived in time); the
/// request is verified, the provider's handshake answered, the event id reserved; the
/// handler gets the verified bytes back as its payload and the
/// [`Verified`](hookshield_core::Verified) metadata and the event's
/// [`Claim`](hookshield_core::replay::Claim) in the request extensions; a 2xx response
/// commits the id, anything else (an error, a panic, the request being dropped) releases
/// it so the provider's retry is handled. A handler that marked the claim settled in its
/// own transaction (hookshield-postgres's `Inbox`) is not committed after: only what its
/// transaction left in flight is released.
///
/// **Client disconnects.** By default actix-web keeps serving a request whose client
/// half-closed the connection, so the handler runs to its end and its status decides
/// (the event is still handled once and never lost, but a retry arriving meanwhile gets
/// 409). To have a disconnect drop the request, and so release the id at once as the
/// tower layer does, build the server with `HttpServer::h1_allow_half_closed(false)`.
#[must_use]
pub struct WebhookMiddleware<S = MemoryStore, R = JsonResponder> {
    receiver: Receiver<S>,
    responder: R,
}

impl<S, R: Clone> Clone for WebhookMiddleware<S, R> {
    fn clone(&self) -> Self {
        Self {
            receiver: self.receiver.clone(),
            responder: self.responder.clone(),
        }
    }
}

impl<S: std::fmt::Debug, R> std::fmt::Debug for WebhookMiddleware<S, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookMiddleware")
            .field("receiver", &self.receiver)
            .field("responder", &std::any::type_name::<R>())
            .finish()
    }
}

impl WebhookMiddleware<MemoryStore> {
    /// A middleware for `verifier`'s endpoint with [`Receiver::new`]'s defaults; for other
    /// options build the [`Receiver`] and use `WebhookMiddleware::from(receiver)`.
    pub fn new(verifier: Verifier) -> Self {
        Self::from(Receiver::new(verifier))
    }
}

impl<S> From<Receiver<S>> for WebhookMiddleware<S> {
    fn from(receiver: Receiver<S>) -> Self {
        Self {
            receiver,
            responder: JsonResponder,
        }
    }
}

impl<S: ReplayStore, R: RejectionResponder> WebhookMiddleware<S, R> {
    /// Writes rejections with `responder` (a [`RejectionResponder`], or any
    /// `Fn(VerifyError) -> HttpResponse + Clone`) instead of the rejection table's JSON.
    /// The middleware still adds `Retry-After` to 409 and 503 and the
    /// [`Rejection`] to the extensions.
    pub fn with_rejection_response<T: RejectionResponder>(
        self,
        responder: T,
    ) -> WebhookMiddleware<S, T> {
        WebhookMiddleware {
            receiver: self.receiver,
            responder,
        }
    }

    /// The pipeline this middleware runs.
    pub fn receiver(&self) -> &Receiver<S> {
        &self.receiver
    }

    fn reject(&self, error: VerifyError) -> HttpResponse {
        let rejection = Rejection::Verify(error);
        let retry_after = Some(self.receiver.retry_after());
        finish(self.responder.reject(error), &rejection, retry_after)
    }
}

impl<Svc, B, S, R> Transform<Svc, ServiceRequest> for WebhookMiddleware<S, R>
where
    Svc: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    S: ReplayStore,
    R: RejectionResponder,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = WebhookService<Svc, S, R>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: Svc) -> Self::Future {
        ready(Ok(WebhookService {
            service: Rc::new(service),
            config: Rc::new(self.clone()),
        }))
    }
}

/// The service [`WebhookMiddleware`] wraps around the app's handlers.
pub struct WebhookService<Svc, S, R> {
    service: Rc<Svc>,
    config: Rc<WebhookMiddleware<S, R>>,
}

impl<Svc, S: std::fmt::Debug, R> std::fmt::Debug for WebhookService<Svc, S, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<Svc, B, S, R> Service<ServiceRequest> for WebhookService<Svc, S, R>
where
    Svc: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    S: ReplayStore,
    R: RejectionResponder,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let config = Rc::clone(&self.config);
        let span = config.receiver.span();
        let pipeline = async move {
            let own = |request: ServiceRequest, response: HttpResponse| {
                Ok(request.into_response(response).map_into_right_body())
            };
            let receiver = &config.receiver;
            let declared = request.headers().get(CONTENT_LENGTH).map(|v| v.as_bytes());
            let declared = match receiver.check_declared_length(declared) {
                Ok(declared) => declared,
                Err(error) => return own(request, config.reject(error)),
            };
            let mut payload = request.take_payload();
            let budget = Some(receiver.body_budget());
            let read = crate::body::read(&mut payload, receiver.body_limit(), declared, budget);
            let body = match receiver.read_body(read).await {
                Ok(body) => body,
                Err(error) => return own(request, config.reject(error)),
            };
            let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
            let context = RequestContext::new(request.method().as_str(), target);
            let headers = ActixHeaders(request.headers());
            let step = receiver.receive_request(&context, &headers, &body).await;
            let ticket = match step {
                Ok(Step::Run(mut ticket, verified)) => {
                    request.extensions_mut().insert(verified);
                    // For a handler that settles the event in its own transaction.
                    if let Some(claim) = ticket.claim() {
                        request.extensions_mut().insert(claim);
                    }
                    ticket
                }
                Ok(Step::Handshake(reply)) => {
                    return own(request, rejection(&Rejection::Handshake(reply), None));
                }
                Ok(Step::Duplicate) => {
                    let duplicate = HttpResponse::build(status(receiver.duplicate_status()))
                        .content_type("application/json")
                        .body(DUPLICATE_BODY);
                    return own(request, duplicate);
                }
                Err(error) => return own(request, config.reject(error)),
            };
            request.set_payload(Payload::from(body));
            // If the handler panics, or this future is dropped (the client went away and the
            // server does not allow half-closed connections), the ticket is dropped
            // unsettled and releases the id in the background.
            let result = service.call(request).await;
            let success = matches!(&result, Ok(response) if response.status().is_success());
            // Failures to tell the store are logged by the ticket; the lease covers them.
            let _ = ticket.settle(success).await;
            result.map(ServiceResponse::map_into_left_body)
        };
        Box::pin(pipeline.instrument(span))
    }
}
