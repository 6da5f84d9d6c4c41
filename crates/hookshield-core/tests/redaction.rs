//! Redaction: no public type that holds a secret or signature material prints it.
//!
//! `Debug` (`{:?}` and `{:#?}`) and, where implemented, `Display` of [`Secret`] (and a
//! verifier's handshake token),
//! [`Verifier`], [`VerifierBuilder`], [`Signer`], [`SignedHeaders`], [`Scheme`],
//! [`SchemeBuilder`], [`Verified`], [`KeySet`], [`KeySetBuilder`], [`KeyMap`],
//! [`ConfigError`] and [`VerifyError`] are searched for the
//! secret as text, as lower- and upper-case hex, as standard (padded and unpadded) and
//! URL-safe base64, in `whsec_` form, and as the decimal byte list a derived `Debug` of a
//! `Vec<u8>` would print. A refused request's error is also searched for the MAC the
//! verifier computed, the signature it received and the body.
//!
//! A [`PrivateKey`] (and the signers and errors around one) is searched for its text
//! (`to_text()`: Ed25519's hex seed, P-256's PKCS#8 PEM, each line of it), its seed or
//! scalar in every form above, and Standard Webhooks' `whsk_` form; a [`PublicKey`] prints
//! its algorithm and fingerprint, which is nothing secret.

// clippy.toml's in-test allowances cover `#[test]` functions only, not the helpers below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::{Debug, Display};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use hookshield_core::{
    Algorithm, ConfigError, FixedClock, KeyMap, KeySet, PrivateKey, PublicKey, RequestContext,
    Scheme, SchemeBuilder, Secret, SignOptions, SignedHeaders, Signer, Verifier, VerifierBuilder,
    presets,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The secret every test uses; distinctive enough that any occurrence is a leak.
const SECRET: &str = "s3cr3t-DO-NOT-LEAK-7f9a";
/// A body whose bytes must not show up in errors either.
const BODY: &[u8] = br#"{"id":"evt_1","event_id":"e1","payload":"BODY-MARKER-91c2e0"}"#;
const NOW: i64 = 1_700_000_000;

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(NOW).unwrap()
}

/// The secret as Standard Webhooks shows it: `whsec_` + base64 of the key bytes.
fn whsec() -> String {
    format!("whsec_{}", STANDARD.encode(SECRET))
}

/// Every way `bytes` could appear in printed output.
fn forms(bytes: &[u8]) -> Vec<String> {
    let mut forms = vec![
        const_hex::encode(bytes),
        const_hex::encode_upper(bytes),
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        // A derived `Debug` of `Vec<u8>` / `[u8]`, with the whitespace taken out.
        bytes
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(","),
    ];
    if let Ok(text) = std::str::from_utf8(bytes) {
        forms.push(text.to_owned());
        // `Debug` of a `str` escapes it; the escaped form of these texts is the text.
        forms.push(format!("{text:?}").trim_matches('"').to_owned());
    }
    forms.retain(|f| f.len() >= 8);
    forms
}

/// The forms of the secret, its `whsec_` text, and the fragment that names it.
fn secret_forms() -> Vec<String> {
    let mut needles = forms(SECRET.as_bytes());
    needles.extend(forms(whsec().as_bytes()));
    needles.push("DO-NOT-LEAK".to_owned());
    needles
}

/// The first of `needles` found in `printed`, or in `printed` with all whitespace removed
/// (for pretty output).
fn leak<'n>(printed: &str, needles: &'n [String]) -> Option<&'n String> {
    let squeezed: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
    needles
        .iter()
        .find(|needle| printed.contains(needle.as_str()) || squeezed.contains(needle.as_str()))
}

/// Fails when `printed` contains any of `needles`.
fn assert_clean(what: &str, printed: &str, needles: &[String]) {
    let found = leak(printed, needles);
    assert!(found.is_none(), "{what} leaks {found:?}: {printed}");
}

