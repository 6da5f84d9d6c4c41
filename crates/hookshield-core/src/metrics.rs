//! What the [`Receiver`](crate::Receiver) records through the
//! [`metrics`](https://docs.rs/metrics/0.24) facade crate (feature `metrics`): a counter of requests by outcome, the time spent verifying and in
//! the handler, and the events in flight. Install any recorder (a Prometheus exporter,
//! …) and they appear; with none installed, recording costs next to nothing.
//!
//! The names and labels below are a public contract: they change only in a breaking
//! release.
//!
//! | metric | kind | labels | what |
//! | --- | --- | --- | --- |
//! | [`hookshield_requests_total`](REQUESTS_TOTAL) | counter | `route`, `scheme`, `outcome` | every request, once, by what became of it |
//! | [`hookshield_verify_seconds`](VERIFY_SECONDS) | histogram | `route`, `scheme` | from a received body to the decision: verification, handshake, replay admission |
//! | [`hookshield_handler_seconds`](HANDLER_SECONDS) | histogram | `route`, `scheme`, `outcome` | from admission (ticket issued) to settling it |
//! | [`hookshield_in_flight`](IN_FLIGHT) | gauge | `route`, `scheme` | admitted events whose ticket is not settled yet |
//!
//! Labels:
//!
//! - [`route`](LABEL_ROUTE): [`Receiver::with_metrics_route`](crate::Receiver::with_metrics_route),
//!   by default the replay namespace (itself, by default, the scheme's name).
//! - [`scheme`](LABEL_SCHEME): the scheme's name ([`Scheme::name`](crate::Scheme::name)).
//! - [`outcome`](LABEL_OUTCOME) of `hookshield_requests_total`: the rejection's error
//!   code ([`VerifyError::code`](crate::VerifyError::code): `payload_too_large`,
//!   `body_timeout`, `missing_header`, `malformed_header`, `signature_mismatch`,
//!   `timestamp_out_of_window`, `malformed_body`, `missing_event_id`,
//!   `duplicate_in_flight`, `replay_store_unavailable`, `challenge_refused`,
//!   `webhook_not_configured`, `key_unavailable`); [`duplicate`](OUTCOME_DUPLICATE) (an
//!   event already handled, answered without running the handler);
//!   [`handshake`](OUTCOME_HANDSHAKE) (the provider's handshake answered);
//!   [`handled`](OUTCOME_HANDLED) (admitted, the handler answered 2xx and the ticket was
//!   committed); [`handler_failed`](OUTCOME_HANDLER_FAILED) (admitted and released: the
//!   handler answered non-2xx or an error, panicked, or the request was dropped).
//! - `outcome` of `hookshield_handler_seconds`: `handled` or `handler_failed`.
//!
//! When each is recorded:
//!
//! - A request refused for its declared `Content-Length` or while its body is read
//!   ([`Receiver::check_declared_length`](crate::Receiver::check_declared_length),
//!   [`Receiver::read_body`](crate::Receiver::read_body): 413 `payload_too_large`, 408
//!   `body_timeout`, or 400 `malformed_body` for a body cut off) is counted there, and has
//!   no `hookshield_verify_seconds` sample: it never reached verification.
//! - Every call of [`Receiver::receive`](crate::Receiver::receive) or
//!   [`receive_request`](crate::Receiver::receive_request) that returns records one
//!   `hookshield_verify_seconds` sample (the body read is not in it). A refusal, a
//!   duplicate or a handshake is counted then; an admitted event adds 1 to
//!   `hookshield_in_flight` and is counted when its [`Ticket`](crate::replay::Ticket)
//!   settles: [`commit`](crate::replay::Ticket::commit) counts `handled`,
//!   [`release`](crate::replay::Ticket::release) or a drop unsettled counts
//!   `handler_failed`, and either takes 1 from `hookshield_in_flight` and records the
//!   `hookshield_handler_seconds` sample, exactly once per ticket. The count is taken when
//!   settling starts, whatever the replay store then answers (its failures are logged).
//!
//! The tower layer and the actix-web middleware run every request through these calls, so
//! each request is counted once, when its outcome is known: summed over the outcomes,
//! `hookshield_requests_total` is every request answered so far, and those admitted but
//! not settled yet are `hookshield_in_flight`. A request whose future is dropped before
//! the pipeline decided (the client left while its body was read) is not counted. Tickets of a bare [`ReplayGuard`](crate::replay::ReplayGuard), which knows
//! no route or scheme, record nothing; nor does the standalone verification of the
//! extractors ([`verify_standalone`](crate::verify_standalone)).
//!
//! The label sets are built once per receiver (and again when its route or namespace is
//! set): recording a request allocates nothing in hookshield. Call [`describe`] once,
//! after installing the recorder, to give the metrics their descriptions and units.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use hookshield_core::metrics::{LABEL_OUTCOME, OUTCOME_HANDLED, REQUESTS_TOTAL};
//! use hookshield_core::{presets, Receiver, Secret, SignOptions, Signer, Step, Verifier};
//! use metrics_util::debugging::{DebugValue, DebuggingRecorder};
//!
//! // A recorder for this thread only (a real app installs one globally).
//! let recorder = DebuggingRecorder::new();
//! let snapshotter = recorder.snapshotter();
//! let _local = metrics::set_default_local_recorder(&recorder);
//!
//! let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
//! let receiver = Receiver::new(verifier).with_metrics_route("billing");
//! let body = br#"{"event":"instance.created"}"#;
//! let signer = Signer::new(presets::civo(), Secret::from_text("s3cret")?)?;
//! let headers = signer.sign(body, &SignOptions::new().id("evt-1"))?;
//! let Step::Run(ticket, _) = receiver.receive(&headers, body).await? else { panic!() };
//! ticket.commit().await?; // the handler answered 2xx
//!
//! let handled = snapshotter.snapshot().into_vec().into_iter().find_map(|(key, _, _, value)| {
//!     let key = key.key();
//!     let labels: Vec<_> = key.labels().map(|l| (l.key(), l.value())).collect();
//!     let wanted = [("route", "billing"), ("scheme", "civo"), (LABEL_OUTCOME, OUTCOME_HANDLED)];
//!     (key.name() == REQUESTS_TOTAL && labels == wanted).then_some(value)
//! });
//! assert_eq!(handled, Some(DebugValue::Counter(1)));
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use metrics::{Key, Label, Level, Metadata, SharedString, Unit};

