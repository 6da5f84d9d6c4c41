//! "Every rejection row has a code, a trace event and an extension": one table of rows,
//! driven in-process against the tower layer and the actix-web middleware. For each row:
//! the status and `{"error":"<code>"}` body (`Retry-After` on 409 and 503), the
//! [`Rejection`] in the response extensions, exactly one `hookshield::rejection` event
//! with `code`, `status` and `scheme`, emitted inside the `hookshield.receive` span, and
//! no secret, signature or body in any event or span field. Adding a row is adding one
//! entry to [`cases`] (in `table.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

#[path = "../support/mod.rs"]
mod support;

#[cfg(feature = "actix")]
mod actix_adapter;
mod capture;
mod table;
mod tower_adapter;
mod trickle;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use hookshield::{DUPLICATE_BODY, REJECTION_TARGET, Receiver, Rejection};
use tokio::sync::Notify;

use capture::Capture;
use table::{BODY, Case, Delivery, MARKER, Preset, Scenario, cases, civo};

/// What the test handlers answer (200).
const HANDLED: &[u8] = b"handled";

/// What the test handlers share: how many times they ran, and a gate that holds the next
/// request reaching them, once armed, until released.
#[derive(Debug, Clone, Default)]
struct Gate {
    runs: Arc<AtomicUsize>,
    armed: Arc<AtomicBool>,
    entered: Arc<Notify>,
    release: Arc<Notify>,
}

impl Gate {
    async fn pass(&self) {
        self.runs.fetch_add(1, Ordering::SeqCst);
        if self.armed.swap(false, Ordering::SeqCst) {
            self.entered.notify_one();
            self.release.notified().await;
        }
    }
}

/// A response, framework-neutral.
#[derive(Debug)]
struct Outcome {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    body: Bytes,
    rejection: Option<Rejection>,
}

/// Sends the row's request(s) with `send` and checks the answer and what was traced;
/// returns what is wrong.
async fn drive(
    adapter: &str,
    case: &Case,
    gate: &Gate,
    capture: &Capture,
    send: impl AsyncFn(Delivery) -> Outcome,
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut first_handled = |first: &Outcome| {
        if (first.status, &*first.body) != (200, HANDLED) {
            errors.push(format!("the first copy was not handled: {first:?}"));
        }
    };
    let delivery = (case.request)();
    let outcome = match case.scenario {
        Scenario::Once => send(delivery.clone()).await,
        Scenario::AfterHandled => {
            first_handled(&send(delivery.clone()).await);
            capture.take();
            send(delivery.clone()).await
        }
        Scenario::WhileHandled => {
            gate.armed.store(true, Ordering::SeqCst);
            let (first, copy) = tokio::join!(send(delivery.clone()), async {
                // Bounded, so a first copy that never reaches the handler fails, not hangs.
                let entered = gate.entered.notified();
                let _ = tokio::time::timeout(Duration::from_secs(5), entered).await;
                let copy = send(delivery.clone()).await;
                gate.release.notify_one();
                copy
            });
            first_handled(&first);
            copy
        }
    };
    // Only the first copy of the two-copy scenarios reaches the handler.
    let runs = gate.runs.load(Ordering::SeqCst);
    let want = usize::from(!matches!(case.scenario, Scenario::Once));
    if runs != want {
        errors.push(format!("the handler ran {runs} times, expected {want}"));
    }
    check(case, &delivery, &outcome, capture, &mut errors);
    errors
        .into_iter()
        .map(|error| format!("{adapter} / {}: {error}", case.name))
        .collect()
}

