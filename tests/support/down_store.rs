//! [`DownStore`]: a replay store that is never reachable. Shared with hookshield-core's
//! own `tests/metrics.rs`, which includes this file.

use std::time::Duration;

use hookshield_core::replay::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};

/// A replay store that never answers in time.
#[derive(Debug, Clone, Copy)]
pub struct DownStore;

impl ReplayStore for DownStore {
    async fn reserve(&self, _: ReplayKey<'_>, _: Duration) -> Result<Reservation, StoreError> {
        Err(StoreError::Timeout)
    }

    async fn commit(
        &self,
        _: ReplayKey<'_>,
        _: &OwnerToken,
        _: Duration,
    ) -> Result<bool, StoreError> {
        Err(StoreError::Timeout)
    }

    async fn release(&self, _: ReplayKey<'_>, _: &OwnerToken) -> Result<bool, StoreError> {
        Err(StoreError::Timeout)
    }
}
