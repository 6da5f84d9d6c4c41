//! Where "now" comes from: the system clock, or a fixed instant in tests.

use std::fmt::Debug;

use time::OffsetDateTime;

/// A source of the current time, injectable so tests and callers can verify "as of" any
/// instant.
pub trait Clock: Debug + Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock (`OffsetDateTime::now_utc`). The default.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock stopped at one instant.
///
/// ```
/// use hookshield_core::{Clock, FixedClock};
/// use time::OffsetDateTime;
///
/// let at = OffsetDateTime::from_unix_timestamp(1_614_265_330)?;
/// assert_eq!(FixedClock(at).now(), at);
/// # Ok::<(), time::error::ComponentRange>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}
