//! Where "now" comes from: the system clock, or a fixed instant in tests.

use std::fmt::Debug;
use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// A source of the current time, injectable so tests and callers can verify "as of" any
/// instant.
///
/// The verifier reads it only for a scheme with a timestamp (or a signed token's `iat`),
/// after the signature matched, through [`unix_nanos`](Self::unix_nanos).
pub trait Clock: Debug + Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;

    /// The current instant in nanoseconds since the Unix epoch (negative before it): what
    /// the timestamp window is checked against. The default reads [`now`](Self::now); a
    /// clock that can tell the number more cheaply may override it, and must agree with
    /// `now`.
    fn unix_nanos(&self) -> i128 {
        self.now().unix_timestamp_nanos()
    }
}

/// The system clock (`OffsetDateTime::now_utc`). The default. Its
/// [`unix_nanos`](Clock::unix_nanos) reads `SystemTime` alone, without building a date.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn unix_nanos(&self) -> i128 {
        let nanos =
            |since: std::time::Duration| i128::try_from(since.as_nanos()).unwrap_or(i128::MAX);
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => nanos(after),
            Err(before) => nanos(before.duration()).saturating_neg(),
        }
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
/// assert_eq!(FixedClock(at).unix_nanos(), 1_614_265_330_000_000_000);
/// # Ok::<(), time::error::ComponentRange>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// "Now" for one verification: an instant the caller gave (`verify_at`), or the
/// verifier's clock, read only if a timestamp is checked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Now<'c> {
    At(i128),
    Clock(&'c dyn Clock),
}

impl Now<'_> {
    /// The instant, in nanoseconds since the Unix epoch.
    pub(crate) fn unix_nanos(self) -> i128 {
        match self {
            Self::At(nanos) => nanos,
            Self::Clock(clock) => clock.unix_nanos(),
        }
    }
}

impl From<OffsetDateTime> for Now<'_> {
    fn from(at: OffsetDateTime) -> Self {
        Self::At(at.unix_timestamp_nanos())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_clock_numbers_agree_with_its_dates() {
        let before = OffsetDateTime::now_utc().unix_timestamp_nanos();
        let nanos = SystemClock.unix_nanos();
        let after = SystemClock.now().unix_timestamp_nanos();
        assert!(before <= nanos && nanos <= after);
    }

    #[test]
    fn now_reads_the_clock_only_when_asked() {
        let at = OffsetDateTime::from_unix_timestamp(-5).unwrap();
        assert_eq!(Now::from(at).unix_nanos(), -5_000_000_000);
        let clock = FixedClock(at);
        assert_eq!(Now::Clock(&clock).unix_nanos(), -5_000_000_000);
    }
}
