//! Verification without replay protection, for the standalone extractors of axum and
//! actix-web: the same body deadline, verification, handshake and rejection events as
//! the [`Receiver`](crate::Receiver), with nothing remembered.

use std::future::Future;

use crate::error::{Reason, Rejection};
use crate::headers::HeaderLookup;
use crate::receiver::{DEFAULT_BODY_TIMEOUT, read_within};
use crate::request::RequestContext;
use crate::verify::verified::Verified;
use crate::verify::verifier::Verifier;

/// Answers the scheme's `GET` challenge (as [`Rejection::Handshake`], or a 403
/// refusal); otherwise reads a body with `read` (the framework's own reader, which applies
/// the framework's body limit) within [`DEFAULT_BODY_TIMEOUT`], verifies it with
/// `verifier` ([`Verifier::verify_request`]), and answers the scheme's signed handshake as
/// [`Rejection::Handshake`]. Every refusal emits its rejection
/// event. **No replay protection**: an extractor never sees the handler's answer, so it
/// can neither commit an event id nor release it; use a layer or middleware for that.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use hookshield_core::{presets, verify_standalone, Reason, RequestContext, Secret, SignOptions, Signer, Verifier};
///
/// let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
/// let body = br#"{"event":"instance.created"}"#;
/// let signer = Signer::new(presets::civo(), Secret::from_text("s3cret")?)?;
/// let headers = signer.sign(body, &SignOptions::new().id("evt-1"))?;
///
/// let read = async { Ok::<_, Reason>(body.to_vec()) };
/// let request = RequestContext::new("POST", "/hooks/civo");
/// let (verified, bytes) = verify_standalone(&verifier, &request, &headers, read).await?;
/// assert_eq!((verified.event_id(), bytes.as_slice()), ("evt-1", &body[..]));
/// # Ok(()) }
/// ```
pub async fn verify_standalone<H, T, F>(
    verifier: &Verifier,
    request: &RequestContext<'_>,
    headers: &H,
    read: F,
) -> Result<(Verified, T), Rejection>
where
    H: HeaderLookup + ?Sized,
    T: AsRef<[u8]>,
    F: Future<Output = Result<T, Reason>>,
{
    if let Some(answer) = verifier.answer_challenge(request, headers) {
        return Err(match answer {
            Ok(reply) => Rejection::Handshake(reply),
            Err(error) => Rejection::Verify(error),
        });
    }
    let body = read_within(DEFAULT_BODY_TIMEOUT, read)
        .await
        .inspect_err(|error| error.record(verifier.scheme().name()))?;
    let verified = verifier
        .verify_request_async(request, headers, body.as_ref())
        .await?;
    if let Some(answer) = verifier.handshake_reply(Some(request), headers, body.as_ref(), &verified)
    {
        let reply = answer?;
        tracing::debug!(handshake = ?reply.handshake(), "provider handshake answered");
        return Err(Rejection::Handshake(reply));
    }
    Ok((verified, body))
}