/// Checks `{:?}` and `{:#?}`.
fn debug_clean(what: &str, value: &impl Debug, needles: &[String]) {
    assert_clean(&format!("{what} {{:?}}"), &format!("{value:?}"), needles);
    assert_clean(&format!("{what} {{:#?}}"), &format!("{value:#?}"), needles);
}

/// Checks `{:?}`, `{:#?}` and `{}`.
fn all_clean(what: &str, value: &(impl Debug + Display), needles: &[String]) {
    debug_clean(what, value, needles);
    assert_clean(&format!("{what} {{}}"), &value.to_string(), needles);
    assert_clean(&format!("{what} {{:#}}"), &format!("{value:#}"), needles);
}

/// Every preset, plus a custom scheme, with the secret in the form each expects.
fn schemes() -> Vec<(&'static str, SchemeBuilder, String)> {
    let custom = Scheme::builder("custom")
        .algorithm(hookshield_core::Algorithm::HmacSha512)
        .signature_header("X-Custom-Signature")
        .key_value_list(';', '=', "sig")
        .encoding(hookshield_core::Encoding::Base64)
        .signed_content("{t}.{body}")
        .timestamp_param("t")
        .id_header("X-Custom-Id");
    vec![
        ("civo", presets::civo(), SECRET.to_owned()),
        ("hcp", presets::hcp(), SECRET.to_owned()),
        ("github", presets::github(), SECRET.to_owned()),
        ("stripe", presets::stripe(), SECRET.to_owned()),
        ("slack", presets::slack(), SECRET.to_owned()),
        ("shopify", presets::shopify(), SECRET.to_owned()),
        ("standard-webhooks", presets::standard_webhooks(), whsec()),
        (
            "shared-token",
            presets::shared_token("X-Webhook-Secret"),
            SECRET.to_owned(),
        ),
        ("custom", custom, SECRET.to_owned()),
    ]
}

#[test]
fn secret_never_prints() {
    let needles = secret_forms();
    let secrets = [
        Secret::from_text(SECRET).unwrap(),
        Secret::from_bytes(SECRET.as_bytes()).unwrap(),
        Secret::from_base64(&STANDARD.encode(SECRET)).unwrap(),
        Secret::from_prefixed_base64("whsec_", &whsec()).unwrap(),
        presets::standard_webhooks()
            .build()
            .unwrap()
            .parse_secret(&whsec())
            .unwrap(),
    ];
    for secret in &secrets {
        assert_eq!(secret.expose(), SECRET.as_bytes());
        assert_eq!(format!("{secret:?}"), "Secret(REDACTED)");
        debug_clean("Secret", secret, &needles);
        debug_clean("Secret clone", &secret.clone(), &needles);
        debug_clean("Some(Secret)", &Some(secret.clone()), &needles);
        debug_clean(
            "Ok(Secret)",
            &Ok::<_, ConfigError>(secret.clone()),
            &needles,
        );
    }
}

#[test]
fn schemes_and_builders_never_print_the_secret() {
    let needles = secret_forms();
    for (name, builder, secret) in schemes() {
        debug_clean(&format!("{name} SchemeBuilder"), &builder, &needles);
        let scheme = builder.clone().build().unwrap();
        debug_clean(&format!("{name} Scheme"), &scheme, &needles);
        let key = scheme.parse_secret(&secret).unwrap();
        debug_clean(&format!("{name} parsed Secret"), &key, &needles);

        let verifier_builder: VerifierBuilder = Verifier::builder(builder.clone())
            .encoded_secret(&secret)
            .secret(key.clone())
            .labeled_secret("current", key.clone())
            .labeled_encoded_secret("previous", &secret)
            // A verify token is a secret too (Meta's `hub.verify_token`).
            .handshake_token(SECRET)
            .public_url("https://hooks.example.com")
            .clock(FixedClock(now()));
        debug_clean(
            &format!("{name} VerifierBuilder"),
            &verifier_builder,
            &needles,
        );
        let verifier = verifier_builder.build().unwrap();
        debug_clean(&format!("{name} Verifier"), &verifier, &needles);
        debug_clean(
            &format!("{name} Verifier clone"),
            &verifier.clone(),
            &needles,
        );
        debug_clean(
            &format!("{name} Verifier::scheme"),
            verifier.scheme(),
            &needles,
        );

        let signer = Signer::new(builder.clone(), key.clone()).unwrap();
        debug_clean(&format!("{name} Signer"), &signer, &needles);
        debug_clean(&format!("{name} Signer::scheme"), signer.scheme(), &needles);
        let signer = signer.with_clock(FixedClock(now()));
        debug_clean(&format!("{name} Signer with clock"), &signer, &needles);
        if let Ok(rotating) = signer.clone().with_secret(key.clone()) {
            debug_clean(
                &format!("{name} Signer with two secrets"),
                &rotating,
                &needles,
            );
        }
    }
}