use crate::error::ErrorKind;

/// Counter: requests, each counted once by what became of it, labelled `route`,
/// `scheme`, `outcome`.
pub const REQUESTS_TOTAL: &str = "hookshield_requests_total";

/// Histogram, in seconds: from a received body to the pipeline's decision (verification,
/// handshake, replay admission), labelled `route`, `scheme`.
pub const VERIFY_SECONDS: &str = "hookshield_verify_seconds";

/// Histogram, in seconds: from an event's admission to settling its ticket, labelled
/// `route`, `scheme`, `outcome` (`handled` or `handler_failed`).
pub const HANDLER_SECONDS: &str = "hookshield_handler_seconds";

/// Gauge: admitted events whose ticket is not settled yet, labelled `route`, `scheme`.
pub const IN_FLIGHT: &str = "hookshield_in_flight";

/// The label naming the endpoint: [`Receiver::with_metrics_route`](crate::Receiver::with_metrics_route),
/// by default the replay namespace.
pub const LABEL_ROUTE: &str = "route";

/// The label holding the scheme's name.
pub const LABEL_SCHEME: &str = "scheme";

/// The label holding what became of a request: an error code or one of the `OUTCOME_*`
/// values.
pub const LABEL_OUTCOME: &str = "outcome";

/// `outcome`: a copy of an event already handled, answered without running the handler.
pub const OUTCOME_DUPLICATE: &str = "duplicate";

/// `outcome`: the provider's handshake, answered without running the handler.
pub const OUTCOME_HANDSHAKE: &str = "handshake";

/// `outcome`: admitted, and the ticket committed (the handler answered 2xx).
pub const OUTCOME_HANDLED: &str = "handled";

/// `outcome`: admitted, and the ticket released (the handler answered non-2xx or an
/// error, panicked, or the request was dropped).
pub const OUTCOME_HANDLER_FAILED: &str = "handler_failed";

