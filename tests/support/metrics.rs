//! Reading what hookshield recorded (feature `metrics`) from a `DebuggingRecorder`.
//!
//! A snapshot of a `DebuggingRecorder` drains what it reads (counters and gauges back to
//! 0, histograms emptied), so [`Recorded`] sums the snapshots it takes: read it as often
//! as you like. Each test names its own `route`, and reads only that route's series.
//!
//! Shared with hookshield-core's own `tests/metrics.rs`, which includes this file.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use hookshield_core::metrics::{HANDLER_SECONDS, IN_FLIGHT, REQUESTS_TOTAL, VERIFY_SECONDS};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};

/// A series: metric name and labels.
type Series = (String, BTreeMap<String, String>);

/// Everything a recorder recorded so far, summed over the snapshots taken.
pub struct Recorded {
    snapshotter: Snapshotter,
    counters: HashMap<Series, u64>,
    gauges: HashMap<Series, f64>,
    histograms: HashMap<Series, usize>,
}

impl Recorded {
    pub fn new(recorder: &DebuggingRecorder) -> Self {
        Self {
            snapshotter: recorder.snapshotter(),
            counters: HashMap::new(),
            gauges: HashMap::new(),
            histograms: HashMap::new(),
        }
    }

    fn update(&mut self) {
        for (key, _, _, value) in self.snapshotter.snapshot().into_vec() {
            let key = key.key();
            let labels = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            let series = (key.name().to_owned(), labels);
            match value {
                DebugValue::Counter(n) => *self.counters.entry(series).or_default() += n,
                DebugValue::Gauge(v) => *self.gauges.entry(series).or_default() += v.0,
                DebugValue::Histogram(samples) => {
                    *self.histograms.entry(series).or_default() += samples.len();
                }
            }
        }
    }

    /// `hookshield_requests_total` of `route` per outcome (those above 0); every series
    /// of the route must be labelled with `scheme`.
    pub fn requests(&mut self, route: &str, scheme: &str) -> BTreeMap<String, u64> {
        self.update();
        let mut by_outcome = BTreeMap::new();
        for ((name, labels), n) in &self.counters {
            if labels.get("route").map(String::as_str) != Some(route) {
                continue;
            }
            assert_eq!(name, REQUESTS_TOTAL, "an unexpected counter");
            let keys: Vec<_> = labels.keys().map(String::as_str).collect();
            assert_eq!(keys, ["outcome", "route", "scheme"], "{labels:?}");
            assert_eq!(labels["scheme"], scheme, "{labels:?}");
            if *n > 0 {
                by_outcome.insert(labels["outcome"].clone(), *n);
            }
        }
        by_outcome
    }

    /// `hookshield_in_flight` of `route`.
    pub fn in_flight(&mut self, route: &str, scheme: &str) -> f64 {
        self.update();
        let labels = labels(&[("route", route), ("scheme", scheme)]);
        self.gauges
            .get(&(IN_FLIGHT.to_owned(), labels))
            .copied()
            .unwrap_or(0.0)
    }

    /// Samples of histogram `name` with exactly these labels.
    pub fn histogram(&mut self, name: &str, pairs: &[(&str, &str)]) -> usize {
        self.update();
        let series = (name.to_owned(), labels(pairs));
        self.histograms.get(&series).copied().unwrap_or(0)
    }

    /// Whether nothing at all was recorded: no series of any kind.
    pub fn is_empty(&mut self) -> bool {
        self.update();
        self.counters.is_empty() && self.gauges.is_empty() && self.histograms.is_empty()
    }

    /// Samples of every histogram series, whatever the labels.
    pub fn all_samples(&mut self) -> usize {
        self.update();
        self.histograms.values().sum()
    }

    /// The sample counts of `route`'s histograms: `hookshield_verify_seconds`, then
    /// `hookshield_handler_seconds` for `handled` and for `handler_failed`.
    pub fn samples(&mut self, route: &str, scheme: &str) -> (usize, usize, usize) {
        let of = [("route", route), ("scheme", scheme)];
        let handled = [("route", route), ("scheme", scheme), ("outcome", "handled")];
        let failed = [
            ("route", route),
            ("scheme", scheme),
            ("outcome", "handler_failed"),
        ];
        let samples = (
            self.histogram(VERIFY_SECONDS, &of),
            self.histogram(HANDLER_SECONDS, &handled),
            self.histogram(HANDLER_SECONDS, &failed),
        );
        let of_route: usize = self
            .histograms
            .iter()
            .filter(|((_, labels), _)| labels.get("route").map(String::as_str) == Some(route))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(
            of_route,
            samples.0 + samples.1 + samples.2,
            "no other histogram series"
        );
        samples
    }
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Counts by outcome, as [`Recorded::requests`] answers them.
pub fn outcomes(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// What the global `DebuggingRecorder` of this test binary recorded, for servers whose
/// requests run on threads of their own; tests tell their series apart by their routes.
/// Installs it on the first call: call it before the first request is sent.
pub fn global() -> MutexGuard<'static, Recorded> {
    static RECORDED: OnceLock<Mutex<Recorded>> = OnceLock::new();
    let recorded = RECORDED.get_or_init(|| {
        let recorder = DebuggingRecorder::new();
        let recorded = Recorded::new(&recorder);
        recorder.install().expect("the only global recorder");
        Mutex::new(recorded)
    });
    recorded
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits (up to 5 s) until `read` answers what `expected` says, and answers it.
pub async fn eventually<T: PartialEq + std::fmt::Debug>(
    mut read: impl FnMut() -> T,
    expected: T,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = read();
        if now == expected || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
