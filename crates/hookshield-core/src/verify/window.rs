//! Timestamps: strict parsing and the acceptance window around "now".

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::error::Reason;

/// How a provider writes its timestamp.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimestampUnit {
    /// Unix seconds (Stripe, Slack, Standard Webhooks).
    #[default]
    Seconds,
    /// Unix milliseconds (Linear's `webhookTimestamp`).
    Milliseconds,
    /// An RFC 3339 date-time with an explicit offset and any fraction of a second, such as
    /// Twitch's `2019-11-16T10:11:12.634234626Z` or PagerDuty's `occurred_at`. The signer
    /// writes it in UTC with as many fraction digits as needed (none for a whole second).
    Rfc3339,
}

/// The longest RFC 3339 timestamp read; longer values are refused unparsed.
const MAX_RFC3339_LEN: usize = 64;

/// Parses a timestamp written in `unit` into nanoseconds since the Unix epoch.
///
/// Numbers are 1 to 20 ASCII digits that fit in a `u64`: signs, spaces, decimal points,
/// exponents and non-ASCII digits are refused. RFC 3339 values are at most 64 bytes and
/// must carry an offset (`Z` or `±hh:mm`).
pub(crate) fn parse(raw: &[u8], unit: TimestampUnit) -> Result<i128, Reason> {
    match unit {
        TimestampUnit::Seconds => parse_digits(raw).map(|v| to_nanos(v, 1_000_000_000)),
        TimestampUnit::Milliseconds => parse_digits(raw).map(|v| to_nanos(v, 1_000_000)),
        TimestampUnit::Rfc3339 => parse_rfc3339(raw),
    }
}

fn parse_digits(raw: &[u8]) -> Result<u64, Reason> {
    if raw.is_empty() || raw.len() > 20 {
        return Err(Reason::TimestampSyntax);
    }
    // One pass: a non-digit is remembered, not branched on; only 20 digits can overflow.
    let (value, non_digit) = raw.iter().fold((0u64, false), |(acc, bad), d| {
        let digit = d.wrapping_sub(b'0');
        (
            acc.wrapping_mul(10).wrapping_add(u64::from(digit)),
            bad | (digit > 9),
        )
    });
    let overflows = raw.len() == 20 && raw > b"18446744073709551615".as_slice();
    if non_digit || overflows {
        return Err(Reason::TimestampSyntax);
    }
    Ok(value)
}

fn parse_rfc3339(raw: &[u8]) -> Result<i128, Reason> {
    if raw.len() > MAX_RFC3339_LEN {
        return Err(Reason::TimestampSyntax);
    }
    let text = std::str::from_utf8(raw).map_err(|_| Reason::TimestampSyntax)?;
    OffsetDateTime::parse(text, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp_nanos)
        .map_err(|_| Reason::TimestampSyntax)
}

/// `value` units of `per_unit` nanoseconds; exact, never overflows.
fn to_nanos(value: u64, per_unit: i128) -> i128 {
    // u64::MAX * 1e9 < 2^94: far inside i128.
    i128::from(value).saturating_mul(per_unit)
}

