//! Timestamps: strict parsing and the acceptance window around "now".

use std::time::Duration;

use time::OffsetDateTime;

use crate::error::Reason;

/// The unit of a provider's timestamp.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampUnit {
    /// Unix seconds (Stripe, Slack, Standard Webhooks).
    #[default]
    Seconds,
    /// Unix milliseconds (Linear's `webhookTimestamp`).
    Milliseconds,
}

/// Parses a timestamp: 1 to 20 ASCII digits that fit in a `u64`. Signs, spaces, decimal
/// points, exponents and non-ASCII digits are refused.
pub(crate) fn parse(raw: &[u8]) -> Result<u64, Reason> {
    if raw.is_empty() || raw.len() > 20 || !raw.iter().all(u8::is_ascii_digit) {
        return Err(Reason::TimestampSyntax);
    }
    raw.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d.wrapping_sub(b'0'))))
            .ok_or(Reason::TimestampSyntax)
    })
}

/// Nanoseconds since the Unix epoch of a timestamp in `unit`; exact, never overflows.
pub(crate) fn to_nanos(value: u64, unit: TimestampUnit) -> i128 {
    let per_unit: i128 = match unit {
        TimestampUnit::Seconds => 1_000_000_000,
        TimestampUnit::Milliseconds => 1_000_000,
    };
    // u64::MAX * 1e9 < 2^94: far inside i128.
    i128::from(value).saturating_mul(per_unit)
}

/// How far a signed timestamp may be from "now": `past` for delivery delay, `future` for
/// the provider's clock running ahead of ours. Both bounds are inclusive.
///
/// ```
/// use std::time::Duration;
/// use hookshield_core::TimestampWindow;
///
/// let window = TimestampWindow::new(Duration::from_secs(300), Duration::from_secs(30));
/// assert_eq!(window.past(), Duration::from_secs(300));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampWindow {
    past: Duration,
    future: Duration,
}

impl TimestampWindow {
    /// A window accepting timestamps up to `past` old and up to `future` ahead.
    pub const fn new(past: Duration, future: Duration) -> Self {
        Self { past, future }
    }

    /// The same tolerance both ways.
    pub const fn symmetric(tolerance: Duration) -> Self {
        Self::new(tolerance, tolerance)
    }

    /// How old a timestamp may be.
    pub const fn past(&self) -> Duration {
        self.past
    }

    /// How far ahead of now a timestamp may be.
    pub const fn future(&self) -> Duration {
        self.future
    }

    /// The window's whole span, past plus future tolerance (saturating): how long one
    /// signed request may be accepted, and so the shortest replay TTL that covers it.
    pub const fn span(&self) -> Duration {
        self.past.saturating_add(self.future)
    }

    /// Checks a timestamp given in nanoseconds since the epoch against `now`. Arithmetic is
    /// done in `i128` and saturates, so no input can overflow or panic.
    pub(crate) fn check(&self, timestamp_nanos: i128, now: OffsetDateTime) -> Result<(), Reason> {
        let age = now.unix_timestamp_nanos().saturating_sub(timestamp_nanos);
        let past = i128::try_from(self.past.as_nanos()).unwrap_or(i128::MAX);
        let future = i128::try_from(self.future.as_nanos()).unwrap_or(i128::MAX);
        if age > past {
            Err(Reason::TimestampTooOld)
        } else if age.saturating_neg() > future {
            Err(Reason::TimestampTooNew)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_strict() {
        assert_eq!(parse(b"1614265330"), Ok(1_614_265_330));
        assert_eq!(parse(b"0001"), Ok(1));
        assert_eq!(parse(b"18446744073709551615"), Ok(u64::MAX));
        for bad in [
            &b""[..],
            b"18446744073709551616",
            b"-1",
            b"+1",
            b" 1",
            b"1.5",
            b"1e9",
            b"0x10",
            "١".as_bytes(),
        ] {
            assert_eq!(parse(bad), Err(Reason::TimestampSyntax), "{bad:?}");
        }
    }

    #[test]
    fn window_edges_are_inclusive_and_overflow_safe() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let w = TimestampWindow::new(Duration::from_secs(300), Duration::from_secs(60));
        let at = |s: u64| to_nanos(s, TimestampUnit::Seconds);
        assert_eq!(w.check(at(1_000_000 - 300), now), Ok(()));
        assert_eq!(
            w.check(at(1_000_000 - 301), now),
            Err(Reason::TimestampTooOld)
        );
        assert_eq!(w.check(at(1_000_060), now), Ok(()));
        assert_eq!(w.check(at(1_000_061), now), Err(Reason::TimestampTooNew));
        assert_eq!(w.check(at(u64::MAX), now), Err(Reason::TimestampTooNew));
        assert_eq!(w.check(at(0), now), Err(Reason::TimestampTooOld));
        let wide = TimestampWindow::symmetric(Duration::MAX);
        assert_eq!(wide.check(at(u64::MAX), now), Ok(()));
        assert_eq!(wide.check(at(0), now), Ok(()));
        // Saturating: an absurd instant is refused, not wrapped around.
        assert_eq!(wide.check(i128::MIN, now), Err(Reason::TimestampTooOld));
    }
}
