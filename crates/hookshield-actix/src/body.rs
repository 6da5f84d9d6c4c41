//! Reading the payload under the limit.

use actix_web::dev::Payload;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use hookshield_core::Reason;

/// The whole payload, or [`Reason::BodyTooLarge`] as soon as it grows past `limit` (the
/// rest is not read), or [`Reason::BodyUnreadable`].
pub(crate) async fn read(payload: &mut Payload, limit: usize) -> Result<Bytes, Reason> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            tracing::debug!(%error, "webhook body could not be read");
            Reason::BodyUnreadable
        })?;
        if chunk.len() > limit.saturating_sub(body.len()) {
            return Err(Reason::BodyTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