/// The names of `headers`, as `Debug` of a list of names prints them.
fn names_only(headers: &SignedHeaders) -> String {
    format!("{:?}", headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
}

#[test]
fn signed_headers_show_names_only() {
    let needles = secret_forms();
    for (name, builder, secret) in schemes() {
        let key = builder
            .clone()
            .build()
            .unwrap()
            .parse_secret(&secret)
            .unwrap();
        let headers = Signer::new(builder, key)
            .unwrap()
            .sign(
                BODY,
                &SignOptions::new().timestamp(now()).id("msg_REDACTION_ID"),
            )
            .unwrap();
        let printed = format!("{headers:?}");
        assert_eq!(printed, names_only(&headers), "{name}");
        debug_clean(&format!("{name} SignedHeaders"), &headers, &needles);

        // Nor any value: signatures, the timestamp, the id (and, for a shared token, the
        // secret itself, which is the header value).
        let mut values: Vec<String> = Vec::new();
        for (_, value) in headers.iter() {
            values.extend(forms(value.as_bytes()));
            values.extend(
                value
                    .split([',', ' ', '='])
                    .filter(|part| part.len() >= 16)
                    .map(str::to_owned),
            );
        }
        debug_clean(&format!("{name} SignedHeaders values"), &headers, &values);
        if name == "shared-token" {
            assert_eq!(headers.get("X-Webhook-Secret"), Some(SECRET));
        }
    }
}

#[test]
fn config_errors_from_bad_secrets_never_print_them() {
    let needles = secret_forms();
    // Not base64 ('-' is outside the standard alphabet), behind the whsec_ prefix or not.
    let bad = [
        format!("whsec_{SECRET}"),
        SECRET.to_owned(),
        format!(
            "whsec_{}",
            URL_SAFE.encode(format!("{SECRET}\u{ff}\u{fe}?>"))
        ),
    ];
    for text in &bad {
        let err = Verifier::builder(presets::standard_webhooks())
            .encoded_secret(text)
            .build()
            .unwrap_err();
        assert_eq!(err, ConfigError::SecretEncoding, "{text}");
        all_clean("ConfigError from Verifier::build", &err, &needles);

        let pending = Verifier::builder(presets::standard_webhooks()).encoded_secret(text);
        debug_clean("VerifierBuilder holding a bad secret", &pending, &needles);

        let err = Secret::from_prefixed_base64("whsec_", text).unwrap_err();
        all_clean(
            "ConfigError from Secret::from_prefixed_base64",
            &err,
            &needles,
        );
        let err = Secret::from_base64(text).unwrap_err();
        all_clean("ConfigError from Secret::from_base64", &err, &needles);
        let err = presets::standard_webhooks()
            .build()
            .unwrap()
            .parse_secret(text)
            .unwrap_err();
        all_clean("ConfigError from Scheme::parse_secret", &err, &needles);
    }

    // A signer refusing an id does not print the id, nor the secret it holds.
    let signer = Signer::new(presets::civo(), Secret::from_text(SECRET).unwrap()).unwrap();
    let err = signer
        .sign(BODY, &SignOptions::new().id("id-DO-NOT-LEAK\u{7}"))
        .unwrap_err();
    assert_eq!(err, ConfigError::InvalidId);
    all_clean("ConfigError::InvalidId", &err, &needles);
    assert!(!err.to_string().contains("id-DO-NOT"), "{err}");
}

#[test]
fn verify_errors_never_print_macs_signatures_or_body() {
    for (name, builder, secret) in schemes() {
        let key = builder
            .clone()
            .build()
            .unwrap()
            .parse_secret(&secret)
            .unwrap();
        let verifier = Verifier::builder(builder.clone())
            .secret(key.clone())
            .clock(FixedClock(now()))
            .build()
            .unwrap();
        let options = SignOptions::new().timestamp(now()).id("msg_1");
        // What the verifier computes for this request: the signature under its own secret.
        let computed = Signer::new(builder.clone(), key)
            .unwrap()
            .sign(BODY, &options)
            .unwrap();
        // What it receives: a signature under another secret.
        let other = Secret::from_text("another-secret-entirely").unwrap();
        let received = Signer::new(builder.clone(), other)
            .unwrap()
            .sign(BODY, &options)
            .unwrap();

        let err = verifier.verify(&received, BODY).unwrap_err();
        assert_eq!(err.code(), "signature_mismatch", "{name}");

        let mut needles = secret_forms();
        needles.extend(forms(BODY));
        needles.push("BODY-MARKER".to_owned());
        for headers in [&computed, &received] {
            for (_, value) in headers.iter() {
                needles.extend(forms(value.as_bytes()));
                for part in value.split([',', ' ', '=', ';']).filter(|p| p.len() >= 16) {
                    needles.push(part.to_owned());
                    // The decoded MAC bytes, in every encoding.
                    if let Ok(bytes) = const_hex::decode(part) {
                        needles.extend(forms(&bytes));
                    }
                    if let Ok(bytes) = STANDARD.decode(part) {
                        needles.extend(forms(&bytes));
                    }
                }
            }
        }
        all_clean(&format!("{name} VerifyError"), &err, &needles);
        all_clean(
            &format!("{name} VerifyError reason"),
            &err.reason(),
            &needles,
        );
        all_clean(&format!("{name} VerifyError kind"), &err.kind(), &needles);
        let as_error: Box<dyn std::error::Error> = Box::new(err);
        assert_clean(
            &format!("{name} Box<dyn Error>"),
            &as_error.to_string(),
            &needles,
        );
        assert_clean(
            &format!("{name} Box<dyn Error> Debug"),
            &format!("{as_error:?}"),
            &needles,
        );

        // A body changed after signing: the error must not echo either body. (A shared
        // token binds no body, so it has no such error.)
        if verifier.scheme().algorithm() != hookshield_core::Algorithm::SharedToken {
            let tampered = b"{\"payload\":\"TAMPERED-MARKER-55aa\"}";
            let err = verifier.verify(&computed, tampered).unwrap_err();
            needles.push("TAMPERED-MARKER".to_owned());
            all_clean(
                &format!("{name} VerifyError (tampered body)"),
                &err,
                &needles,
            );
        }

        // And the metadata of an accepted request holds no secret or signature either
        // (the event id and scheme name are its business; the body is not).
        let verified = verifier.verify(&computed, BODY).unwrap();
        let mut meta_needles = secret_forms();
        for (header, value) in computed.iter() {
            if header.to_ascii_lowercase().contains("sig")
                || header.eq_ignore_ascii_case("X-Webhook-Secret")
            {
                meta_needles.extend(forms(value.as_bytes()));
            }
        }
        meta_needles.push("BODY-MARKER".to_owned());
        debug_clean(&format!("{name} Verified"), &verified, &meta_needles);
    }
}

/// The search itself finds a leak in each of the forms it claims to cover.
#[test]
fn the_search_finds_leaks() {
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Leaky {
        key: Vec<u8>,
    }
    let needles = secret_forms();
    let leaks = [
        format!(
            "{:?}",
            Leaky {
                key: SECRET.as_bytes().to_vec()
            }
        ),
        format!(
            "{:#?}",
            Leaky {
                key: SECRET.as_bytes().to_vec()
            }
        ),
        format!("Secret({SECRET:?})"),
        format!("key={}", const_hex::encode(SECRET)),
        format!("key={}", const_hex::encode_upper(SECRET)),
        format!("key={}", STANDARD_NO_PAD.encode(SECRET)),
        format!("key={}", URL_SAFE.encode(SECRET)),
        whsec(),
    ];
    for printed in leaks {
        assert!(
            leak(&printed, &needles).is_some(),
            "not detected: {printed}"
        );
    }
    assert_clean("probe", "Secret(REDACTED)", &needles);
}

#[test]
fn key_sets_and_key_maps_never_print_their_secrets() {
    let needles = secret_forms();
    for (name, builder, secret) in schemes() {
        let scheme = builder.clone().build().unwrap();
        let key = scheme.parse_secret(&secret).unwrap();
        let set_builder = KeySet::builder()
            .tenant("acme")
            .secret(key.clone())
            .label("current")
            .encoded_secret(&secret)
            .label("previous");
        debug_clean(&format!("{name} KeySetBuilder"), &set_builder, &needles);
        let set = set_builder.build(&scheme).unwrap();
        assert_eq!(set.len(), 2, "{name}");
        debug_clean(&format!("{name} KeySet"), &set, &needles);

        let map = KeyMap::by_path_segment(1);
        map.insert(set);
        debug_clean(&format!("{name} KeyMap"), &map, &needles);
        let verifier = Verifier::builder(builder.clone())
            .key_resolver(map.clone())
            .public_url("https://hooks.example.com")
            .build()
            .unwrap();
        debug_clean(
            &format!("{name} Verifier with a KeyMap"),
            &verifier,
            &needles,
        );

        // A request verified with the tenant's keys: its metadata holds none of them.
        let options = SignOptions::new()
            .timestamp(now())
            .id("msg_1")
            .url("https://hooks.example.com/hooks/acme");
        let headers = Signer::new(builder, key)
            .unwrap()
            .sign(BODY, &options)
            .unwrap();
        let verified = verifier
            .verify_request_at(
                &RequestContext::new("POST", "/hooks/acme"),
                &headers,
                BODY,
                now(),
            )
            .unwrap();
        assert_eq!(verified.tenant(), Some("acme"), "{name}");
        debug_clean(&format!("{name} Verified by a KeyMap"), &verified, &needles);
    }
}

/// A private key's text, its seed or scalar (in every form), and Standard Webhooks' form.
fn private_forms(key: &PrivateKey) -> Vec<String> {
    let text = key.to_text();
    let mut needles = forms(text.as_bytes());
    let raw = match key.algorithm() {
        Algorithm::Ed25519 => const_hex::decode(text.as_str()).unwrap(),
        _ => {
            // PKCS#8 PEM: each base64 line, and the DER's bytes; the scalar is the
            // ECPrivateKey's OCTET STRING of 32 bytes (`04 20`), the first in the DER.
            let lines: Vec<&str> = text
                .lines()
                .filter(|line| !line.starts_with("-----"))
                .collect();
            needles.extend(lines.iter().map(|line| (*line).to_owned()));
            let der = STANDARD.decode(lines.concat()).unwrap();
            needles.extend(forms(&der));
            let at = der.windows(2).position(|w| w == [0x04, 0x20]).unwrap();
            der.get(at..)
                .and_then(|rest| rest.get(2..34))
                .unwrap()
                .to_vec()
        }
    };
    needles.extend(forms(&raw));
    if let Some((whsk, _)) = key.to_standard_webhooks() {
        needles.extend(forms(whsk.as_bytes()));
    }
    needles.retain(|n| n.len() >= 8);
    needles
}

#[test]
fn private_keys_never_print_their_key() {
    for algorithm in [Algorithm::Ed25519, Algorithm::EcdsaP256Sha256] {
        let preset = match algorithm {
            Algorithm::Ed25519 => presets::discord,
            _ => presets::sendgrid,
        };
        let fixed = PrivateKey::parse(algorithm, &"2a".repeat(32)).unwrap();
        // The fixed key's seed or scalar is what the search looks for.
        assert!(private_forms(&fixed).contains(&"2a".repeat(32)));
        for key in [fixed, PrivateKey::generate(algorithm).unwrap()] {
            let needles = private_forms(&key);
            let public = key.public_key();
            assert_eq!(
                format!("{key:?}"),
                format!(
                    "PrivateKey({algorithm}, REDACTED, public {})",
                    public.fingerprint()
                )
            );
            debug_clean(&format!("{algorithm} PrivateKey"), &key, &needles);
            debug_clean(
                &format!("{algorithm} Some(PrivateKey)"),
                &Some(&key),
                &needles,
            );
            debug_clean(&format!("{algorithm} PublicKey"), &public, &needles);

            // A key that does not parse: the error does not print the text given.
            let tampered = format!("{}!", key.to_text().as_str());
            let err = PrivateKey::parse(algorithm, &tampered).unwrap_err();
            all_clean(&format!("{algorithm} ConfigError"), &err, &needles);

            let copy = PrivateKey::parse(algorithm, &key.to_text()).unwrap();
            let signer = Signer::with_private_key(preset(), copy)
                .unwrap()
                .with_clock(FixedClock(now()));
            debug_clean(&format!("{algorithm} Signer"), &signer, &needles);
            let headers = signer.sign(BODY, &SignOptions::new()).unwrap();
            assert_eq!(format!("{headers:?}"), names_only(&headers));
            debug_clean(&format!("{algorithm} SignedHeaders"), &headers, &needles);

            let verifier = Verifier::builder(preset())
                .public_key(public.clone())
                .clock(FixedClock(now()))
                .build()
                .unwrap();
            let verified = verifier.verify(&headers, BODY).unwrap();
            debug_clean(&format!("{algorithm} Verifier"), &verifier, &needles);
            debug_clean(&format!("{algorithm} Verified"), &verified, &needles);
        }
    }

    // Standard Webhooks: a v1a entry beside v1, the Ed25519 key next to the secret.
    let key = PrivateKey::generate(Algorithm::Ed25519).unwrap();
    let mut needles = private_forms(&key);
    needles.extend(secret_forms());
    let signer = Signer::new(
        presets::standard_webhooks(),
        presets::standard_webhooks()
            .build()
            .unwrap()
            .parse_secret(&whsec())
            .unwrap(),
    )
    .unwrap()
    .also_private_key(key)
    .unwrap();
    debug_clean("Standard Webhooks Signer with v1a", &signer, &needles);
}

#[test]
fn public_keys_print_their_algorithm_and_fingerprint() {
    // Standard Webhooks' v1a test key, and SendGrid's SDKs' test key.
    let hex = "6653787a0edd492aa2d26a17f61414937a2bacea2e2b74154129496b6e3c73f8";
    let spki = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    for (key, name, encoded) in [
        (
            PublicKey::ed25519(hex).unwrap(),
            "Ed25519",
            const_hex::decode(hex).unwrap(),
        ),
        (
            PublicKey::p256(spki).unwrap(),
            "P-256",
            STANDARD.decode(spki).unwrap(),
        ),
    ] {
        // The first 8 bytes of the SHA-256 of the key's encoded form, computed here.
        let digest = Sha256::digest(&encoded);
        let fingerprint = format!("sha256:{}", const_hex::encode(digest.get(..8).unwrap()));
        assert_eq!(key.fingerprint(), fingerprint);
        assert_eq!(
            format!("{key:?}"),
            format!("PublicKey({name}, {fingerprint})")
        );
        // The key itself is no secret, and is not printed either.
        let printed = format!("{key:?}");
        assert!(!printed.contains(&key.to_text()), "{printed}");
    }
    let debug = format!("{:?}", PublicKey::ed25519(hex).unwrap());
    assert!(debug.starts_with("PublicKey(Ed25519, sha256:"), "{debug}");
}
