//! What the providers' example tests share: a verifier for a preset and a secret, and a
//! verification at a fixed time.

use time::OffsetDateTime;

use crate::{SchemeBuilder, Verified, Verifier, VerifyError};

/// The instant `unix` seconds after the epoch.
pub(super) fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

/// A verifier for `scheme` with the one secret `secret`, in the scheme's encoding.
pub(super) fn verifier(scheme: SchemeBuilder, secret: &str) -> Verifier {
    Verifier::builder(scheme)
        .encoded_secret(secret)
        .build()
        .unwrap()
}

/// `verifier` checks `headers` and `body` as if it were `now` (unix seconds).
pub(super) fn verify(
    verifier: &Verifier,
    headers: &[(&str, &str)],
    body: &[u8],
    now: i64,
) -> Result<Verified, VerifyError> {
    verifier.verify_at(headers, body, at(now))
}
