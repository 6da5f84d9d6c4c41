//! Plaid.

use std::time::Duration;

use super::hours;
use crate::{IdDigest, Scheme, SchemeBuilder, TimestampWindow};

/// [Plaid](https://plaid.com/docs/api/webhooks/webhook-verification/): `Plaid-Verification`
/// is a JWT signed with ES256 (P-256, JOSE `r || s`) whose header names the key (`kid`)
/// and whose claims are `iat` and `request_body_sha256` (hex SHA-256 of the raw body).
///
/// - **Keys:** Plaid's, fetched by `kid` from `/webhook_verification_key/get` (a JWK;
///   [`PublicKey::p256_jwk`](crate::PublicKey::p256_jwk)). The fetch is the app's: give the
///   verifier a [`key_resolver`](crate::VerifierBuilder::key_resolver), usually
///   [`CachedKeys`](crate::CachedKeys) over a [`KeyFetcher`](crate::KeyFetcher) that calls
///   Plaid, whose [`KeyQuery::key_id`](crate::KeyQuery::key_id) is the token's `kid`. A
///   fixed key (tests) works too.
/// - **Order:** the token's header is read (unverified) only to find the key; any `alg`
///   but `ES256` is refused (400). The signature is checked, then the claims: the body's
///   hash must match (constant time), and `iat` must be within the window (5 minutes
///   either way, as Plaid asks), else 401.
/// - **Event id:** none (`webhook_type`, `webhook_code`, `item_id`): a digest of the body.
/// - **Replay TTL:** 25 h (2°: Plaid documents retries over about a day).
pub fn plaid() -> SchemeBuilder {
    Scheme::builder("plaid")
        .es256_token()
        .signature_header("Plaid-Verification")
        .window(TimestampWindow::symmetric(Duration::from_secs(300)))
        .id_digest(IdDigest::Body)
        .recommended_ttl(hours(25))
        .docs("https://plaid.com/docs/api/webhooks/webhook-verification/")
}

#[cfg(test)]
mod tests {
    use super::plaid;
    use crate::presets::test_support::at;
    use crate::{ErrorKind, KeyMap, KeySet, PublicKey, Reason, Verifier};

    /// A real Plaid webhook, its JWT and its key (JWK), as posted in Stack Overflow
    /// question 62117400 (Plaid publishes no vector; the values were checked with
    /// python's `cryptography`): `iat` 1590887001.
    const JWT: &str = "eyJhbGciOiJFUzI1NiIsImtpZCI6IjZjNTUxNmUxLTkyZGMtNDc5ZS1hOGZmLTVhNTE5OTJlMDAwMSIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE1OTA4ODcwMDEsInJlcXVlc3RfYm9keV9zaGEyNTYiOiJiNjNhMDdiNTQ3YjAwZjk5MjU0N2Y2YmJjOGQ5YWNjNjFhOGNjZWUxMzhiYzgyZjQ0YTZiYWEwOTY4M2E1ZDBmIn0.OOKvIihgqCj7Qrb2bmz7T3t7uK-0JyjiEqL2s1kWeJBM4MMmjaHKK8GmU_z91QolBWMzvPgs718EElY-rE3cwQ";
    const KID: &str = "6c5516e1-92dc-479e-a8ff-5a51992e0001";
    const X: &str = "35lvC8uz2QrWpQJ3TUH8t9o9DURMp7ydU518RKDl20k";
    const Y: &str = "I8BuXB2bvxelzJAd7OKhd-ZwjCst05Fx47Mb_0ugros";
    const BODY: &[u8] = b"{\n  \"error\": null,\n  \"item_id\": \"yxQbxDjnD8hr69pKbQpbcKeVn3GL9QuyA7NV3\",\n  \"new_transactions\": 390,\n  \"webhook_code\": \"HISTORICAL_UPDATE\",\n  \"webhook_type\": \"TRANSACTIONS\"\n}";
    const IAT: i64 = 1_590_887_001;

    fn verifier() -> Verifier {
        let scheme = plaid().build().unwrap();
        let keys = KeyMap::by_key_id();
        let key = PublicKey::p256_jwk(X, Y).unwrap();
        keys.insert_as(
            KID,
            KeySet::builder().public_key(key).build(&scheme).unwrap(),
        );
        Verifier::builder(plaid())
            .key_resolver(keys)
            .build()
            .unwrap()
    }

    #[test]
    fn plaid_published_webhook_verifies_by_kid() {
        let v = verifier();
        let headers = [("Plaid-Verification", JWT)];
        let ok = v.verify_at(&headers, BODY, at(IAT + 60)).unwrap();
        assert_eq!(ok.tenant(), None, "a provider's key id is no tenant");
        assert_eq!(ok.timestamp(), Some(at(IAT)));
        // Another body: the signature holds, the body hash does not.
        let err = v.verify_at(&headers, b"{}", at(IAT)).unwrap_err();
        assert_eq!(err.reason(), Reason::BodyHashMismatch);
        // Older than 5 minutes.
        let err = v.verify_at(&headers, BODY, at(IAT + 301)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimestampOutOfWindow);
    }

    #[test]
    fn plaid_forgeries_are_refused() {
        let v = verifier();
        let check = |token: &str| {
            v.verify_at(&[("Plaid-Verification", token)], BODY, at(IAT))
                .unwrap_err()
                .reason()
        };
        let [header, payload, signature]: [&str; 3] =
            JWT.split('.').collect::<Vec<_>>().try_into().unwrap();
        // alg none, HS256: refused before any key is looked at.
        for alg in ["none", "HS256", "ES384"] {
            let forged_header = base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                format!(r#"{{"alg":"{alg}","kid":"{KID}","typ":"JWT"}}"#),
            );
            assert_eq!(
                check(&format!("{forged_header}.{payload}.")),
                Reason::TokenSyntax,
                "{alg}"
            );
            assert_eq!(
                check(&format!("{forged_header}.{payload}.{signature}")),
                Reason::TokenSyntax,
                "{alg}"
            );
        }
        // Claims changed (a later iat) under the same signature.
        let later = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            br#"{"iat":1590887101,"request_body_sha256":"b63a07b547b00f992547f6bbc8d9acc61a8ccee138bc82f44a6baa09683a5d0f"}"#,
        );
        assert_eq!(
            check(&format!("{header}.{later}.{signature}")),
            Reason::SignatureMismatch
        );
        // Truncated, all-zero, missing parts, an unknown kid.
        let truncated = check(&JWT[..JWT.len() - 4]);
        assert!(
            matches!(truncated, Reason::SignatureMismatch | Reason::TokenSyntax),
            "{truncated:?}"
        );
        assert_eq!(
            check(&format!("{header}.{payload}.{}", "A".repeat(86))),
            Reason::SignatureMismatch
        );
        assert_eq!(check(&format!("{header}.{payload}")), Reason::TokenSyntax);
        assert_eq!(check("not a token"), Reason::TokenSyntax);
        let unknown = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            r#"{"alg":"ES256","kid":"someone-else","typ":"JWT"}"#,
        );
        assert_eq!(
            check(&format!("{unknown}.{payload}.{signature}")),
            Reason::UnknownKey
        );
        let missing = v.verify_at(&[("X-Other", "x")], BODY, at(IAT)).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::MissingHeader, "no token");
    }
}
