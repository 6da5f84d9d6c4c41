//! [`NoReplay`]: the store the load servers' `verify` mode uses to measure signature
//! checking without replay protection.

use std::time::Duration;

use hookshield::replay::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};

/// A replay store that remembers nothing: every id is acquired, every commit and release
/// succeeds. It keeps the layer's pipeline whole (reserve, call, settle) minus the store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NoReplay;

impl ReplayStore for NoReplay {
    async fn reserve(&self, _: ReplayKey<'_>, _: Duration) -> Result<Reservation, StoreError> {
        Ok(Reservation::Acquired(OwnerToken::random()))
    }

    async fn commit(
        &self,
        _: ReplayKey<'_>,
        _: &OwnerToken,
        _: Duration,
    ) -> Result<bool, StoreError> {
        Ok(true)
    }

    async fn release(&self, _: ReplayKey<'_>, _: &OwnerToken) -> Result<bool, StoreError> {
        Ok(true)
    }
}
