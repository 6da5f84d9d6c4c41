//! [`VerifyError`]: why a request was refused, as a row of the rejection table
//! ([`ErrorKind`]) and a finer [`Reason`].

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
/// | [`MalformedBody`](Self::MalformedBody) | 400 | `malformed_body` |
/// | [`MissingEventId`](Self::MissingEventId) | 400 | `missing_event_id` |
/// | [`DuplicateInFlight`](Self::DuplicateInFlight) | 409 | `duplicate_in_flight` |
/// | [`ReplayStoreUnavailable`](Self::ReplayStoreUnavailable) | 503 | `replay_store_unavailable` |
/// | [`ChallengeRefused`](Self::ChallengeRefused) | 403 | `challenge_refused` |
/// | [`NotConfigured`](Self::NotConfigured) | 500 | `webhook_not_configured` |
/// | [`KeyUnavailable`](Self::KeyUnavailable) | 503 | `key_unavailable` |
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
    /// A header is present but cannot be read (bad encoding, repeated, too long, …).
    MalformedHeader,
    /// No signature in the request matches any active secret.
    SignatureMismatch,
    /// The signed timestamp is too old or too far in the future.
    TimestampOutOfWindow,
    /// The body could not be read to its end, or (signed and verified) it is not the JSON
    /// the scheme reads its event id or timestamp from.
    MalformedBody,
    /// The verified JSON body lacks the field the scheme takes the event id from.
    MissingEventId,
    /// The same event is being handled right now by another request.
    DuplicateInFlight,
    /// The replay store could not be reached.
    ReplayStoreUnavailable,
    /// A provider's unsigned endpoint challenge (a `GET` with a verify token) whose token
    /// does not match, or that no token is configured to answer.
    ChallengeRefused,
    /// The receiver cannot verify this scheme as configured: it signs the request's URL or
    /// method and they were not passed, or no public URL is known. A bug in the app's
    /// wiring, not in the request.
    NotConfigured,
    /// No key could be had for this request: the [`KeyResolver`](crate::KeyResolver) (a
    /// key server, a database) failed or did not answer before its deadline. Answered 503
    /// with `Retry-After`, so the provider retries; nothing was verified or remembered.
    KeyUnavailable,
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
            Self::MalformedBody => "malformed_body",
            Self::MissingEventId => "missing_event_id",
            Self::DuplicateInFlight => "duplicate_in_flight",
            Self::ReplayStoreUnavailable => "replay_store_unavailable",
            Self::ChallengeRefused => "challenge_refused",
            Self::NotConfigured => "webhook_not_configured",
            Self::KeyUnavailable => "key_unavailable",
        }
    }

    /// The HTTP status code to answer with.
    pub const fn status(self) -> u16 {
        match self {
            Self::PayloadTooLarge => 413,
            Self::BodyTimeout => 408,
            Self::MissingHeader | Self::SignatureMismatch | Self::TimestampOutOfWindow => 401,
            Self::MalformedHeader | Self::MalformedBody | Self::MissingEventId => 400,
            Self::DuplicateInFlight => 409,
            Self::ReplayStoreUnavailable | Self::KeyUnavailable => 503,
            Self::ChallengeRefused => 403,
            Self::NotConfigured => 500,
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
    /// The timestamp header or signature parameter is absent.
    MissingTimestamp,
    /// The event-id header is absent and the scheme requires it.
    MissingId,
    /// The JSON body field holding the event id is absent and the scheme requires it.
    MissingIdField,
    /// The JSON body field holding the timestamp is absent.
    MissingTimestampField,
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
    /// The timestamp is not written as the scheme says: a plain unsigned decimal integer
    /// that fits in 64 bits, or an RFC 3339 date-time.
    TimestampSyntax,
    /// The event id is empty, too long (over 256 bytes), not UTF-8 or has control characters.
    IdSyntax,
    /// The scheme reads a field of the JSON body, and the body is not a JSON object.
    BodyNotJson,
    /// The JSON body field holding the event id or timestamp is not a string or an integer.
    BodyFieldType,
    /// The event id in the JSON body is empty, too long (over 256 bytes) or has control
    /// characters.
    BodyIdSyntax,
    /// The timestamp in the JSON body is not written as the scheme says (an unsigned
    /// integer that fits in 64 bits, or an RFC 3339 date-time).
    BodyTimestampSyntax,
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
    /// A forwarded header the receiver was told to trust (`Forwarded`, `X-Forwarded-*`) or
    /// `Host` holds no usable scheme, host, port or prefix, or is repeated; or none of them
    /// names the host.
    ForwardedSyntax,
    /// The scheme signs form fields and the body is not a form hookshield reads (too many
    /// fields).
    FormSyntax,
    /// The query's body hash (Twilio's `bodySHA256`) does not match the body.
    BodyHashMismatch,
    /// A verification challenge's token does not match the configured one.
    ChallengeTokenMismatch,
    /// A verification challenge arrived and no token is configured to answer it.
    NoChallengeToken,
    /// A verification challenge's value is empty, too long, repeated or not plain text.
    ChallengeSyntax,
    /// The scheme signs the request's URL or method and the request was verified without
    /// them (`Verifier::verify` instead of `Verifier::verify_request`).
    NoRequestContext,
    /// The scheme signs the request's URL, no public URL is configured and no trusted
    /// forwarded header or `Host` gives one.
    NoPublicUrl,
    /// The key resolver knows no key for this request (an unknown tenant or key id).
    UnknownKey,
    /// The key resolver failed or missed its deadline, and no cached key could stand in.
    KeyUnavailable,
    /// The key resolver returned keys built for another scheme: a wiring mistake.
    ForeignKeys,
    /// A signed token (Plaid's JWT) is not a compact JWS of the expected algorithm, or
    /// its claims cannot be read.
    TokenSyntax,
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
            | Self::IdSyntax => ErrorKind::MalformedHeader,
            Self::BodyUnreadable
            | Self::BodyNotJson
            | Self::BodyFieldType
            | Self::BodyIdSyntax
            | Self::BodyTimestampSyntax
            | Self::MissingTimestampField => ErrorKind::MalformedBody,
            Self::MissingIdField => ErrorKind::MissingEventId,
            Self::NoSupportedSignature | Self::SignatureMismatch => ErrorKind::SignatureMismatch,
            Self::TimestampTooOld | Self::TimestampTooNew => ErrorKind::TimestampOutOfWindow,
            Self::DuplicateInFlight => ErrorKind::DuplicateInFlight,
            Self::StoreUnavailable => ErrorKind::ReplayStoreUnavailable,
            Self::ForwardedSyntax => ErrorKind::MalformedHeader,
            Self::FormSyntax => ErrorKind::MalformedBody,
            Self::BodyHashMismatch => ErrorKind::SignatureMismatch,
            Self::ChallengeTokenMismatch | Self::NoChallengeToken | Self::ChallengeSyntax => {
                ErrorKind::ChallengeRefused
            }
            Self::NoRequestContext | Self::NoPublicUrl => ErrorKind::NotConfigured,
            Self::UnknownKey => ErrorKind::SignatureMismatch,
            Self::ForeignKeys => ErrorKind::NotConfigured,
            Self::KeyUnavailable => ErrorKind::KeyUnavailable,
            Self::TokenSyntax => ErrorKind::MalformedHeader,
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
            Self::MissingIdField => "the JSON body has no event id field",
            Self::MissingTimestampField => "the JSON body has no timestamp field",
            Self::RepeatedHeader => "a header that must appear once is repeated",
            Self::HeaderTooLong => "a header value is too long",
            Self::SignatureEncoding => "the signature is not correctly encoded for the scheme",
            Self::SignatureSyntax => "the signature header does not have the scheme's layout",
            Self::TooManySignatures => "the signature header lists too many signatures",
            Self::TimestampSyntax => "the timestamp is not written in the scheme's format",
            Self::IdSyntax => "the event id is empty, too long or not printable text",
            Self::BodyNotJson => "the body is not a JSON object",
            Self::BodyFieldType => "the JSON body field is not a string or an integer",
            Self::BodyIdSyntax => {
                "the event id in the body is empty, too long or not printable text"
            }
            Self::BodyTimestampSyntax => {
                "the timestamp in the body is not written in the scheme's format"
            }
            Self::NoSupportedSignature => "no signature of a supported version is present",
            Self::SignatureMismatch => "no signature matches an active secret",
            Self::TimestampTooOld => "the timestamp is too old",
            Self::TimestampTooNew => "the timestamp is too far in the future",
            Self::DuplicateInFlight => "the same event is being handled right now",
            Self::StoreUnavailable => "the replay store is unavailable",
            Self::ForwardedSyntax => {
                "a trusted forwarded header or Host is missing, repeated or cannot be read"
            }
            Self::FormSyntax => "the form body has more fields than are read",
            Self::BodyHashMismatch => {
                "the body's hash the request carries (in its URL or signed token) does not match the body"
            }
            Self::ChallengeTokenMismatch => "the challenge's verify token does not match",
            Self::NoChallengeToken => "no verify token is configured to answer the challenge",
            Self::ChallengeSyntax => {
                "the challenge or its token is missing, repeated, too long or not plain text"
            }
            Self::NoRequestContext => {
                "the scheme signs the request URL or method, and they were not passed"
            }
            Self::NoPublicUrl => "the scheme signs the request URL, and no public URL is known",
            Self::UnknownKey => "no key is known for this request",
            Self::ForeignKeys => "the key resolver returned keys built for another scheme",
            Self::KeyUnavailable => "no key could be had for this request before the deadline",
            Self::TokenSyntax => "the signed token cannot be read",
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
    /// The scheme answers every malformed signature header 401 (Discord).
    malformed_is_unauthorized: bool,
}

impl VerifyError {
    /// An error for `reason`; adapters use it for the rows they detect themselves (body
    /// limit, replay guard).
    pub const fn new(reason: Reason) -> Self {
        Self {
            reason,
            malformed_is_unauthorized: false,
        }
    }

    /// The same error, with a malformed header answered as a signature mismatch (401)
    /// rather than 400, for providers that require a 401 for any request that fails
    /// validation (Discord). The reason is kept.
    pub(crate) const fn malformed_as_unauthorized(mut self) -> Self {
        self.malformed_is_unauthorized = true;
        self
    }

    /// The rejection-table row.
    pub const fn kind(&self) -> ErrorKind {
        match self.reason.kind() {
            ErrorKind::MalformedHeader if self.malformed_is_unauthorized => {
                ErrorKind::SignatureMismatch
            }
            kind => kind,
        }
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
        error_body(self.code())
    }

    /// Whether the answer carries `Retry-After`: the provider should come back later
    /// (409 duplicate in flight, 503 replay store unavailable).
    pub const fn wants_retry_after(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::DuplicateInFlight
                | ErrorKind::ReplayStoreUnavailable
                | ErrorKind::KeyUnavailable
        )
    }
}

/// `{"error":"<code>"}`: the body of every refusal, whoever refuses.
pub(crate) fn error_body(code: &str) -> String {
    format!(r#"{{"error":"{code}"}}"#)
}

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
