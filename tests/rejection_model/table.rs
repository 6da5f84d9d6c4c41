//! The rows of the rejection table and how to provoke each one: the preset, the
//! receiver's configuration, the request and how it is sent, the expected status and code.

use std::time::Duration;

use bytes::Bytes;
use hookshield::{Receiver, Secret, Signer, Verifier, presets};
use time::OffsetDateTime;

use crate::support::{self, Headers, Provider, replaced, sign_with, without};

/// Every body carries `MARKER`, which no event or span field may contain.
pub(crate) const BODY: &[u8] = br#"{"event":"instance.created","note":"zq7-body-marker"}"#;
const FORGED: &[u8] = br#"{"event":"instance.deleted","note":"zq7-body-marker"}"#;
const NOT_JSON: &[u8] = b"plain text, signed, zq7-body-marker";
const NO_ID: &[u8] = br#"{"object":"event","type":"invoice.paid","note":"zq7-body-marker"}"#;
pub(crate) const MARKER: &str = "zq7-body-marker";
const STRIPE_SECRET: &str = "whsec_stripe_rejection_model_secret";

#[derive(Debug, Clone, Copy)]
pub(crate) enum Preset {
    Civo,
    Stripe,
    StandardWebhooks,
}

impl Preset {
    pub(crate) fn verifier(self) -> Verifier {
        match self {
            Self::Civo => Provider::Civo.verifier(),
            Self::StandardWebhooks => Provider::StandardWebhooks.verifier(),
            Self::Stripe => Verifier::builder(presets::stripe())
                .encoded_secret(STRIPE_SECRET)
                .build()
                .unwrap(),
        }
    }

    pub(crate) fn scheme(self) -> &'static str {
        match self {
            Self::Civo => "civo",
            Self::Stripe => "stripe",
            Self::StandardWebhooks => "standard-webhooks",
        }
    }

    pub(crate) fn secret(self) -> &'static str {
        match self {
            Self::Civo => support::CIVO_SECRET,
            Self::Stripe => STRIPE_SECRET,
            Self::StandardWebhooks => support::SW_SECRET,
        }
    }

    fn sign_at(self, body: &[u8], id: &str, at: OffsetDateTime) -> Headers {
        match self {
            Self::Civo => Provider::Civo.sign_at(body, id, at),
            Self::StandardWebhooks => Provider::StandardWebhooks.sign_at(body, id, at),
            Self::Stripe => {
                let secret = Secret::from_text(STRIPE_SECRET).unwrap();
                let signer = Signer::new(presets::stripe(), secret).unwrap();
                sign_with(&signer, body, id, at)
            }
        }
    }

    fn sign(self, body: &[u8]) -> Headers {
        self.sign_at(body, "evt-rejection-model-1", OffsetDateTime::now_utc())
    }
}

/// How the receiver is configured for a row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Setup {
    Defaults,
    /// `with_body_limit(16)`.
    TinyBodyLimit,
    /// `with_body_timeout(200ms)`.
    ShortBodyTimeout,
    /// `with_replay_store(DownStore)`.
    StoreDown,
}

/// How the request of a row is sent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scenario {
    Once,
    /// A first copy is handled (200), then the checked copy is sent.
    AfterHandled,
    /// The checked copy is sent while the handler holds the first one.
    WhileHandled,
}

/// A request, framework-neutral: the adapters turn it into theirs.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) headers: Headers,
    pub(crate) chunks: Vec<Bytes>,
    pub(crate) content_length: Option<usize>,
    /// After the chunks, the body neither ends nor sends more.
    pub(crate) stall: bool,
}

impl Delivery {
    pub(crate) fn whole(headers: Headers, body: &'static [u8]) -> Self {
        let chunks = vec![Bytes::from_static(body)];
        Self {
            headers,
            chunks,
            content_length: Some(body.len()),
            stall: false,
        }
    }

    /// No `Content-Length`: 8-byte chunks.
    fn chunked(headers: Headers, body: &'static [u8]) -> Self {
        let chunks = body.chunks(8).map(Bytes::from_static).collect();
        Self {
            headers,
            chunks,
            content_length: None,
            stall: false,
        }
    }

    /// The whole length declared, half of the body sent, then nothing.
    fn stalled(headers: Headers, body: &'static [u8]) -> Self {
        let half = Bytes::from_static(&body[..body.len() / 2]);
        Self {
            headers,
            chunks: vec![half],
            content_length: Some(body.len()),
            stall: true,
        }
    }
}

