//! Reading the raw body under the limit.

use bytes::Bytes;
use hookshield_core::Reason;
use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The error type bodies must convert into.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Whether a declared `Content-Length` is over `limit`: such a request is refused before
/// a byte of its body is read. An unreadable length is left to the reading limit.
pub(crate) fn declared_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > u64::try_from(limit).unwrap_or(u64::MAX))
}

/// The whole body, or [`Reason::BodyTooLarge`] as soon as it grows past `limit` (a chunked
/// body is not read any further), or [`Reason::BodyUnreadable`].
pub(crate) async fn read<B>(body: B, limit: usize) -> Result<Bytes, Reason>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(Reason::BodyTooLarge),
        Err(error) => {
            tracing::debug!(%error, "webhook body could not be read");
            Err(Reason::BodyUnreadable)
        }
    }
}