/// Gives the current recorder the description and unit of each metric. Call it once,
/// after installing the recorder; recording works without it.
pub fn describe() {
    metrics::describe_counter!(
        REQUESTS_TOTAL,
        Unit::Count,
        "Webhook requests received by hookshield, each counted once by its outcome."
    );
    metrics::describe_histogram!(
        VERIFY_SECONDS,
        Unit::Seconds,
        "Time from a received webhook body to the pipeline's decision (verification, handshake, replay admission)."
    );
    metrics::describe_histogram!(
        HANDLER_SECONDS,
        Unit::Seconds,
        "Time from a webhook event's admission to settling it, by outcome."
    );
    metrics::describe_gauge!(
        IN_FLIGHT,
        Unit::Count,
        "Admitted webhook events whose handler has not finished."
    );
}

/// Where hookshield's metrics say they come from.
static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// Every rejection-table row, in the order of [`refusal_slot`].
const REFUSALS: [ErrorKind; 13] = [
    ErrorKind::PayloadTooLarge,
    ErrorKind::BodyTimeout,
    ErrorKind::MissingHeader,
    ErrorKind::MalformedHeader,
    ErrorKind::SignatureMismatch,
    ErrorKind::TimestampOutOfWindow,
    ErrorKind::MalformedBody,
    ErrorKind::MissingEventId,
    ErrorKind::DuplicateInFlight,
    ErrorKind::ReplayStoreUnavailable,
    ErrorKind::ChallengeRefused,
    ErrorKind::NotConfigured,
    ErrorKind::KeyUnavailable,
];

/// Where `kind` is in [`REFUSALS`]; a new kind fails to compile here until it is listed.
const fn refusal_slot(kind: ErrorKind) -> usize {
    match kind {
        ErrorKind::PayloadTooLarge => 0,
        ErrorKind::BodyTimeout => 1,
        ErrorKind::MissingHeader => 2,
        ErrorKind::MalformedHeader => 3,
        ErrorKind::SignatureMismatch => 4,
        ErrorKind::TimestampOutOfWindow => 5,
        ErrorKind::MalformedBody => 6,
        ErrorKind::MissingEventId => 7,
        ErrorKind::DuplicateInFlight => 8,
        ErrorKind::ReplayStoreUnavailable => 9,
        ErrorKind::ChallengeRefused => 10,
        ErrorKind::NotConfigured => 11,
        ErrorKind::KeyUnavailable => 12,
    }
}

/// What became of a request the pipeline did not admit.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// Refused: a row of the rejection table.
    Refused(ErrorKind),
    /// A copy of an event already handled.
    Duplicate,
    /// The provider's handshake.
    Handshake,
}

/// One receiver's metric keys, labels included, built once.
pub(crate) struct Instruments {
    route: Arc<str>,
    /// The route was named ([`Receiver::with_metrics_route`](crate::Receiver::with_metrics_route)),
    /// rather than taken from the replay namespace.
    named: bool,
    refused: [Key; REFUSALS.len()],
    duplicate: Key,
    handshake: Key,
    handled: Key,
    handler_failed: Key,
    verify_seconds: Key,
    handled_seconds: Key,
    failed_seconds: Key,
    in_flight: Key,
}

impl Instruments {
    /// The keys of an endpoint whose route is its replay `namespace`.
    pub(crate) fn for_namespace(namespace: &str, scheme: &str) -> Self {
        Self::new(namespace, scheme, false)
    }

    /// The keys of an endpoint named `route`.
    pub(crate) fn named(route: &str, scheme: &str) -> Self {
        Self::new(route, scheme, true)
    }

