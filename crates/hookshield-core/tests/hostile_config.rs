//! Configurations that would let a forgery or a replay through, each refused with a
//! `ConfigError` when it is built (issue 11, defects 1, 3 and 5): timestamps the signature
//! does not cover, replay TTLs that do not cover the timestamp window, zero TTLs, body
//! deadlines and budgets, blank secrets given as bytes. And those of the request around
//! the body: public URLs that are not a scheme, host, port and path; URL-signing schemes
//! with no way to know the URL; blank verify tokens; challenges that cannot be answered;
//! templates that sign the URL but not the body, or the body twice.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use hookshield_core::replay::{MemoryStore, ReplayGuard};
use hookshield_core::{
    Algorithm, Challenge, ConfigError, Handshake, Receiver, Scheme, SchemeBuilder, Secret,
    SignOptions, Signer, TimestampWindow, Verifier, presets,
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
            let guard = ReplayGuard::new(MemoryStore::default(), "ns", ttl).unwrap();
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
        ReplayGuard::new(MemoryStore::default(), "ns", Duration::ZERO).unwrap_err(),
        ConfigError::ZeroTtl
    );
    let guard = ReplayGuard::new(MemoryStore::default(), "ns", Duration::from_secs(1)).unwrap();
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

/// The verifier `scheme` builds with a secret and the public URL `url`.
fn with_public_url(scheme: SchemeBuilder, url: &str) -> Result<Verifier, ConfigError> {
    Verifier::builder(scheme)
        .encoded_secret("s3cret")
        .public_url(url)
        .build()
}

/// A public URL is a scheme (`http`, `https`), a host, an optional port and an optional
/// path: a user, a query, a fragment, another scheme, port 0 or spaces would make the
/// signed URL something else than the one the provider calls.
#[test]
fn invalid_public_urls_are_refused() {
    let too_long = format!("https://example.com/{}", "a".repeat(2048));
    for bad in [
        "https://user@example.com",
        "https://user:password@example.com/hooks",
        "https://@example.com",
        "https://example.com/hooks?token=1",
        "https://example.com?x",
        "https://example.com/hooks#frag",
        "https://example.com#",
        "ftp://example.com",
        "ws://example.com",
        "file:///etc/passwd",
        "javascript://example.com",
        "example.com",
        "//example.com",
        "https:/example.com",
        "https://",
        "https:///hooks",
        "https://example.com:0",
        "https://example.com:00",
        "https://example.com:65536",
        "https://example.com:99999",
        "https://example.com:-1",
        "https://example.com:+443",
        "https://example.com:http",
        "https://example.com:",
        "https://exa mple.com",
        " https://example.com",
        "https://example.com /hooks",
        "https://example.com/a b",
        "https://example.com/a\tb",
        "https://example.com/a\nb",
        "https://example.com/caf\u{e9}",
        "https://ex\u{e4}mple.com",
        "https://a:b:c",
        "https://::1",
        "https://exa%6Dple.com",
        "https://example.com\\hooks",
        too_long.as_str(),
    ] {
        for (preset, scheme) in [("twilio", presets::twilio()), ("github", presets::github())] {
            match with_public_url(scheme, bad) {
                Err(ConfigError::InvalidPublicUrl(why)) => assert!(!why.is_empty()),
                other => panic!("{preset}, public URL {bad:?}: {other:?}"),
            }
        }
    }
    // The signer reads the URL it signs for the same way.
    let signer = Signer::new(presets::twilio(), Secret::from_text("s3cret").unwrap()).unwrap();
    for bad in [
        "https://user@example.com/twilio",
        "ftp://example.com/twilio",
        "https://example.com:0/twilio",
        "https://exa mple.com/twilio",
        "https://example.com/a b",
        "example.com/twilio",
    ] {
        assert!(
            matches!(
                signer.sign(b"a=1", &SignOptions::new().url(bad)),
                Err(ConfigError::InvalidPublicUrl(_))
            ),
            "signing for {bad:?}"
        );
    }
    for good in [
        "https://example.com",
        "HTTPS://example.com",
        "https://example.com/",
        "https://example.com:443",
        "https://example.com:8443/api/hooks/",
        "http://127.0.0.1:8080",
        "http://[::1]:8080/hooks",
        "https://Example.COM/Hooks",
        "https://example.com/a%20b",
    ] {
        let verifier = with_public_url(presets::twilio(), good)
            .unwrap_or_else(|e| panic!("public URL {good:?}: {e}"));
        assert!(verifier.public_url().is_some(), "{good}");
    }
}