/// `at` written in `unit`, as a signer sends it; `None` before 1970 for the numeric units,
/// and for an instant RFC 3339 cannot write (outside years 0 to 9999 in UTC).
pub(crate) fn format(at: OffsetDateTime, unit: TimestampUnit) -> Option<String> {
    let number = match unit {
        TimestampUnit::Seconds => i128::from(at.unix_timestamp()),
        TimestampUnit::Milliseconds => at.unix_timestamp_nanos().div_euclid(1_000_000),
        TimestampUnit::Rfc3339 => {
            return at
                .checked_to_offset(UtcOffset::UTC)
                .and_then(|utc| utc.format(&Rfc3339).ok());
        }
    };
    (number >= 0).then(|| number.to_string())
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

    /// Checks a timestamp against "now", both in nanoseconds since the epoch. Arithmetic is
    /// done in `i128` and saturates, so no input can overflow or panic.
    pub(crate) fn check(&self, timestamp_nanos: i128, now_nanos: i128) -> Result<(), Reason> {
        let age = now_nanos.saturating_sub(timestamp_nanos);
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
        let secs = |raw: &[u8]| parse(raw, TimestampUnit::Seconds);
        assert_eq!(secs(b"1614265330"), Ok(1_614_265_330_000_000_000));
        assert_eq!(secs(b"0001"), Ok(1_000_000_000));
        assert_eq!(
            secs(b"18446744073709551615"),
            Ok(i128::from(u64::MAX) * 1_000_000_000)
        );
        assert_eq!(
            parse(b"1700000000123", TimestampUnit::Milliseconds),
            Ok(1_700_000_000_123_000_000)
        );
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
            b"2019-11-16T10:11:12Z",
        ] {
            assert_eq!(secs(bad), Err(Reason::TimestampSyntax), "{bad:?}");
        }
    }

    #[test]
    fn rfc3339_reads_nanoseconds_and_offsets() {
        let rfc = |raw: &str| parse(raw.as_bytes(), TimestampUnit::Rfc3339);
        // Twitch's documented example (https://dev.twitch.tv/docs/eventsub/handling-webhook-events).
        assert_eq!(
            rfc("2019-11-16T10:11:12.634234626Z"),
            Ok(1_573_899_072_634_234_626)
        );
        assert_eq!(
            rfc("2021-04-26T17:36:27.458Z"),
            Ok(1_619_458_587_458_000_000)
        );
        // RFC 3339 section 5.6 lets a space stand for the `T`.
        assert_eq!(rfc("2019-11-16 10:11:12Z"), Ok(1_573_899_072_000_000_000));
        assert_eq!(
            rfc("2019-11-16T11:11:12.5+01:00"),
            Ok(1_573_899_072_500_000_000)
        );
        for bad in [
            "",
            "2019-11-16",
            "2019-11-16T10:11:12",
            "1573899072",
            " 2019-11-16T10:11:12Z",
            "2019-13-16T10:11:12Z",
        ] {
            assert_eq!(rfc(bad), Err(Reason::TimestampSyntax), "{bad:?}");
        }
        let long = format!("2019-11-16T10:11:12.{}Z", "1".repeat(64));
        assert_eq!(rfc(&long), Err(Reason::TimestampSyntax));
        assert_eq!(
            parse(b"\xff", TimestampUnit::Rfc3339),
            Err(Reason::TimestampSyntax)
        );
    }

    #[test]
    fn format_round_trips_through_parse() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_573_899_072_634_234_626).unwrap();
        for unit in [
            TimestampUnit::Seconds,
            TimestampUnit::Milliseconds,
            TimestampUnit::Rfc3339,
        ] {
            let text = format(at, unit).unwrap();
            let nanos = parse(text.as_bytes(), unit).unwrap();
            assert!(
                at.unix_timestamp_nanos() - nanos < 1_000_000_000,
                "{unit:?}"
            );
        }
        assert_eq!(
            format(at, TimestampUnit::Rfc3339).as_deref(),
            Some("2019-11-16T10:11:12.634234626Z")
        );
        let whole = OffsetDateTime::from_unix_timestamp(1_573_899_072).unwrap();
        assert_eq!(
            format(whole, TimestampUnit::Rfc3339).as_deref(),
            Some("2019-11-16T10:11:12Z")
        );
        let before = OffsetDateTime::from_unix_timestamp(-1).unwrap();
        assert_eq!(format(before, TimestampUnit::Seconds), None);
        // The last date-time `time` holds, at −14:00: in UTC it would fall after the last
        // one, so it cannot be written in UTC: refused, not a panic.
        let edge =
            time::PrimitiveDateTime::MAX.assume_offset(UtcOffset::from_hms(-14, 0, 0).unwrap());
        assert_eq!(format(edge, TimestampUnit::Rfc3339), None);
    }

    #[test]
    fn window_edges_are_inclusive_and_overflow_safe() {
        let now = 1_000_000 * 1_000_000_000;
        let w = TimestampWindow::new(Duration::from_secs(300), Duration::from_secs(60));
        let at = |s: u64| to_nanos(s, 1_000_000_000);
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
