//! Reading the raw body under the limit and the body budget.

use bytes::{Buf, Bytes};
use hookshield_core::{BodyBudget, BodyJoin, Reason};
use http_body::Body;
use http_body_util::BodyExt;

/// The error type bodies must convert into.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The whole body, or [`Reason::BodyTooLarge`] as soon as it grows past `limit` (a chunked
/// body is not read any further), or [`Reason::BodyUnreadable`].
///
/// The body is read only while `budget` has room for it: its declared length (`declared`,
/// already checked against the limit) up front, or each chunk before it is taken. Waiting
/// for room is bounded by the body deadline the caller runs this under.
pub(crate) async fn read<B>(
    body: B,
    limit: usize,
    declared: Option<usize>,
    budget: &BodyBudget,
) -> Result<Bytes, Reason>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut hold = budget.hold();
    hold.grow_to(declared.unwrap_or(0)).await;
    let mut body = std::pin::pin!(body);
    let mut joined = BodyJoin::expecting(declared.unwrap_or(0));
    loop {
        // The body's error type need not be `Send`: it is turned into a reason at once.
        let next = body.frame().await.map(|frame| {
            frame.map_err(|error| {
                tracing::debug!(error = %error.into(), "webhook body could not be read");
                Reason::BodyUnreadable
            })
        });
        let Some(frame) = next else { break };
        let Ok(mut data) = frame?.into_data() else {
            continue; // trailers
        };
        let size = data.remaining();
        if size > limit.saturating_sub(joined.len()) {
            return Err(Reason::BodyTooLarge);
        }
        hold.grow_to(joined.len().saturating_add(size)).await;
        joined.push(data.copy_to_bytes(size));
    }
    Ok(joined.into_bytes())
}
