//! What a step expects and what came back: exact answers (status, `Content-Type`,
//! `Retry-After`, `X-Content-Type-Options`, body), the answers the table uses, and how an
//! observation is judged.

use std::fmt;

use crate::case::COPIES;
use crate::support::harness::TEXT;
use crate::support::{RawReply, Reply};

/// The header every handshake answer carries, and no other answer.
const NOSNIFF: &str = "x-content-type-options";

/// An answer, exactly: status, `Content-Type`, `Retry-After` and `X-Content-Type-Options`
/// (`None`: absent) and body.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    nosniff: Option<String>,
    body: Vec<u8>,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} content-type={:?} retry-after={:?} x-content-type-options={:?} body={:?}",
            self.status,
            self.content_type,
            self.retry_after,
            self.nosniff,
            String::from_utf8_lossy(&self.body)
        )
    }
}

impl Answer {
    pub(crate) fn new(
        status: u16,
        content_type: &str,
        retry_after: Option<&str>,
        body: &[u8],
    ) -> Self {
        Self {
            status,
            content_type: Some(content_type.to_owned()),
            retry_after: retry_after.map(str::to_owned),
            nosniff: None,
            body: body.to_vec(),
        }
    }

    /// The same answer with `X-Content-Type-Options: nosniff`, as handshakes are answered.
    pub(crate) fn nosniff(self) -> Self {
        Self {
            nosniff: Some("nosniff".to_owned()),
            ..self
        }
    }

    pub(crate) fn from_reply(reply: &Reply) -> Self {
        Self {
            status: reply.status,
            content_type: reply.header("content-type").map(str::to_owned),
            retry_after: reply.header("retry-after").map(str::to_owned),
            nosniff: reply.header(NOSNIFF).map(str::to_owned),
            body: reply.body.to_vec(),
        }
    }

    pub(crate) fn from_raw(reply: &RawReply) -> Self {
        Self {
            status: reply.status,
            content_type: reply.header("content-type").map(str::to_owned),
            retry_after: reply.header("retry-after").map(str::to_owned),
            nosniff: reply.header(NOSNIFF).map(str::to_owned),
            body: reply.body.clone(),
        }
    }
}

/// The handler's 202 `handled`.
pub(crate) fn handled() -> Answer {
    Answer::new(202, TEXT, None, b"handled")
}

/// The handler's 500 `try again` (`Behaviour::FailFirst`).
pub(crate) fn handler_failed() -> Answer {
    Answer::new(500, TEXT, None, b"try again")
}

/// A row of the rejection table: `{"error":"<code>"}` as JSON, no `Retry-After`.
pub(crate) fn rejected(status: u16, code: &str) -> Answer {
    let body = format!(r#"{{"error":"{code}"}}"#);
    Answer::new(status, "application/json", None, body.as_bytes())
}

/// A rejection that carries the default `Retry-After: 10` (409 and 503).
pub(crate) fn rejected_retry_after(status: u16, code: &str) -> Answer {
    Answer {
        retry_after: Some("10".to_owned()),
        ..rejected(status, code)
    }
}

/// 409 `duplicate_in_flight` + `Retry-After`.
pub(crate) fn in_flight() -> Answer {
    rejected_retry_after(409, "duplicate_in_flight")
}

/// 200 `{"duplicate":true}`.
pub(crate) fn duplicate() -> Answer {
    Answer::new(200, "application/json", None, br#"{"duplicate":true}"#)
}

/// A handshake answered with its challenge as text: 200, `TEXT`, `nosniff`.
pub(crate) fn challenge_text(challenge: &str) -> Answer {
    Answer::new(200, TEXT, None, challenge.as_bytes()).nosniff()
}

/// A handshake answered with JSON: 200, `application/json`, `nosniff`.
pub(crate) fn challenge_json(body: &str) -> Answer {
    Answer::new(200, "application/json", None, body.as_bytes()).nosniff()
}

/// What must come back.
#[derive(Debug, Clone)]
pub(crate) enum Expect {
    /// Exactly this answer.
    Answer(Answer),
    /// Of the concurrent copies, exactly one gets the handler's answer; every other one is
    /// 409 `duplicate_in_flight` + `Retry-After` (at least one, or the copies did not
    /// overlap) or 200 `{"duplicate":true}`.
    OnceThenDuplicates,
    /// The handler panicked: the framework answers 500 or drops the connection (how a
    /// panic is answered is the framework's business, not hookshield's).
    Crashed,
    /// The client gave up waiting.
    GaveUp,
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Observed {
    Answer(Answer),
    /// No answer: the client's error.
    NoAnswer(String),
    /// The tally of `COPIES` concurrent copies.
    Concurrent {
        handled: usize,
        in_flight: usize,
        duplicates: usize,
        others: Vec<Answer>,
    },
    /// The request task panicked (e.g. the raw client got no answer in time).
    Failed(String),
}

/// Whether what came back is what the step expects.
pub(crate) fn matches(expect: &Expect, observed: &Observed) -> bool {
    match (expect, observed) {
        (Expect::Answer(expected), Observed::Answer(answer)) => expected == answer,
        (
            Expect::OnceThenDuplicates,
            Observed::Concurrent {
                handled,
                in_flight,
                duplicates,
                others,
            },
        ) => {
            *handled == 1
                && *in_flight > 0
                && handled + in_flight + duplicates == COPIES
                && others.is_empty()
        }
        (Expect::Crashed, Observed::Answer(answer)) => answer.status == 500,
        (Expect::Crashed, Observed::NoAnswer(_)) => true,
        (Expect::GaveUp, Observed::NoAnswer(error)) => error == "timeout",
        _ => false,
    }
}
