//! [`ConfigError`]: what a configuration got wrong, reported when it is built.

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
    /// A JSON field path, a key in it, or a signature parameter key is empty.
    #[error("a field path, a key in it or a signature key is empty")]
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
    /// The public URL cannot be used: it must be `http://` or `https://`, a host, an
    /// optional port and an optional path prefix, with no user, query or fragment.
    #[error("invalid public URL: {0}")]
    InvalidPublicUrl(&'static str),
    /// The scheme signs the request's URL, and the verifier has neither a public URL nor
    /// permission to trust forwarded headers: it could only ever guess the URL.
    #[error("the scheme signs the request URL: set a public URL or trust forwarded headers")]
    PublicUrlRequired,
    /// The handshake cannot be used (an empty name, or no value to answer with).
    #[error("invalid handshake: {0}")]
    Handshake(&'static str),
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
    /// A body limit of zero bytes refuses every body.
    #[error("the body limit is zero")]
    ZeroBodyLimit,
    /// A replay lease of zero ends every reservation at once: concurrent copies of an
    /// event would all run.
    #[error("the replay lease is zero")]
    ZeroLease,
    /// An in-memory replay store larger than it may be
    /// ([`MAX_CAPACITY`](crate::replay::MAX_CAPACITY)), or whose memory could not be
    /// allocated.
    #[error("an in-memory replay store of {0} ids cannot be allocated")]
    StoreTooLarge(u64),
    /// The status answered to duplicates must be a success (200–299), or the provider
    /// would retry an event that was handled.
    #[error("the duplicate status must be 200 to 299, not {0}")]
    InvalidDuplicateStatus(u16),
    /// A body deadline of zero refuses every request.
    #[error("the body timeout is zero")]
    ZeroBodyTimeout,
    /// A replay namespace must be 1 to 128 printable ASCII characters, without spaces.
    #[error("the replay namespace must be 1 to 128 printable ASCII characters, without spaces")]
    InvalidNamespace,
    /// A public key cannot be read in any of the formats its algorithm is written in
    /// (Ed25519: hex, base64 or `whpk_` + base64 of 32 bytes; P-256: base64 DER
    /// SubjectPublicKeyInfo or PEM), or is a weak key that would accept forged signatures.
    #[error("invalid public key: {0}")]
    InvalidPublicKey(&'static str),
    /// A private key cannot be read, or is not of the scheme's algorithm.
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(&'static str),
    /// A key of the wrong kind for the scheme: a shared secret for a scheme that verifies
    /// with public keys, or a public key of an algorithm the scheme does not accept.
    #[error("wrong kind of key: {0}")]
    KeyKind(&'static str),
    /// A tenant name (a key resolver's namespace) must be 1 to 64 printable ASCII
    /// characters, without spaces, `/` or `:`.
    #[error("a tenant name must be 1 to 64 printable ASCII characters, without spaces, '/' or ':'")]
    InvalidTenant,
    /// No preset has this name.
    #[error("unknown preset {0:?} (known: {known})", known = crate::presets::NAMES.join(", "))]
    UnknownPreset(String),
}