/// A function giving a scheme, as `presets` has them.
type Preset = fn() -> SchemeBuilder;

/// A scheme that signs the URL cannot guess it: without a public URL it must be told to
/// trust forwarded headers, and then it reads them.
#[test]
fn url_signing_schemes_need_a_public_url_or_trust() {
    let custom = || {
        Scheme::builder("acme")
            .signature_header("X-Sig")
            .signed_content("{url}{body}")
    };
    let url_schemes: [(&str, Preset); 3] = [
        ("twilio", presets::twilio),
        ("square", presets::square),
        ("hubspot", presets::hubspot),
    ];
    for (name, scheme) in url_schemes
        .into_iter()
        .chain([("custom {url}{body}", custom as Preset)])
    {
        let bare = || Verifier::builder(scheme()).encoded_secret("s3cret");
        assert_eq!(
            bare().build().unwrap_err(),
            ConfigError::PublicUrlRequired,
            "{name}"
        );
        assert_eq!(
            bare().trust_forwarded_headers(false).build().unwrap_err(),
            ConfigError::PublicUrlRequired,
            "{name}, trust turned off"
        );
        assert!(
            bare().trust_forwarded_headers(true).build().is_ok(),
            "{name}, trusting forwarded headers"
        );
        assert!(
            bare().public_url("https://example.com").build().is_ok(),
            "{name}, public URL"
        );
        assert!(
            bare()
                .public_url("https://example.com")
                .trust_forwarded_headers(true)
                .build()
                .is_ok(),
            "{name}, both"
        );
        // A bad public URL is reported as such, not as a missing one.
        assert!(
            matches!(
                bare().public_url("ftp://example.com").build(),
                Err(ConfigError::InvalidPublicUrl(_))
            ),
            "{name}"
        );
        // The signer needs the URL too.
        let signer = Signer::new(scheme(), Secret::from_text("s3cret").unwrap()).unwrap();
        assert!(
            matches!(
                signer.sign(b"{}", &SignOptions::new()),
                Err(ConfigError::Inconsistent(_))
            ),
            "{name}: signing without a URL"
        );
    }
    // Schemes that sign no URL need none (the method alone is no URL).
    let method_only = Scheme::builder("acme")
        .signature_header("X-Sig")
        .signed_content("{method}{body}");
    for (name, scheme) in presets::NAMES
        .iter()
        .filter(|n| !matches!(**n, "twilio" | "square" | "hubspot"))
        .map(|n| (*n, presets::by_name(n).unwrap()))
        .chain([("custom {method}{body}", method_only)])
    {
        let secret = match name {
            "standard-webhooks" | "clerk" | "resend" => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            // Public keys: Discord's hex Ed25519, SendGrid's base64 DER P-256.
            "discord" => "6653787a0edd492aa2d26a17f61414937a2bacea2e2b74154129496b6e3c73f8",
            // Plaid's key is a P-256 key too (a fixed one serves, for tests).
            "sendgrid" | "plaid" => {
                "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="
            }
            _ => "s3cret",
        };
        assert!(
            Verifier::builder(scheme)
                .encoded_secret(secret)
                .build()
                .is_ok(),
            "{name}"
        );
    }
}

/// A verify token anyone can guess is no token.
#[test]
fn blank_handshake_tokens_are_refused() {
    let token = |scheme: SchemeBuilder, token: &str| {
        Verifier::builder(scheme)
            .encoded_secret("s3cret")
            .handshake_token(token)
            .build()
    };
    for scheme in [presets::meta, presets::github] {
        assert_eq!(token(scheme(), "").unwrap_err(), ConfigError::EmptySecret);
        for blank in [" ", "   ", "\t", "\n", "\r\n", "\u{a0}", "\u{3000}"] {
            assert_eq!(
                token(scheme(), blank).unwrap_err(),
                ConfigError::BlankSecret,
                "{blank:?}"
            );
        }
        assert!(token(scheme(), "meatyhamhock").is_ok());
        assert!(token(scheme(), " padded ").is_ok());
    }
}

