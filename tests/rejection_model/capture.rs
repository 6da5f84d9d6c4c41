//! A `tracing` layer that records every event (target, fields, the spans it was emitted
//! in) and every span (name, fields, entered or not), for the current thread only.

use std::fmt;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::subscriber::DefaultGuard;
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::{LookupSpan, Registry};

/// One event or span: its target or name, and its fields as text.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) name: String,
    pub(crate) fields: Vec<(String, String)>,
    /// The names of the spans the event was emitted in, innermost first.
    pub(crate) scope: Vec<String>,
}

impl Record {
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct Records {
    events: Vec<Record>,
    spans: Vec<Record>,
    entered: Vec<String>,
}

/// What was recorded since the last [`Capture::take`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Records>>);

impl Capture {
    /// Records what the current thread emits until the guard is dropped.
    pub(crate) fn install() -> (Self, DefaultGuard) {
        let capture = Self::default();
        let subscriber = Registry::default().with(capture.clone());
        (capture, tracing::subscriber::set_default(subscriber))
    }

    /// The events, the spans created and the names of the spans entered; clears them.
    pub(crate) fn take(&self) -> (Vec<Record>, Vec<Record>, Vec<String>) {
        let mut records = self.0.lock().unwrap();
        let Records {
            events,
            spans,
            entered,
        } = std::mem::take(&mut *records);
        (events, spans, entered)
    }
}

struct Fields(Vec<(String, String)>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        let mut fields = Fields(Vec::new());
        attrs.record(&mut fields);
        let name = attrs.metadata().name().to_owned();
        let span = Record {
            name,
            fields: fields.0,
            scope: Vec::new(),
        };
        self.0.lock().unwrap().spans.push(span);
    }

    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            self.0.lock().unwrap().entered.push(span.name().to_owned());
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields(Vec::new());
        event.record(&mut fields);
        let scope = ctx
            .event_scope(event)
            .map(|scope| scope.map(|span| span.name().to_owned()).collect())
            .unwrap_or_default();
        let event = Record {
            name: event.metadata().target().to_owned(),
            fields: fields.0,
            scope,
        };
        self.0.lock().unwrap().events.push(event);
    }
}
