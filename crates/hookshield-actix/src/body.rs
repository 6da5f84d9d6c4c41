//! Reading the payload under the limit and the body budget.

use actix_web::dev::Payload;
use bytes::Bytes;
use futures_util::StreamExt;
use hookshield_core::{BodyBudget, BodyJoin, Reason};

/// The whole payload, or [`Reason::BodyTooLarge`] as soon as it grows past `limit` (the
/// rest is not read), or [`Reason::BodyUnreadable`].
///
/// With a `budget`, the payload is read only while it has room: the declared length
/// (`declared`, already checked against the limit) up front, or each chunk before it is
/// taken. Waiting for room is bounded by the body deadline the caller runs this under.
pub(crate) async fn read(
    payload: &mut Payload,
    limit: usize,
    declared: Option<usize>,
    budget: Option<&BodyBudget>,
) -> Result<Bytes, Reason> {
    let mut hold = budget.map(BodyBudget::hold);
    if let (Some(hold), Some(declared)) = (&mut hold, declared) {
        hold.grow_to(declared).await;
    }
    let mut body = BodyJoin::expecting(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| {
            tracing::debug!(%error, "webhook body could not be read");
            Reason::BodyUnreadable
        })?;
        if chunk.len() > limit.saturating_sub(body.len()) {
            return Err(Reason::BodyTooLarge);
        }
        if let Some(hold) = &mut hold {
            hold.grow_to(body.len().saturating_add(chunk.len())).await;
        }
        body.push(chunk);
    }
    Ok(body.into_bytes())
}
