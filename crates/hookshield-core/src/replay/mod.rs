//! The replay guard: each event reaches the handler once, and an event whose handling
//! failed runs again when the provider retries.
//!
//! - [`ReplayStore`]: where ids are remembered, keyed by (namespace, event id), in three
//!   steps: reserve (unseen / in flight / done), commit, release. Reservations carry an
//!   [`OwnerToken`] and a lease.
//! - [`MokaStore`]: the in-memory store, for one process.
//! - [`ReplayGuard`]: the pipeline step over a store, with the [`Ticket`] that settles a
//!   reservation by the handler's outcome, also when the request is dropped.
//! - `conformance` (feature `conformance`): the checks every store must pass.

#[cfg(feature = "conformance")]
pub mod conformance;
mod guard;
mod moka_store;
mod store;
mod ticket;

pub(crate) use guard::shortest_ttl;
pub use guard::{Admission, DEFAULT_LEASE, ReplayGuard};
pub use moka_store::{DEFAULT_CAPACITY, DEFAULT_RETENTION, MokaStore};
pub use store::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};
pub use ticket::Ticket;