/// A row of the rejection table, and how to provoke it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) preset: Preset,
    pub(crate) setup: Setup,
    pub(crate) scenario: Scenario,
    pub(crate) request: fn() -> Delivery,
    pub(crate) status: u16,
    pub(crate) code: &'static str,
}

impl Case {
    /// A row sending, unless told otherwise ([`sends`](Self::sends)), one Civo delivery of
    /// `BODY` signed now to a receiver with the defaults.
    fn new(name: &'static str, preset: Preset, status: u16, code: &'static str) -> Self {
        let request = || Delivery::whole(Preset::Civo.sign(BODY), BODY);
        let (setup, scenario) = (Setup::Defaults, Scenario::Once);
        Self {
            name,
            preset,
            setup,
            scenario,
            request,
            status,
            code,
        }
    }

    fn sends(self, request: fn() -> Delivery) -> Self {
        Self { request, ..self }
    }

    fn setup(self, setup: Setup) -> Self {
        Self { setup, ..self }
    }

    fn scenario(self, scenario: Scenario) -> Self {
        Self { scenario, ..self }
    }

    /// The receiver of the row, but for its replay store.
    pub(crate) fn receiver(&self) -> Receiver {
        let receiver = Receiver::new(self.preset.verifier());
        match self.setup {
            Setup::Defaults | Setup::StoreDown => receiver,
            Setup::TinyBodyLimit => receiver.with_body_limit(16).unwrap(),
            Setup::ShortBodyTimeout => receiver
                .with_body_timeout(Duration::from_millis(200))
                .unwrap(),
        }
    }
}

pub(crate) fn civo() -> Headers {
    Preset::Civo.sign(BODY)
}

/// The table. A duplicate already handled is not a rejection (no `Rejection` expected) but
/// has its code and event too.
pub(crate) fn cases() -> Vec<Case> {
    use {Preset::*, Scenario::*, Setup::*};
    vec![
        Case::new(
            "payload_too_large by Content-Length",
            Civo,
            413,
            "payload_too_large",
        )
        .setup(TinyBodyLimit),
        Case::new("payload_too_large chunked", Civo, 413, "payload_too_large")
            .setup(TinyBodyLimit)
            .sends(|| Delivery::chunked(civo(), BODY)),
        Case::new("body_timeout", Civo, 408, "body_timeout")
            .setup(ShortBodyTimeout)
            .sends(|| Delivery::stalled(civo(), BODY)),
        Case::new("missing_header", Civo, 401, "missing_header")
            .sends(|| Delivery::whole(without(civo(), "X-Civo-Signature"), BODY)),
        Case::new("malformed_header repeated", Civo, 400, "malformed_header").sends(|| {
            let mut headers = civo();
            let signature = headers.iter().find(|(k, _)| k == "X-Civo-Signature");
            headers.push(signature.unwrap().clone());
            Delivery::whole(headers, BODY)
        }),
        Case::new("malformed_header garbled", Civo, 400, "malformed_header")
            .sends(|| Delivery::whole(replaced(civo(), "X-Civo-Signature", "zz-not-hex"), BODY)),
        Case::new("signature_mismatch", Civo, 401, "signature_mismatch")
            .sends(|| Delivery::whole(civo(), FORGED)),
        Case::new(
            "timestamp_out_of_window",
            StandardWebhooks,
            401,
            "timestamp_out_of_window",
        )
        .sends(|| {
            let at = OffsetDateTime::now_utc() - Duration::from_secs(600);
            Delivery::whole(StandardWebhooks.sign_at(BODY, "msg_1", at), BODY)
        }),
        Case::new("malformed_body", Stripe, 400, "malformed_body")
            .sends(|| Delivery::whole(Stripe.sign(NOT_JSON), NOT_JSON)),
        Case::new("missing_event_id", Stripe, 400, "missing_event_id")
            .sends(|| Delivery::whole(Stripe.sign(NO_ID), NO_ID)),
        Case::new("duplicate_in_flight", Civo, 409, "duplicate_in_flight").scenario(WhileHandled),
        Case::new(
            "replay_store_unavailable",
            Civo,
            503,
            "replay_store_unavailable",
        )
        .setup(StoreDown),
        Case::new("duplicate already handled", Civo, 200, "duplicate").scenario(AfterHandled),
    ]
}
