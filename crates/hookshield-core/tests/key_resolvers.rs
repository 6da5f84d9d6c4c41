//! Keys chosen per request, as an attacker would probe them: keys built for another
//! scheme, tenant names that would share a namespace, headers stuffed with public-key
//! signatures, and the secret a handover echoes kept out of `Debug`.

use hookshield_core::{
    Algorithm, ErrorKind, KeyMap, KeySet, MAX_PUBLIC_CANDIDATES, PrivateKey, Reason,
    RequestContext, SignOptions, Signer, Verifier, presets,
};
use sha2::{Digest, Sha256};

/// A shared token's keys in a MAC scheme's resolver would "verify" an unkeyed hash of the
/// body: the verifier refuses keys built for another scheme (500, a wiring mistake).
#[test]
fn keys_of_another_scheme_are_refused_not_used() {
    let gitlab = presets::gitlab().build().unwrap();
    let tenants = KeyMap::by_path_segment(1);
    tenants.insert(
        KeySet::builder()
            .tenant("acme")
            .encoded_secret("gitlab-token")
            .build(&gitlab)
            .unwrap(),
    );
    let verifier = Verifier::builder(presets::github())
        .key_resolver(tenants)
        .build()
        .unwrap();
    let body = br#"{"forged":true}"#;
    let unkeyed = format!("sha256={}", const_hex::encode(Sha256::digest(body)));
    let headers = [
        ("X-Hub-Signature-256", unkeyed.as_str()),
        ("X-GitHub-Delivery", "d-1"),
    ];
    let request = RequestContext::new("POST", "/hooks/acme");
    let err = verifier
        .verify_request(&request, &headers, body)
        .unwrap_err();
    assert_eq!(err.reason(), Reason::ForeignKeys);
    assert_eq!(err.kind(), ErrorKind::NotConfigured);
}

/// `a:content` would name the content-digest namespace of tenant `a`.
#[test]
fn tenant_names_cannot_hold_namespace_separators() {
    let github = presets::github().build().unwrap();
    for bad in ["a:content", "a/b", "", "with space", &"x".repeat(65)] {
        assert!(
            KeySet::builder()
                .tenant(bad)
                .encoded_secret("s")
                .build(&github)
                .is_err(),
            "{bad:?}"
        );
    }
    assert!(
        KeySet::builder()
            .tenant("a-b_c.d")
            .encoded_secret("s")
            .build(&github)
            .is_ok()
    );
}

/// A header stuffed with `v1a` entries costs at most `MAX_PUBLIC_CANDIDATES` curve checks
/// per key: the valid entry after them is not looked at.
#[test]
fn public_key_candidates_are_capped() {
    let key = PrivateKey::parse(Algorithm::Ed25519, &"11".repeat(32)).unwrap();
    let public = key.public_key();
    let signer = Signer::with_private_key(presets::standard_webhooks(), key).unwrap();
    let verifier = Verifier::builder(presets::standard_webhooks())
        .public_key(public)
        .build()
        .unwrap();
    let body = br#"{"n":1}"#;
    let sent = signer.sign(body, &SignOptions::new().id("msg_1")).unwrap();
    let valid = sent.get("webhook-signature").unwrap().to_owned();
    let other = signer
        .sign(b"other", &SignOptions::new().id("msg_1"))
        .unwrap();
    let junk = other.get("webhook-signature").unwrap().to_owned();
    let with = |list: String| {
        let mut headers: Vec<(String, String)> = sent
            .iter()
            .filter(|(k, _)| *k != "webhook-signature")
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        headers.push(("webhook-signature".to_owned(), list));
        verifier.verify(&headers, body)
    };
    let before = [junk.as_str(); MAX_PUBLIC_CANDIDATES - 1].join(" ");
    assert!(with(format!("{before} {valid}")).is_ok());
    let stuffed = [junk.as_str(); MAX_PUBLIC_CANDIDATES].join(" ");
    let err = with(format!("{stuffed} {valid}")).unwrap_err();
    assert_eq!(err.reason(), Reason::SignatureMismatch);
}

/// Asana's handover is echoed as the protocol requires, never in `Debug`.
#[test]
fn an_echoed_secret_never_prints() {
    let tenants = KeyMap::by_path_segment(1);
    let verifier = Verifier::builder(presets::asana())
        .key_resolver(tenants.clone())
        .secret_learner(tenants.clone())
        .build()
        .unwrap();
    tenants.expect_secret("p1").unwrap();
    let secret = "asana-handed-secret-0123456789";
    let request = RequestContext::new("POST", "/asana/p1");
    let reply = verifier
        .answer_challenge(&request, &[("X-Hook-Secret", secret)])
        .unwrap()
        .unwrap();
    assert_eq!(reply.echo_header(), Some(("X-Hook-Secret", secret)));
    let shown = format!(
        "{reply:?} {:?}",
        hookshield_core::Rejection::Handshake(reply.clone())
    );
    assert!(!shown.contains(secret), "{shown}");
    assert!(shown.contains("REDACTED"), "{shown}");
    let shown = format!("{verifier:?} {tenants:?}");
    assert!(!shown.contains(secret), "{shown}");
}
