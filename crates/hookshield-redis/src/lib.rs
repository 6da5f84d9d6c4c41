//! A Redis [`ReplayStore`](hookshield_core::replay::ReplayStore) for hookshield: several
//! receiving instances behind a load balancer share one record of handled events, so each
//! event reaches a handler once, whichever instance its copies land on.
//!
//! See [`RedisStore`] for the commands (two round trips per event), the key layout and the
//! failure behaviour: fail closed (503 + `Retry-After`) unless the receiver opts in to
//! failing open with `with_fail_open(true)`.
//!
//! Needs Redis 7.0 or newer (`SET … NX GET`). The store passes the same conformance suite
//! as `MokaStore` (`hookshield_core::replay::conformance`).

mod scripts;
mod store;

pub use store::{DEFAULT_PREFIX, DEFAULT_TIMEOUT, RedisStore, RedisStoreBuilder};
