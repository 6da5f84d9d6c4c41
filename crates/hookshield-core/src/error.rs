//! Errors: what a request was refused for ([`VerifyError`]), and what a configuration got
//! wrong ([`ConfigError`]).

use std::fmt;

/// The rows of hookshield's rejection table: each kind has one error code and one HTTP
/// status, the same in every adapter.
///
/// | kind | status | code |
/// | --- | --- | --- |
/// | [`PayloadTooLarge`](Self::PayloadTooLarge) | 413 | `payload_too_large` |
/// | [`BodyTimeout`](Self::BodyTimeout) | 408 | `body_timeout` |
/// | [`MissingHeader`](Self::MissingHeader) | 401 | `missing_header` |
/// | [`MalformedHeader`](Self::MalformedHeader) | 400 | `malformed_header` |
/// | [`SignatureMismatch`](Self::SignatureMismatch) | 401 | `signature_mismatch` |
/// | [`TimestampOutOfWindow`](Self::TimestampOutOfWindow) | 401 | `timestamp_out_of_window` |
/// | [`DuplicateInFlight`](Self::DuplicateInFlight) | 409 | `duplicate_in_flight` |
/// | [`ReplayStoreUnavailable`](Self::ReplayStoreUnavailable) | 503 | `replay_store_unavailable` |
///
/// A duplicate of an event that was already handled is not an error: the replay guard
/// answers it with 200 and `{"duplicate":true}`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The body is larger than the configured limit.
    PayloadTooLarge,
    /// The body was not received in full before the body deadline.
    BodyTimeout,
    /// A signature, timestamp or event-id header (or body field) is absent.
    MissingHeader,
    /// A header is present but cannot be read (bad encoding, repeated, too long, …), or the
    /// body is not the JSON the scheme needs to find the event id in, or could not be read.
    MalformedHeader,
    /// No signature in the request matches any active secret.
    SignatureMismatch,
    /// The signed timestamp is too old or too far in the future.
    TimestampOutOfWindow,
    /// The same event is being handled right now by another request.
    DuplicateInFlight,
    /// The replay store could not be reached.
    ReplayStoreUnavailable,
}

