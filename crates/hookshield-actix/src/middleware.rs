//! [`WebhookMiddleware`]: the builder, which is also the actix-web `Transform`, and the
//! service it wraps around the app's handlers.

use std::future::{Ready, ready};
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{Error, HttpMessage, HttpResponse};
use futures_util::future::LocalBoxFuture;
use hookshield_core::replay::{MokaStore, ReplayStore};
use hookshield_core::{DUPLICATE_BODY, Receiver, Step, Verifier, VerifyError};

use crate::error::{handshake, rejection, status};
use crate::headers::ActixHeaders;

/// Builds rejection responses in place of the rejection table's JSON.
type Responder = Arc<dyn Fn(VerifyError) -> HttpResponse + Send + Sync>;

/// Verifies webhooks before they reach the handlers it wraps: an actix-web middleware
/// (`App::wrap`, `Resource::wrap`, `Scope::wrap`) around a [`Receiver`], the pipeline every
/// hookshield adapter shares, so it answers exactly as the tower layer does.
///
/// Per request: a `Content-Length` over the limit is refused (413) before reading; the
/// payload is read under the limit (413 as soon as a chunked body grows past it) and the
/// body deadline (408 `body_timeout` when it has not all arrived in time); the
/// request is verified, the provider's handshake answered, the event id reserved; the
/// handler gets the verified bytes back as its payload and the
/// [`Verified`](hookshield_core::Verified) metadata in the request extensions; a 2xx
/// response commits the id, anything else (an error, a panic, the request being dropped)
/// releases it so the provider's retry is handled.
///
/// **Client disconnects.** By default actix-web keeps serving a request whose client
/// half-closed the connection, so the handler runs to its end and its status decides
/// (the event is still handled once and never lost, but a retry arriving meanwhile gets
/// 409). To have a disconnect drop the request, and so release the id at once as the
/// tower layer does, build the server with `HttpServer::h1_allow_half_closed(false)`.
#[must_use]
pub struct WebhookMiddleware<S = MokaStore> {
    receiver: Receiver<S>,
    responder: Option<Responder>,
}

impl<S> Clone for WebhookMiddleware<S> {
    fn clone(&self) -> Self {
        Self {
            receiver: self.receiver.clone(),
            responder: self.responder.clone(),
        }
    }
}

impl<S: std::fmt::Debug> std::fmt::Debug for WebhookMiddleware<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookMiddleware")
            .field("receiver", &self.receiver)
            .field("custom_rejections", &self.responder.is_some())
            .finish()
    }
}

impl WebhookMiddleware<MokaStore> {
    /// A middleware for `verifier`'s endpoint, with [`Receiver::new`]'s defaults: a
    /// [`MokaStore`], the scheme's name as namespace and its recommended TTL, a 1 MiB body
    /// limit, duplicates answered 200, handshakes answered.
    pub fn new(verifier: Verifier) -> Self {
        Self::from(Receiver::new(verifier))
    }
}

hookshield_core::receiver_shell!(WebhookMiddleware, StatusCode);

impl<S: ReplayStore> WebhookMiddleware<S> {
    /// Builds rejections with `f` instead of the JSON body of the rejection table.
    pub fn with_rejection_response<F>(mut self, f: F) -> Self
    where
        F: Fn(VerifyError) -> HttpResponse + Send + Sync + 'static,
    {
        self.responder = Some(Arc::new(f));
        self
    }

    fn reject(&self, error: &VerifyError) -> HttpResponse {
        match &self.responder {
            Some(responder) => responder(*error),
            None => rejection(error, self.receiver.retry_after()),
        }
    }
}

impl<Svc, B, S> Transform<Svc, ServiceRequest> for WebhookMiddleware<S>
where
    Svc: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    S: ReplayStore,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = WebhookService<Svc, S>;
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
pub struct WebhookService<Svc, S> {
    service: Rc<Svc>,
    config: Rc<WebhookMiddleware<S>>,
}

impl<Svc, S: std::fmt::Debug> std::fmt::Debug for WebhookService<Svc, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<Svc, B, S> Service<ServiceRequest> for WebhookService<Svc, S>
where
    Svc: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    S: ReplayStore,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let config = Rc::clone(&self.config);
        Box::pin(async move {
            let own = |request: ServiceRequest, response: HttpResponse| {
                Ok(request.into_response(response).map_into_right_body())
            };
            let receiver = &config.receiver;
            let declared = request.headers().get(CONTENT_LENGTH).map(|v| v.as_bytes());
            let declared = match receiver.check_declared_length(declared) {
                Ok(declared) => declared,
                Err(error) => return own(request, config.reject(&error)),
            };
            let mut payload = request.take_payload();
            let budget = Some(receiver.body_budget());
            let read = crate::body::read(&mut payload, receiver.body_limit(), declared, budget);
            let body = match receiver.read_body(read).await {
                Ok(body) => body,
                Err(error) => return own(request, config.reject(&error)),
            };
            let step = receiver
                .receive(&ActixHeaders(request.headers()), &body)
                .await;
            let ticket = match step {
                Ok(Step::Run(ticket, verified)) => {
                    request.extensions_mut().insert(verified);
                    ticket
                }
                Ok(Step::Handshake(reply)) => return own(request, handshake(&reply)),
                Ok(Step::Duplicate) => {
                    let duplicate = HttpResponse::build(status(receiver.duplicate_status()))
                        .content_type("application/json")
                        .body(DUPLICATE_BODY);
                    return own(request, duplicate);
                }
                Err(error) => return own(request, config.reject(&error)),
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
        })
    }
}
