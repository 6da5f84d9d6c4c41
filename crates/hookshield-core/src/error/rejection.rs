//! [`Rejection`]: the one model of an answer an adapter gives instead of running the
//! handler, and the `tracing` event every refusal emits.

use std::fmt;
use std::sync::Arc;

use crate::error::verify_error::error_body;
use crate::error::{ErrorKind, VerifyError};
use crate::scheme::handshake::HandshakeReply;

/// The `tracing` target of the event every refusal emits.
pub const REJECTION_TARGET: &str = "hookshield::rejection";

/// Why an adapter answered a request itself instead of handing it to the handler: a row
/// of the rejection table ([`VerifyError`]), the provider's handshake, or an extractor's
/// own refusal. Every adapter answers it the same way ([`status`](Self::status),
/// [`content_type`](Self::content_type), [`body`](Self::body), `Retry-After` when
/// [`wants_retry_after`](Self::wants_retry_after)) and attaches it to the response's
/// extensions, so a logging or metrics layer outside can read why:
///
/// ```
/// use hookshield_core::{Reason, Rejection, VerifyError};
///
/// let rejection = Rejection::from(VerifyError::new(Reason::TimestampTooOld));
/// assert_eq!((rejection.status(), rejection.code()), (401, "timestamp_out_of_window"));
/// assert_eq!(rejection.body(), r#"{"error":"timestamp_out_of_window"}"#);
/// // The message is said once: the source chain does not repeat it.
/// assert_eq!(rejection.to_string(), "timestamp_out_of_window: the timestamp is too old");
/// assert!(std::error::Error::source(&rejection).is_none());
/// ```
///
/// It holds no secret, no signature and no byte of the body.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum Rejection {
    /// A row of the rejection table: the request failed verification, its body was too
    /// large, late or unreadable, or the replay guard refused it.
    Verify(VerifyError),
    /// Not a refusal: the provider's handshake, answered with its reply (the handler does
    /// not run and nothing is remembered).
    Handshake(HandshakeReply),
    /// The verified body is not the JSON an extractor expected: 400 `invalid_json`.
    InvalidJson(Arc<serde_json::Error>),
    /// An extractor found neither a layer's (middleware's) verification nor, for
    /// `Standalone`, a verifier to verify with: 500 `webhook_not_configured`, a bug in
    /// the app's wiring.
    NotConfigured,
}

impl Rejection {
    /// An extractor's refusal of a verified body that is not the expected JSON; emits
    /// the rejection event.
    pub fn invalid_json(error: serde_json::Error) -> Self {
        let rejection = Self::InvalidJson(Arc::new(error));
        rejection.record();
        rejection
    }

    /// An extractor used without what it needs; logged at error level, as it is a bug in
    /// the app's wiring.
    pub fn not_configured() -> Self {
        let rejection = Self::NotConfigured;
        rejection.record();
        rejection
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Self::Verify(error) => error.status(),
            Self::Handshake(reply) => reply.status(),
            Self::InvalidJson(_) => 400,
            Self::NotConfigured => 500,
        }
    }

    /// The stable machine-readable code: the rejection table's, `invalid_json`,
    /// `webhook_not_configured`, or `handshake`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Verify(error) => error.code(),
            Self::Handshake(_) => "handshake",
            Self::InvalidJson(_) => "invalid_json",
            Self::NotConfigured => "webhook_not_configured",
        }
    }

    /// The `Content-Type` of the answer.
    pub fn content_type(&self) -> &'static str {
        match self {
            Self::Handshake(reply) => reply.content_type(),
            _ => "application/json",
        }
    }

    /// The body of the answer: `{"error":"<code>"}`, or the handshake's reply.
    pub fn body(&self) -> String {
        match self {
            Self::Handshake(reply) => reply.body().to_owned(),
            _ => error_body(self.code()),
        }
    }

    /// Headers the answer carries besides `Content-Type` and `Retry-After`: a handshake's
    /// ([`HandshakeReply::headers`]), none otherwise.
    pub fn headers(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Handshake(reply) => reply.headers(),
            _ => &[],
        }
    }

    /// A header echoed back to the provider ([`HandshakeReply::echo_header`]: Asana's
    /// `X-Hook-Secret`), besides [`headers`](Self::headers).
    pub fn echo_header(&self) -> Option<(&'static str, &str)> {
        match self {
            Self::Handshake(reply) => reply.echo_header(),
            _ => None,
        }
    }

    /// Whether the answer carries `Retry-After` (409 and 503: come back later).
    pub fn wants_retry_after(&self) -> bool {
        matches!(self, Self::Verify(error) if error.wants_retry_after())
    }

    /// The rejection-table error, when it is one.
    pub fn verify_error(&self) -> Option<VerifyError> {
        match self {
            Self::Verify(error) => Some(*error),
            _ => None,
        }
    }

    /// The event of an extractor's own refusal, which no scheme has reached (`scheme` is
    /// `-`).
    fn record(&self) {
        let (scheme, code, status) = ("-", self.code(), self.status());
        if matches!(self, Self::NotConfigured) {
            tracing::error!(target: REJECTION_TARGET, scheme, code, status, "{self}");
        } else {
            tracing::debug!(target: REJECTION_TARGET, scheme, code, status, "{self}");
        }
    }
}

impl VerifyError {
    /// Emits the rejection event of this error (target [`REJECTION_TARGET`], fields
    /// `scheme`, `code`, `status`, `reason`): at `warn` level when the replay store is
    /// unavailable (the receiver's own trouble), at `debug` level otherwise (refusals are
    /// ordinary traffic on a public endpoint).
    pub(crate) fn record(&self, scheme: &str) {
        let (code, status, reason) = (self.code(), self.status(), self.reason());
        if self.kind() == ErrorKind::NotConfigured {
            tracing::error!(target: REJECTION_TARGET, scheme, code, status, %reason, "webhook refused: the receiver is not configured for this scheme");
        } else if self.kind() == ErrorKind::ReplayStoreUnavailable {
            tracing::warn!(target: REJECTION_TARGET, scheme, code, status, %reason, "webhook refused");
        } else {
            tracing::debug!(target: REJECTION_TARGET, scheme, code, status, %reason, "webhook refused");
        }
    }
}

impl From<VerifyError> for Rejection {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(error) => fmt::Display::fmt(error, f),
            Self::Handshake(reply) => write!(f, "provider handshake {:?}", reply.handshake()),
            Self::InvalidJson(_) => f.write_str("invalid_json: the verified body is not the expected JSON"),
            Self::NotConfigured => f.write_str(
                "webhook_not_configured: no layer or middleware verified the request, and no verifier is configured for Standalone",
            ),
        }
    }
}

impl std::error::Error for Rejection {
    /// The cause, said once: a [`VerifyError`]'s message is this rejection's own, so it
    /// is not repeated as a source; the JSON error is.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidJson(error) => Some(&**error),
            _ => None,
        }
    }
}
