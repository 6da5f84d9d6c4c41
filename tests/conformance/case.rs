//! A case of the table: the endpoint to serve, the requests to send one after the other
//! (each with what must come back), and what the handler must have seen at the end.

use std::time::Duration;

use http::Method;

use crate::expect::{Answer, Expect};
use crate::routed::Routed;
use crate::support::Headers;
use crate::support::harness::Spec;

/// Concurrent copies of one new event in the exactly-once case.
pub(crate) const COPIES: usize = 200;
/// How long redeliveries may take to be handled after a panic or a disconnect (the
/// release runs in a spawned task).
pub(crate) const RELEASE_WITHIN: Duration = Duration::from_secs(2);

/// A request to send.
#[derive(Debug, Clone)]
pub(crate) enum Request {
    /// A POST by reqwest, with `Content-Length`.
    Post { headers: Headers, body: Vec<u8> },
    /// A POST by the hand-written client with `Transfer-Encoding: chunked`.
    Chunked {
        headers: Headers,
        chunks: Vec<Vec<u8>>,
    },
    /// A head announcing `declared` bytes, then only `sent`; the rest never comes.
    Declared {
        headers: Headers,
        declared: usize,
        sent: Vec<u8>,
    },
    /// `COPIES` copies of one POST at the same time.
    Concurrent { headers: Headers, body: Vec<u8> },
    /// A POST whose client gives up after `after` (and goes away).
    GiveUp {
        headers: Headers,
        body: Vec<u8>,
        after: Duration,
    },
    /// The same POST again until it is answered 2xx (copies answered 409 while a dropped
    /// reservation is being released are sent again), for up to `RELEASE_WITHIN`.
    UntilHandled { headers: Headers, body: Vec<u8> },
    /// A request by reqwest with `method` to `target` (path and query, sent as written)
    /// of the server, with `Content-Length` when there is a body.
    To {
        method: Method,
        target: String,
        headers: Headers,
        body: Vec<u8>,
    },
}

pub(crate) fn post(headers: Headers, body: &[u8]) -> Request {
    Request::Post {
        headers,
        body: body.to_vec(),
    }
}

/// A request with `method` to `target` (path and query) with `headers` and `body`.
pub(crate) fn send(method: Method, target: &str, headers: Headers, body: &[u8]) -> Request {
    Request::To {
        method,
        target: target.to_owned(),
        headers,
        body: body.to_vec(),
    }
}

/// A `GET` of `target` (path and query) with `headers` and no body.
pub(crate) fn get(target: &str, headers: Headers) -> Request {
    send(Method::GET, target, headers, b"")
}

/// A `POST` of `body` to `target` (path and query) with `headers`.
pub(crate) fn post_to(target: &str, headers: Headers, body: &[u8]) -> Request {
    send(Method::POST, target, headers, body)
}

/// What a case serves.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Serve {
    /// One of `support::harness`'s endpoints, on `POST /hook`.
    Spec(Spec),
    /// A preset endpoint on any method and any path, with the verifier's public URL
    /// settings (`routed.rs`).
    Routed(Routed),
}

impl From<Spec> for Serve {
    fn from(spec: Spec) -> Self {
        Self::Spec(spec)
    }
}

impl From<Routed> for Serve {
    fn from(routed: Routed) -> Self {
        Self::Routed(routed)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) send: Request,
    pub(crate) expect: Expect,
}

/// One case of the table.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) serve: Serve,
    pub(crate) steps: Vec<Step>,
    /// Handler runs once every step is done.
    pub(crate) runs: usize,
    /// The exact bodies the handler got, in order, when checked.
    pub(crate) bodies: Option<Vec<Vec<u8>>>,
}

impl Case {
    pub(crate) fn new(name: impl Into<String>, serve: impl Into<Serve>) -> Self {
        Self {
            name: name.into(),
            serve: serve.into(),
            steps: Vec::new(),
            runs: 0,
            bodies: None,
        }
    }

    pub(crate) fn step(mut self, send: Request, expect: Expect) -> Self {
        self.steps.push(Step { send, expect });
        self
    }

    pub(crate) fn answers(self, send: Request, answer: Answer) -> Self {
        self.step(send, Expect::Answer(answer))
    }

    pub(crate) fn runs(mut self, runs: usize) -> Self {
        self.runs = runs;
        self
    }

    pub(crate) fn bodies(mut self, bodies: &[&[u8]]) -> Self {
        self.bodies = Some(bodies.iter().map(|b| b.to_vec()).collect());
        self
    }
}