impl ErrorKind {
    /// The short machine-readable code sent in the JSON body: `{"error":"<code>"}`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::PayloadTooLarge => "payload_too_large",
            Self::BodyTimeout => "body_timeout",
            Self::MissingHeader => "missing_header",
            Self::MalformedHeader => "malformed_header",
            Self::SignatureMismatch => "signature_mismatch",
            Self::TimestampOutOfWindow => "timestamp_out_of_window",
            Self::DuplicateInFlight => "duplicate_in_flight",
            Self::ReplayStoreUnavailable => "replay_store_unavailable",
        }
    }

    /// The HTTP status code to answer with.
    pub const fn status(self) -> u16 {
        match self {
            Self::PayloadTooLarge => 413,
            Self::BodyTimeout => 408,
            Self::MissingHeader | Self::SignatureMismatch | Self::TimestampOutOfWindow => 401,
            Self::MalformedHeader => 400,
            Self::DuplicateInFlight => 409,
            Self::ReplayStoreUnavailable => 503,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why exactly a request was refused: finer than [`ErrorKind`], for logs and custom
/// rejection responders. Never carries a secret, a computed MAC or the payload.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The body is larger than the configured limit.
    BodyTooLarge,
    /// The body could not be read to its end (the client went away mid-body).
    BodyUnreadable,
    /// The body was not received in full before the deadline (a stalled or slow client).
    BodyTimeout,
    /// The signature header is absent.
    MissingSignature,
    /// The timestamp header, signature parameter or body field is absent.
    MissingTimestamp,
    /// The event-id header or body field is absent and the scheme requires it.
    MissingId,
    /// A header that must appear once appears several times.
    RepeatedHeader,
    /// A header value is longer than hookshield reads (8 KiB).
    HeaderTooLong,
    /// The signature is not valid hex/base64, or has the wrong length for the algorithm.
    SignatureEncoding,
    /// The signature header does not have the scheme's layout (prefix, `k=v` list, …).
    SignatureSyntax,
    /// The signature header lists more signatures than hookshield compares (32).
    TooManySignatures,
    /// The timestamp is not a plain unsigned decimal integer that fits in 64 bits.
    TimestampSyntax,
    /// The event id is empty, too long (over 256 bytes), not UTF-8 or has control characters.
    IdSyntax,
    /// The scheme reads a field of the JSON body, and the body is not a JSON object.
    BodyNotJson,
    /// The JSON body field holding the event id or timestamp is not a string or an integer.
    BodyFieldType,
    /// The signature header holds no signature of a version this scheme accepts.
    NoSupportedSignature,
    /// No signature matches any active secret.
    SignatureMismatch,
    /// The timestamp is older than the past tolerance allows.
    TimestampTooOld,
    /// The timestamp is further in the future than the clock-skew tolerance allows.
    TimestampTooNew,
    /// The same event is being handled right now.
    DuplicateInFlight,
    /// The replay store could not be reached or answered with an error.
    StoreUnavailable,
}

impl Reason {
    /// The rejection-table row this reason belongs to.
    pub const fn kind(self) -> ErrorKind {
        match self {
            Self::BodyTooLarge => ErrorKind::PayloadTooLarge,
            Self::BodyTimeout => ErrorKind::BodyTimeout,
            Self::MissingSignature | Self::MissingTimestamp | Self::MissingId => {
                ErrorKind::MissingHeader
            }
            Self::RepeatedHeader
            | Self::HeaderTooLong
            | Self::SignatureEncoding
            | Self::SignatureSyntax
            | Self::TooManySignatures
            | Self::TimestampSyntax
            | Self::IdSyntax
            | Self::BodyNotJson
            | Self::BodyFieldType
            | Self::BodyUnreadable => ErrorKind::MalformedHeader,
            Self::NoSupportedSignature | Self::SignatureMismatch => ErrorKind::SignatureMismatch,
            Self::TimestampTooOld | Self::TimestampTooNew => ErrorKind::TimestampOutOfWindow,
            Self::DuplicateInFlight => ErrorKind::DuplicateInFlight,
            Self::StoreUnavailable => ErrorKind::ReplayStoreUnavailable,
        }
    }

    const fn text(self) -> &'static str {
        match self {
            Self::BodyTooLarge => "the body is larger than the limit",
            Self::BodyUnreadable => "the body could not be read",
            Self::BodyTimeout => "the body was not received before the deadline",
            Self::MissingSignature => "the signature header is missing",
            Self::MissingTimestamp => "the timestamp is missing",
            Self::MissingId => "the event id is missing",
            Self::RepeatedHeader => "a header that must appear once is repeated",
            Self::HeaderTooLong => "a header value is too long",
            Self::SignatureEncoding => "the signature is not correctly encoded for the scheme",
            Self::SignatureSyntax => "the signature header does not have the scheme's layout",
            Self::TooManySignatures => "the signature header lists too many signatures",
            Self::TimestampSyntax => "the timestamp is not an unsigned integer",
            Self::IdSyntax => "the event id is empty, too long or not printable text",
            Self::BodyNotJson => "the body is not a JSON object",
            Self::BodyFieldType => "the JSON body field is not a string or an integer",
            Self::NoSupportedSignature => "no signature of a supported version is present",
            Self::SignatureMismatch => "no signature matches an active secret",
            Self::TimestampTooOld => "the timestamp is too old",
            Self::TimestampTooNew => "the timestamp is too far in the future",
            Self::DuplicateInFlight => "the same event is being handled right now",
            Self::StoreUnavailable => "the replay store is unavailable",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// A refused request. Cheap to create and copy; holds no request data at all.
///
/// ```
/// use hookshield_core::{ErrorKind, Reason, VerifyError};
///
/// let err = VerifyError::new(Reason::TimestampTooOld);
/// assert_eq!(err.kind(), ErrorKind::TimestampOutOfWindow);
/// assert_eq!((err.status(), err.code()), (401, "timestamp_out_of_window"));
/// assert_eq!(err.to_string(), "timestamp_out_of_window: the timestamp is too old");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyError {
    reason: Reason,
}

impl VerifyError {
    /// An error for `reason`; adapters use it for the rows they detect themselves (body
    /// limit, replay guard).
    pub const fn new(reason: Reason) -> Self {
        Self { reason }
    }

    /// The rejection-table row.
    pub const fn kind(&self) -> ErrorKind {
        self.reason.kind()
    }

    /// The detailed reason.
    pub const fn reason(&self) -> Reason {
        self.reason
    }

    /// Shorthand for `self.kind().code()`.
    pub const fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// Shorthand for `self.kind().status()`.
    pub const fn status(&self) -> u16 {
        self.kind().status()
    }

    /// The response body every adapter sends: `{"error":"<code>"}`.
    pub fn json_body(&self) -> String {
        format!(r#"{{"error":"{}"}}"#, self.code())
    }

    /// Whether the answer carries `Retry-After`: the provider should come back later
    /// (409 duplicate in flight, 503 replay store unavailable).
    pub const fn wants_retry_after(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::DuplicateInFlight | ErrorKind::ReplayStoreUnavailable
        )
    }
}

/// The response body every adapter sends for a copy of an event already handled.
pub const DUPLICATE_BODY: &str = r#"{"duplicate":true}"#;

impl From<Reason> for VerifyError {
    fn from(reason: Reason) -> Self {
        Self::new(reason)
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.reason)
    }
}

impl std::error::Error for VerifyError {}

/// A mistake in a scheme, verifier or signer configuration, reported when it is built,
/// never at request time. Never contains secret material.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A secret with no bytes would let anyone sign.
    #[error("the secret is empty")]
    EmptySecret,
    /// A secret of only white space (spaces, tabs, newlines): a key anyone can guess,
    /// usually a variable or file that was meant to hold the secret and holds none.
    #[error("the secret is blank (only white space)")]
    BlankSecret,
    /// The secret text is not in the encoding the scheme expects (e.g. base64 after `whsec_`).
    #[error("the secret is not in the expected encoding")]
    SecretEncoding,
    /// A verifier or signer needs at least one secret.
    #[error("no secret was configured")]
    NoSecret,
    /// More secrets than a verifier tries per request (16).
    #[error("too many secrets: at most 16 are active at once")]
    TooManySecrets,
    /// The scheme name is empty.
    #[error("the scheme name is empty")]
    EmptyName,
    /// The scheme name is longer than 128 bytes or not printable ASCII without spaces.
    #[error("the scheme name must be at most 128 printable ASCII characters, without spaces")]
    InvalidName,
    /// A header name is not a valid HTTP header name.
    #[error("invalid header name {0:?}")]
    InvalidHeaderName(String),
    /// A JSON field name or signature parameter key is empty.
    #[error("a field name or signature key is empty")]
    EmptyField,
    /// The signed-content template cannot be used.
    #[error("invalid signed-content template: {0}")]
    Template(&'static str),
    /// The signature header layout cannot be used.
    #[error("invalid signature layout: {0}")]
    Layout(&'static str),
    /// The parts of the scheme do not fit together.
    #[error("inconsistent scheme: {0}")]
    Inconsistent(&'static str),
    /// An id given to the signer cannot be sent as a header value.
    #[error("the event id is empty, too long or not printable text")]
    InvalidId,
    /// The replay TTL is shorter than the timestamp window's span (past + future
    /// tolerance): a signed request could be accepted again after its id was forgotten.
    #[error(
        "the replay TTL ({ttl:?}) is shorter than the timestamp window it must cover ({window:?})"
    )]
    TtlShorterThanWindow {
        /// The TTL asked for.
        ttl: std::time::Duration,
        /// The window's span: the shortest TTL allowed.
        window: std::time::Duration,
    },
    /// A replay TTL of zero remembers nothing: every copy would run.
    #[error("the replay TTL is zero: nothing would be remembered")]
    ZeroTtl,
    /// A body budget of zero bytes would never read a body.
    #[error("the body budget is zero")]
    ZeroBodyBudget,
    /// A body deadline of zero refuses every request.
    #[error("the body timeout is zero")]
    ZeroBodyTimeout,
    /// A replay namespace must be 1 to 128 printable ASCII characters, without spaces.
    #[error("the replay namespace must be 1 to 128 printable ASCII characters, without spaces")]
    InvalidNamespace,
    /// No preset has this name.
    #[error(
        "unknown preset {0:?} (known: civo, hcp, shared-token, github, stripe, slack, shopify, standard-webhooks)"
    )]
    UnknownPreset(String),
}
