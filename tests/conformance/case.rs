//! A case of the table: the endpoint to serve, the requests to send one after the other
//! (each with what must come back), and what the handler must have seen at the end.

use std::time::Duration;

use crate::expect::{Answer, Expect};
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
}

pub(crate) fn post(headers: Headers, body: &[u8]) -> Request {
    Request::Post {
        headers,
        body: body.to_vec(),
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
    pub(crate) spec: Spec,
    pub(crate) steps: Vec<Step>,
    /// Handler runs once every step is done.
    pub(crate) runs: usize,
    /// The exact bodies the handler got, in order, when checked.
    pub(crate) bodies: Option<Vec<Vec<u8>>>,
}

impl Case {
    pub(crate) fn new(name: impl Into<String>, spec: Spec) -> Self {
        Self {
            name: name.into(),
            spec,
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
