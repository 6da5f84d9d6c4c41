//! The rows against the actix-web middleware, driven in-process with `init_service` and
//! `call_service`. Payloads are streams (`BodyDataStream` over a [`Trickle`]), so a
//! chunked body without `Content-Length` and a body that stalls can be expressed too.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use actix_web::test::{self, TestRequest};
use actix_web::{App, HttpResponse, web};
use hookshield::actix::WebhookMiddleware;
use hookshield::replay::ReplayStore;
use hookshield::{Receiver, Rejection, VerifyError};
use http_body_util::BodyDataStream;

use crate::support::{DownStore, PATH};
use crate::table::{Case, Delivery, Setup};
use crate::trickle::Trickle;
use crate::{Capture, Gate, HANDLED, Outcome, drive};

pub(crate) async fn run(case: &Case, capture: &Capture) -> Vec<String> {
    match case.setup {
        Setup::StoreDown => go(case, case.receiver().with_replay_store(DownStore), capture).await,
        _ => go(case, case.receiver(), capture).await,
    }
}

async fn handler(gate: web::Data<Gate>) -> HttpResponse {
    gate.pass().await;
    HttpResponse::Ok().body(HANDLED)
}

async fn go<S: ReplayStore>(case: &Case, receiver: Receiver<S>, capture: &Capture) -> Vec<String> {
    let gate = Gate::default();
    let app = test::init_service(
        App::new().app_data(web::Data::new(gate.clone())).service(
            web::resource(PATH)
                .wrap(WebhookMiddleware::from(receiver))
                .route(web::post().to(handler)),
        ),
    )
    .await;
    let send = async |delivery: Delivery| {
        let (head, payload) = request(delivery);
        let (request, _) = head.to_request().replace_payload(payload);
        outcome(test::call_service(&app, request).await).await
    };
    drive("actix", case, &gate, capture, send).await
}

/// The request's head, and its payload as a stream.
fn request(delivery: Delivery) -> (TestRequest, Payload) {
    let mut request = TestRequest::post().uri(PATH);
    for (name, value) in delivery.headers {
        request = request.append_header((name, value));
    }
    if let Some(length) = delivery.content_length {
        request = request.insert_header((CONTENT_LENGTH, length));
    }
    let body = Trickle::<PayloadError>::new(delivery.chunks, delivery.stall);
    let payload = Box::pin(BodyDataStream::new(body));
    (request, Payload::Stream { payload })
}

async fn outcome<B: MessageBody>(response: ServiceResponse<B>) -> Outcome {
    let header = |name| {
        let value = response.headers().get(name);
        value.map(|v: &actix_web::http::header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let (content_type, retry_after) = (header(CONTENT_TYPE), header(RETRY_AFTER));
    let rejection = response.response().extensions().get::<Rejection>().cloned();
    Outcome {
        status: response.status().as_u16(),
        content_type,
        retry_after,
        rejection,
        body: test::read_body(response).await,
    }
}

/// `delivery` through a middleware over `receiver` whose responder writes its own body.
pub(crate) async fn custom<S: ReplayStore>(receiver: Receiver<S>, delivery: Delivery) -> Outcome {
    let middleware = WebhookMiddleware::from(receiver).with_rejection_response(|e: VerifyError| {
        let status = StatusCode::from_u16(e.status()).unwrap();
        HttpResponse::build(status).body(format!("custom: {}", e.code()))
    });
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Gate::default()))
            .service(
                web::resource(PATH)
                    .wrap(middleware)
                    .route(web::post().to(handler)),
            ),
    )
    .await;
    let (head, payload) = request(delivery);
    let (request, _) = head.to_request().replace_payload(payload);
    outcome(test::call_service(&app, request).await).await
}
