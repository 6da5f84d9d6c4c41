//! [`ResponseFuture`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Response;
use pin_project_lite::pin_project;

use crate::service::WebhookBody;

type Pipeline<B, R, E> =
    Pin<Box<dyn Future<Output = Result<Response<WebhookBody<B, R>>, E>> + Send>>;

pin_project! {
    /// The response future of [`WebhookService`](crate::WebhookService).
    ///
    /// A request refused on its `Content-Length` is answered without allocating; every
    /// other request runs the pipeline (read, verify, reserve, call, settle) as one boxed
    /// future, since the replay store's steps are `async fn`s whose futures have no name.
    pub struct ResponseFuture<B, R, E> {
        #[pin]
        kind: Kind<B, R, E>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<B, R, E> {
        Ready { response: Option<Response<R>> },
        Pipeline { #[pin] future: Pipeline<B, R, E> },
    }
}

impl<B, R, E> ResponseFuture<B, R, E> {
    pub(crate) fn ready(response: Response<R>) -> Self {
        Self {
            kind: Kind::Ready {
                response: Some(response),
            },
        }
    }

    pub(crate) fn pipeline(future: Pipeline<B, R, E>) -> Self {
        Self {
            kind: Kind::Pipeline { future },
        }
    }
}

impl<B, R, E> Future for ResponseFuture<B, R, E> {
    type Output = Result<Response<WebhookBody<B, R>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Ready { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response.map(http_body_util::Either::Right))),
                None => Poll::Pending,
            },
            KindProj::Pipeline { future } => future.poll(cx),
        }
    }
}

impl<B, R, E> fmt::Debug for ResponseFuture<B, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
