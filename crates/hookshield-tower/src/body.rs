//! Reading the raw body under the limit and the body budget.

use bytes::{Buf, Bytes, BytesMut};
use hookshield_core::{BodyBudget, Reason};
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
    // One chunk is kept as it came; a second one starts a copy.
    let mut first: Option<Bytes> = None;
    let mut joined = BytesMut::new();
    let mut length = 0usize;
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
        if size > limit.saturating_sub(length) {
            return Err(Reason::BodyTooLarge);
        }
        length = length.saturating_add(size);
        hold.grow_to(length).await;
        let chunk = data.copy_to_bytes(size);
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    joined.reserve(declared.unwrap_or(length).max(length));
                    joined.extend_from_slice(&earlier);
                }
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| joined.freeze()))
}