    fn new(route: &str, scheme: &str, named: bool) -> Self {
        let route: Arc<str> = route.into();
        let route_label = Label::new(LABEL_ROUTE, SharedString::from(Arc::clone(&route)));
        let scheme_label = Label::new(LABEL_SCHEME, SharedString::from(Arc::<str>::from(scheme)));
        let key = |name: &'static str, outcome: Option<&'static str>| {
            let mut labels = vec![route_label.clone(), scheme_label.clone()];
            labels.extend(outcome.map(|outcome| Label::new(LABEL_OUTCOME, outcome)));
            Key::from_parts(name, labels)
        };
        Self {
            refused: REFUSALS.map(|kind| key(REQUESTS_TOTAL, Some(kind.code()))),
            duplicate: key(REQUESTS_TOTAL, Some(OUTCOME_DUPLICATE)),
            handshake: key(REQUESTS_TOTAL, Some(OUTCOME_HANDSHAKE)),
            handled: key(REQUESTS_TOTAL, Some(OUTCOME_HANDLED)),
            handler_failed: key(REQUESTS_TOTAL, Some(OUTCOME_HANDLER_FAILED)),
            verify_seconds: key(VERIFY_SECONDS, None),
            handled_seconds: key(HANDLER_SECONDS, Some(OUTCOME_HANDLED)),
            failed_seconds: key(HANDLER_SECONDS, Some(OUTCOME_HANDLER_FAILED)),
            in_flight: key(IN_FLIGHT, None),
            route,
            named,
        }
    }

    /// The `route` label.
    pub(crate) fn route(&self) -> &str {
        &self.route
    }

    /// Whether the route was named rather than taken from the replay namespace.
    pub(crate) fn is_named(&self) -> bool {
        self.named
    }

    /// Counts a request that was not admitted.
    pub(crate) fn answered(&self, answer: Answer) {
        match answer {
            Answer::Refused(kind) => {
                // Every kind has its slot (the test below checks the two lists agree).
                if let Some(key) = self.refused.get(refusal_slot(kind)) {
                    count(key);
                }
            }
            Answer::Duplicate => count(&self.duplicate),
            Answer::Handshake => count(&self.handshake),
        }
    }

    /// Records the time from `since` to now as a verification.
    pub(crate) fn verified(&self, since: Instant) {
        observe(&self.verify_seconds, since);
    }

    /// An event admitted now: one more in flight until the returned record settles.
    pub(crate) fn admit(self: &Arc<Self>) -> Admitted {
        metrics::with_recorder(|recorder| {
            recorder
                .register_gauge(&self.in_flight, &METADATA)
                .increment(1.0);
        });
        Admitted {
            instruments: Arc::clone(self),
            since: Instant::now(),
        }
    }
}

impl fmt::Debug for Instruments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instruments")
            .field("route", &self.route)
            .field("named", &self.named)
            .finish_non_exhaustive()
    }
}

/// The metrics of one admitted event, carried by its ticket and settled with it.
pub(crate) struct Admitted {
    instruments: Arc<Instruments>,
    since: Instant,
}

impl Admitted {
    /// The event's ticket is settled: committed (`handled`) or released.
    pub(crate) fn settle(self, handled: bool) {
        let instruments = &*self.instruments;
        let (counter, seconds) = if handled {
            (&instruments.handled, &instruments.handled_seconds)
        } else {
            (&instruments.handler_failed, &instruments.failed_seconds)
        };
        count(counter);
        observe(seconds, self.since);
        metrics::with_recorder(|recorder| {
            recorder
                .register_gauge(&instruments.in_flight, &METADATA)
                .decrement(1.0);
        });
    }
}

impl fmt::Debug for Admitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Admitted")
            .field("route", &self.instruments.route)
            .finish_non_exhaustive()
    }
}

fn count(key: &Key) {
    metrics::with_recorder(|recorder| recorder.register_counter(key, &METADATA).increment(1));
}

fn observe(key: &Key, since: Instant) {
    let seconds = since.elapsed().as_secs_f64();
    metrics::with_recorder(|recorder| recorder.register_histogram(key, &METADATA).record(seconds));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_own_key_labelled_with_its_code() {
        let instruments = Instruments::for_namespace("ns", "civo");
        for (slot, kind) in REFUSALS.iter().enumerate() {
            assert_eq!(refusal_slot(*kind), slot, "{kind:?}");
            let key = &instruments.refused[slot];
            let outcome = key.labels().find(|l| l.key() == LABEL_OUTCOME).unwrap();
            assert_eq!(outcome.value(), kind.code());
        }
    }
}
