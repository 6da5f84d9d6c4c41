//! The rows against the tower layer, driven in-process with `oneshot` on a `service_fn`.

use std::convert::Infallible;
use std::fmt::Debug;

use bytes::Bytes;
use hookshield::replay::ReplayStore;
use hookshield::tower::WebhookLayer;
use hookshield::{Receiver, Rejection, VerifyError};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Body;
use tower::{ServiceBuilder, ServiceExt, service_fn};

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

async fn go<S: ReplayStore>(case: &Case, receiver: Receiver<S>, capture: &Capture) -> Vec<String> {
    let gate = Gate::default();
    let handler_gate = gate.clone();
    let handler = service_fn(move |_: Request<Full<Bytes>>| {
        let gate = handler_gate.clone();
        async move {
            gate.pass().await;
            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(HANDLED))))
        }
    });
    let service = ServiceBuilder::new()
        .layer(WebhookLayer::from(receiver))
        .service(handler);
    let send = async |delivery: Delivery| {
        outcome(service.clone().oneshot(request(delivery)).await.unwrap()).await
    };
    drive("tower", case, &gate, capture, send).await
}

fn request(delivery: Delivery) -> Request<Trickle<std::io::Error>> {
    let mut request = Request::post(PATH);
    for (name, value) in &delivery.headers {
        request = request.header(name, value);
    }
    if let Some(length) = delivery.content_length {
        request = request.header(CONTENT_LENGTH, length);
    }
    request
        .body(Trickle::new(delivery.chunks, delivery.stall))
        .unwrap()
}

async fn outcome<B: Body>(response: Response<B>) -> Outcome
where
    B::Error: Debug,
{
    let header = |name| {
        let value = response.headers().get(name);
        value.map(|v: &http::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let (content_type, retry_after) = (header(CONTENT_TYPE), header(RETRY_AFTER));
    Outcome {
        status: response.status().as_u16(),
        content_type,
        retry_after,
        rejection: response.extensions().get::<Rejection>().cloned(),
        body: response.into_body().collect().await.unwrap().to_bytes(),
    }
}

/// `delivery` through a layer over `receiver` whose responder writes its own body.
pub(crate) async fn custom<S: ReplayStore>(receiver: Receiver<S>, delivery: Delivery) -> Outcome {
    let layer = WebhookLayer::from(receiver).with_rejection_response(|error: VerifyError| {
        let body = Bytes::from(format!("custom: {}", error.code()));
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = StatusCode::from_u16(error.status()).unwrap();
        response
    });
    let handler = service_fn(|_: Request<Full<Bytes>>| async {
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(HANDLED))))
    });
    let service = ServiceBuilder::new().layer(layer).service(handler);
    outcome(service.oneshot(request(delivery)).await.unwrap()).await
}