/// A custom challenge must say what to echo, and a `GET` has no body to read.
#[test]
fn challenges_that_cannot_be_answered_are_refused() {
    let build = |challenge: Challenge| {
        Verifier::builder(presets::github().handshake(Handshake::custom(challenge)))
            .encoded_secret("s3cret")
            .build()
    };
    for (what, challenge) in [
        ("GET, nothing to echo", Challenge::get()),
        (
            "GET with a condition and a token, nothing to echo",
            Challenge::get()
                .when_query("mode", "verify")
                .token_query("token"),
        ),
        ("signed, nothing to echo", Challenge::signed()),
        (
            "signed with a condition, nothing to echo",
            Challenge::signed().when_field("type", "url_verification"),
        ),
        (
            "GET echoing a body field",
            Challenge::get().echo_field("challenge"),
        ),
        (
            "GET with a body-field condition",
            Challenge::get()
                .when_field("type", "verify")
                .echo_query("challenge"),
        ),
        ("empty echo query name", Challenge::get().echo_query("")),
        ("empty echo header name", Challenge::get().echo_header("")),
        ("empty echo field path", Challenge::signed().echo_field("")),
        (
            "empty token query name",
            Challenge::get().token_query("").echo_query("c"),
        ),
        (
            "empty token header name",
            Challenge::get().token_header("").echo_query("c"),
        ),
        (
            "empty condition header name",
            Challenge::get().when_header("", "x").echo_query("c"),
        ),
        (
            "empty condition query name",
            Challenge::get().when_query("", "x").echo_query("c"),
        ),
    ] {
        match build(challenge) {
            Err(ConfigError::Handshake(why)) => assert!(!why.is_empty(), "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    // The same checks when the scheme is built alone.
    assert!(matches!(
        Scheme::builder("acme")
            .signature_header("X-Sig")
            .handshake(Handshake::custom(Challenge::get()))
            .build(),
        Err(ConfigError::Handshake(_))
    ));
    for (what, challenge) in [
        (
            "GET echoing a query parameter",
            Challenge::get().echo_query("c"),
        ),
        (
            "GET echoing a header as JSON",
            Challenge::get().echo_header("x-challenge").json_member("v"),
        ),
        (
            "GET with a header token",
            Challenge::get().token_header("x-token").echo_query("c"),
        ),
        (
            "signed, echoing a body field",
            Challenge::signed()
                .when_header("x-type", "verify")
                .echo_field("data.challenge"),
        ),
    ] {
        assert!(build(challenge).is_ok(), "{what}");
    }
}

/// The body is signed exactly once, as bytes or as form fields; the URL options need the
/// URL, and the body hash needs the form it stands for.
#[test]
fn templates_and_url_options_that_cannot_be_signed_are_refused() {
    let base = || Scheme::builder("acme").signature_header("X-Sig");
    for template in [
        "{url}",
        "{method}",
        "{method}{url}",
        "{url}{t}",
        "{body}{form}",
        "{form}{body}",
        "{url}{form}{form}",
        "{url}{url}{body}",
        "{method}{method}{body}",
        "{url}{body}{body}",
        "{uri}{body}",
        "{URL}{body}",
        "{url{body}",
    ] {
        match base().signed_content(template).build() {
            Err(ConfigError::Template(why)) => assert!(!why.is_empty(), "{template}"),
            other => panic!("{template}: {other:?}"),
        }
    }
    for (what, scheme, want) in [
        (
            "a body hash without {form}",
            base()
                .signed_content("{url}{body}")
                .body_hash_param("bodySHA256"),
            "{form}",
        ),
        (
            "a body hash without {url}",
            base()
                .signed_content("{form}")
                .body_hash_param("bodySHA256"),
            "{url}",
        ),
        (
            "port variants without {url}",
            base().signed_content("{body}").url_port_variants(true),
            "{url}",
        ),
        (
            "decoded escapes without {url}",
            base().signed_content("{method}{body}").url_unescape(":/"),
            "{url}",
        ),
    ] {
        match scheme.build() {
            Err(ConfigError::Inconsistent(why)) => assert!(why.contains(want), "{what}: {why}"),
            other => panic!("{what}: {other:?}"),
        }
    }
    assert_eq!(
        base()
            .signed_content("{url}{form}")
            .body_hash_param("")
            .build()
            .unwrap_err(),
        ConfigError::EmptyField
    );
    // What the presets use is fine, and port variants turned off need nothing.
    for template in [
        "{url}{form}",
        "{url}{body}",
        "{method}{url}{body}",
        "{form}",
    ] {
        assert!(
            base().signed_content(template).build().is_ok(),
            "{template}"
        );
    }
    assert!(
        base()
            .signed_content("{url}{form}")
            .body_hash_param("bodySHA256")
            .url_port_variants(true)
            .build()
            .is_ok()
    );
    assert!(base().url_port_variants(false).build().is_ok());
}
