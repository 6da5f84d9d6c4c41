//! A Redis [`ReplayStore`](hookshield_core::replay::ReplayStore) for hookshield: several
//! receiving instances behind a load balancer share one record of handled events, so each
//! event reaches a handler once, whichever instance its copies land on.
//!
//! See [`RedisStore`] for the commands (two round trips per event), the key layout and the
//! failure behaviour: fail closed (503 + `Retry-After`) unless the receiver opts in to
//! failing open with `with_fail_open(true)`.
//!
//! A reserve that times out (or loses its connection) is refused like any failure, and the
//! reservation it may still have written is released in the background, owner-checked,
//! as soon as Redis answers again, so the provider's next retry is handled rather than
//! answered 409 for the whole lease. `Debug` of the store and its builder hides the
//! credentials in the URL (`redis://REDACTED@host:6379/0`).
//!
//! Needs Redis 7.0 or newer (`SET … NX GET`). The store passes the same conformance suite
//! as `MemoryStore` (`hookshield_core::replay::conformance`).

#![cfg_attr(docsrs, feature(doc_cfg))]

mod orphan;
mod redact;
mod scripts;
mod store;

pub use redact::redact_url;
pub use store::{DEFAULT_PREFIX, DEFAULT_TIMEOUT, RedisStore, RedisStoreBuilder};
