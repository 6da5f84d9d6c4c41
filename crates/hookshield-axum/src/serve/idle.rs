//! [`IdleIo`]: a socket that fails its reads once the connection has been idle too long.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use super::connection::Requests;

/// The connection's socket, failing its reads with [`io::ErrorKind::TimedOut`] once no
/// byte went either way for `timeout` while no request was being handled.
#[derive(Debug)]
pub(super) struct IdleIo {
    stream: TcpStream,
    timeout: Duration,
    /// The last byte received or sent, or the last answer made ready.
    last: Instant,
    /// `Requests::answered` as of `last`.
    answered: usize,
    requests: Arc<Requests>,
    /// Set to `last + timeout` when polled; not reset on every byte.
    sleep: Pin<Box<Sleep>>,
}

impl IdleIo {
    pub(super) fn new(stream: TcpStream, timeout: Duration, requests: Arc<Requests>) -> Self {
        let now = Instant::now();
        Self {
            stream,
            timeout,
            last: now,
            answered: 0,
            requests,
            sleep: Box::pin(tokio::time::sleep_until(now)),
        }
    }

    /// Passes a write's outcome on, counting a byte sent as activity.
    fn wrote(&mut self, written: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.last = Instant::now();
        }
        written
    }

    /// Whether the connection has been idle for too long. Registers `cx` for the moment
    /// it will have been, when that is still to come.
    fn idle_for_too_long(&mut self, cx: &mut Context<'_>) -> bool {
        if self.requests.in_hand.load(Ordering::Acquire) > 0 {
            // Handling a request is not idle; its answer wakes the connection anyway.
            return false;
        }
        let answered = self.requests.answered.load(Ordering::Acquire);
        if answered != self.answered {
            // An answer was made ready since we last looked: the idle time starts there.
            self.answered = answered;
            self.last = Instant::now();
        }
        let Some(deadline) = self.last.checked_add(self.timeout) else {
            return false;
        };
        if self.sleep.deadline() != deadline {
            self.sleep.as_mut().reset(deadline);
        }
        self.sleep.as_mut().poll(cx).is_ready()
    }
}

impl AsyncRead for IdleIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() != before {
                    this.last = Instant::now();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if this.idle_for_too_long(cx) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection idle for too long",
            ))),
            other => other,
        }
    }
}

impl AsyncWrite for IdleIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.wrote(written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.wrote(written)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
