//! The replay guard: each event reaches the handler once, and an event whose handling
//! failed runs again when the provider retries.
//!
//! - [`ReplayStore`]: where ids are remembered, keyed by (namespace, event id), in three
//!   steps: reserve (unseen / in flight / done), commit, release. Reservations carry an
//!   [`OwnerToken`] and a lease.
//! - [`MemoryStore`]: the in-memory store, for one process, and the adapters' default.
//! - `MokaStore` (feature `moka`): the same on a moka cache, for users who want moka.
//! - [`ReplayGuard`]: the pipeline step over a store, with the [`Ticket`] that settles a
//!   reservation by the handler's outcome, also when the request is dropped.
//! - [`Claim`]: a ticket's reservations handed to the handler, for a store that settles
//!   them inside the handler's own database transaction (an inbox).
//! - `conformance` (feature `conformance`): the checks every store must pass.

mod claim;
#[cfg(feature = "conformance")]
pub mod conformance;
mod fingerprint;
mod guard;
mod memory;
#[cfg(feature = "moka")]
mod moka_store;
mod store;
mod ticket;

pub use claim::Claim;
pub(crate) use guard::shortest_ttl;
pub use guard::{Admission, DEFAULT_LEASE, ReplayGuard};
pub use memory::{DEFAULT_CAPACITY, MAX_CAPACITY, MIN_CAPACITY, MemoryStore};
#[cfg(feature = "moka")]
#[cfg_attr(docsrs, doc(cfg(feature = "moka")))]
pub use moka_store::MokaStore;
pub use store::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};
pub use ticket::Ticket;
