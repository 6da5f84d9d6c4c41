//! A request body sent as chosen chunks, that then ends or stalls for ever (a client that
//! stopped sending mid-body). `E` is the error type the adapter's body wants.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame};

#[derive(Debug)]
pub(crate) struct Trickle<E> {
    chunks: VecDeque<Bytes>,
    stall: bool,
    error: PhantomData<fn() -> E>,
}

impl<E> Trickle<E> {
    pub(crate) fn new(chunks: Vec<Bytes>, stall: bool) -> Self {
        Self {
            chunks: chunks.into(),
            stall,
            error: PhantomData,
        }
    }
}

impl<E> Body for Trickle<E> {
    type Data = Bytes;
    type Error = E;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, E>>> {
        match self.chunks.pop_front() {
            Some(chunk) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
            // Never woken: only the body deadline ends the wait.
            None if self.stall => Poll::Pending,
            None => Poll::Ready(None),
        }
    }
}