fn check(
    case: &Case,
    delivery: &Delivery,
    outcome: &Outcome,
    capture: &Capture,
    errors: &mut Vec<String>,
) {
    let mut expect = |ok: bool, what: String| {
        if !ok {
            errors.push(what);
        }
    };
    let is_rejection = case.code != "duplicate";
    let body = if is_rejection {
        format!(r#"{{"error":"{}"}}"#, case.code)
    } else {
        DUPLICATE_BODY.to_owned()
    };
    expect(
        outcome.status == case.status && outcome.body == body.as_bytes(),
        format!("expected {} {body}, got {outcome:?}", case.status),
    );
    let json = outcome.content_type.as_deref() == Some("application/json");
    expect(json, format!("content type {:?}", outcome.content_type));
    let retry = matches!(case.status, 409 | 503).then_some("10");
    let got = outcome.retry_after.as_deref();
    expect(
        got == retry,
        format!("Retry-After {got:?}, expected {retry:?}"),
    );
    if is_rejection {
        let ext = outcome.rejection.as_ref().map(|r| (r.code(), r.status()));
        let want = Some((case.code, case.status));
        expect(
            ext == want,
            format!("Rejection extension {ext:?}, expected {want:?}"),
        );
    }

    let (events, spans, entered) = capture.take();
    let rows: Vec<_> = events
        .iter()
        .filter(|e| e.name == REJECTION_TARGET)
        .collect();
    expect(
        rows.len() == 1,
        format!("expected one rejection event: {rows:?}"),
    );
    for event in rows {
        let fields = [
            ("code", case.code.to_owned()),
            ("status", case.status.to_string()),
            ("scheme", case.preset.scheme().to_owned()),
        ];
        for (name, value) in fields {
            let got = event.field(name);
            expect(
                got == Some(&*value),
                format!("event field {name} {got:?} in {event:?}"),
            );
        }
        let inside = event.scope.iter().any(|s| s == "hookshield.receive");
        expect(
            inside,
            format!("outside the hookshield.receive span: {event:?}"),
        );
    }
    let entered_receive = entered.iter().any(|s| s == "hookshield.receive");
    expect(entered_receive, format!("spans entered: {entered:?}"));

    let body: Vec<u8> = delivery.chunks.iter().flatten().copied().collect();
    let mut secrets = vec![case.preset.secret().to_owned(), MARKER.to_owned()];
    secrets.push(String::from_utf8_lossy(&body).into_owned());
    let signature = delivery
        .headers
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().contains("signature"));
    secrets.extend(signature.map(|(_, v)| v.clone()));
    for record in events.iter().chain(&spans) {
        for (name, value) in &record.fields {
            let leaked = secrets.iter().find(|s| value.contains(s.as_str()));
            expect(
                leaked.is_none(),
                format!("field {name} leaks {leaked:?}: {record:?}"),
            );
        }
    }
}

#[track_caller]
fn assert_no_errors(errors: &[String]) {
    assert!(errors.is_empty(), "\n{}\n", errors.join("\n"));
}

#[tokio::test]
async fn every_row_has_a_code_an_event_and_an_extension_in_the_tower_layer() {
    let (capture, _guard) = Capture::install();
    let mut errors = Vec::new();
    for case in cases() {
        errors.extend(tower_adapter::run(&case, &capture).await);
    }
    assert_no_errors(&errors);
}

#[cfg(feature = "actix")]
#[actix_rt::test]
async fn every_row_has_a_code_an_event_and_an_extension_in_the_actix_middleware() {
    let (capture, _guard) = Capture::install();
    let mut errors = Vec::new();
    for case in cases() {
        errors.extend(actix_adapter::run(&case, &capture).await);
    }
    assert_no_errors(&errors);
}

/// A custom responder writes its own body; the adapter still adds `Retry-After` and the
/// extension, and the event is still emitted.
fn check_custom(outcome: &Outcome, capture: &Capture) {
    assert_eq!(outcome.status, 503, "{outcome:?}");
    assert_eq!(outcome.body, "custom: replay_store_unavailable");
    assert_eq!(outcome.retry_after.as_deref(), Some("10"), "{outcome:?}");
    let rejection = outcome.rejection.as_ref().expect("the Rejection extension");
    assert_eq!(
        (rejection.code(), rejection.status()),
        ("replay_store_unavailable", 503)
    );
    let (events, _, _) = capture.take();
    let codes: Vec<_> = events.iter().filter_map(|e| e.field("code")).collect();
    assert_eq!(codes, ["replay_store_unavailable"], "{events:?}");
}

#[tokio::test]
async fn a_custom_tower_responder_still_gets_the_extension_and_retry_after() {
    let (capture, _guard) = Capture::install();
    let receiver = Receiver::new(Preset::Civo.verifier()).with_replay_store(support::DownStore);
    let outcome = tower_adapter::custom(receiver, Delivery::whole(civo(), BODY)).await;
    check_custom(&outcome, &capture);
}

#[cfg(feature = "actix")]
#[actix_rt::test]
async fn a_custom_actix_responder_still_gets_the_extension_and_retry_after() {
    let (capture, _guard) = Capture::install();
    let receiver = Receiver::new(Preset::Civo.verifier()).with_replay_store(support::DownStore);
    let outcome = actix_adapter::custom(receiver, Delivery::whole(civo(), BODY)).await;
    check_custom(&outcome, &capture);
}
