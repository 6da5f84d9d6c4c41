//! The body deadline: a body read that is not done in time is a 408 `body_timeout`.

use std::future::Future;
use std::time::Duration;

use crate::error::{Reason, VerifyError};

/// Runs a body read under a deadline: [`Reason::BodyTimeout`] when `read` is not done
/// within `timeout`. What [`Receiver::read_body`](crate::Receiver::read_body) does, for
/// code that reads without a receiver. Needs a Tokio runtime with its timer enabled.
pub async fn read_within<T, F>(timeout: Duration, read: F) -> Result<T, VerifyError>
where
    F: Future<Output = Result<T, Reason>>,
{
    match tokio::time::timeout(timeout, read).await {
        Ok(result) => result.map_err(VerifyError::new),
        Err(_) => {
            tracing::debug!(?timeout, "body not received in time");
            Err(VerifyError::new(Reason::BodyTimeout))
        }
    }
}
