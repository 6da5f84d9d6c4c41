//! Configurations that would let a forgery or a replay through, each refused with a
//! `ConfigError` when it is built (issue 11, defects 1, 3 and 5): timestamps the signature
//! does not cover, replay TTLs that do not cover the timestamp window, zero TTLs, body
//! deadlines and budgets, blank secrets given as bytes.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use hookshield_core::replay::{MokaStore, ReplayGuard};
use hookshield_core::{
    Algorithm, ConfigError, Receiver, Scheme, SchemeBuilder, Secret, TimestampWindow, Verifier,
    presets,
};

fn unsigned_timestamp(err: Result<Scheme, ConfigError>, what: &str) {
    match err {
        Err(ConfigError::Inconsistent(text)) => {
            assert!(text.contains("not signed"), "{what}: {text}");
        }
        other => panic!("{what}: built {other:?}"),
    }
}

/// A timestamp read from a header or a signature parameter that the signed content does
/// not include: the window would check a value anyone can change.
#[test]
fn timestamps_the_signature_does_not_cover_are_refused() {
    let base = || Scheme::builder("acme").signature_header("X-Sig");
    unsigned_timestamp(base().timestamp_header("X-Ts").build(), "header, {body}");
    unsigned_timestamp(
        base()
            .timestamp_header("X-Ts")
            .id_header("X-Id")
            .signed_content("{id}.{body}")
            .build(),
        "header, {id}.{body}",
    );
    unsigned_timestamp(
        base()
            .key_value_list(',', '=', "v1")
            .timestamp_param("t")
            .build(),
        "parameter, {body}",
    );
    unsigned_timestamp(
        base()
            .algorithm(Algorithm::HmacSha512)
            .timestamp_header("X-Ts")
            .timestamp_header_alias("X-Ts-Old")
            .build(),
        "aliases",
    );
    // Covered: a template with {t}, or a field of the signed body.
    assert!(
        base()
            .timestamp_header("X-Ts")
            .signed_content("{t}.{body}")
            .build()
            .is_ok()
    );
    assert!(base().timestamp_field("created").build().is_ok());
    // Every preset with a timestamp signs it.
    for name in presets::NAMES {
        presets::by_name(name).unwrap().build().unwrap();
    }
}

fn verifier(scheme: SchemeBuilder, secret: &str) -> Verifier {
    Verifier::builder(scheme)
        .encoded_secret(secret)
        .build()
        .unwrap()
}

/// A TTL shorter than the window's span (past + future) lets a signed request run again
/// inside its window once its id is forgotten.
#[test]
fn ttls_that_do_not_cover_the_window_are_refused() {
    let sw = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let cases = [
        ("stripe", verifier(presets::stripe(), "whsec_s"), 600),
        ("slack", verifier(presets::slack(), "s"), 600),
        (
            "standard-webhooks",
            verifier(presets::standard_webhooks(), sw),
            600,
        ),
        (
            "slack, window widened to 2 h each way",
            Verifier::builder(presets::slack())
                .encoded_secret("s")
                .tolerance(Duration::from_secs(7200))
                .build()
                .unwrap(),
            14_400,
        ),
    ];
    for (what, verifier, span) in cases {
        let window = Duration::from_secs(span);
        for ttl in [Duration::from_secs(1), window - Duration::from_millis(1)] {
            assert_eq!(
                Receiver::new(verifier.clone()).with_ttl(ttl).unwrap_err(),
                ConfigError::TtlShorterThanWindow { ttl, window },
                "{what}: {ttl:?}"
            );
            let guard = ReplayGuard::new(MokaStore::default(), "ns", ttl).unwrap();
            assert_eq!(
                Receiver::new(verifier.clone())
                    .with_replay_guard(guard)
                    .unwrap_err(),
                ConfigError::TtlShorterThanWindow { ttl, window },
                "{what}: a guard with {ttl:?}"
            );
        }
        // Exactly the span is enough, and the default always covers the window (it is
        // widened when the verifier's window is wider than the scheme's TTL).
        assert!(Receiver::new(verifier.clone()).with_ttl(window).is_ok());
        let receiver = Receiver::new(verifier);
        assert!(receiver.replay_guard().ttl() >= window, "{what}");
    }
    // The message names both figures.
    let err = Receiver::new(verifier(presets::stripe(), "whsec_s"))
        .with_ttl(Duration::from_secs(1))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the replay TTL (1s) is shorter than the timestamp window it must cover (600s)"
    );
}

#[test]
fn zero_ttls_deadlines_and_budgets_are_refused() {
    let civo = || Receiver::new(verifier(presets::civo(), "s"));
    assert_eq!(
        civo().with_ttl(Duration::ZERO).unwrap_err(),
        ConfigError::ZeroTtl
    );
    assert_eq!(
        ReplayGuard::new(MokaStore::default(), "ns", Duration::ZERO).unwrap_err(),
        ConfigError::ZeroTtl
    );
    let guard = ReplayGuard::new(MokaStore::default(), "ns", Duration::from_secs(1)).unwrap();
    assert_eq!(
        guard.with_ttl(Duration::ZERO).unwrap_err(),
        ConfigError::ZeroTtl
    );
    assert_eq!(
        civo().with_body_timeout(Duration::ZERO).unwrap_err(),
        ConfigError::ZeroBodyTimeout
    );
    assert_eq!(
        civo().with_body_budget(0).unwrap_err(),
        ConfigError::ZeroBodyBudget
    );
    // Without a timestamp any TTL above zero is the user's choice.
    assert!(civo().with_ttl(Duration::from_millis(1)).is_ok());
}

#[test]
fn blank_secrets_are_refused_as_bytes_too() {
    for blank in [&b" "[..], b"\n", b"\r\n", b"\t \t"] {
        assert_eq!(
            Secret::from_bytes(blank).unwrap_err(),
            ConfigError::BlankSecret
        );
    }
    // A window that is not symmetric: the span is past + future.
    let verifier = Verifier::builder(presets::stripe())
        .encoded_secret("whsec_s")
        .window(TimestampWindow::new(
            Duration::from_secs(300),
            Duration::from_secs(30),
        ))
        .build()
        .unwrap();
    assert_eq!(
        Receiver::new(verifier)
            .with_ttl(Duration::from_secs(329))
            .unwrap_err(),
        ConfigError::TtlShorterThanWindow {
            ttl: Duration::from_secs(329),
            window: Duration::from_secs(330)
        }
    );
}
