//! Reading the raw body under the limit.

use bytes::Bytes;
use hookshield_core::Reason;
use http_body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The error type bodies must convert into.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
