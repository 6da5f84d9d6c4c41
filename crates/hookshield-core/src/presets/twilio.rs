//! Twilio.

use super::hours;
use crate::{Algorithm, Encoding, IdDigest, Scheme, SchemeBuilder};

/// [Twilio](https://www.twilio.com/docs/usage/webhooks/webhooks-security):
/// `X-Twilio-Signature: <base64 HMAC-SHA1(auth token, URL + form fields)>`.
///
/// - **Signed:** the full URL Twilio called (the verifier's
///   [`public_url`](crate::VerifierBuilder::public_url) joined with the received path and
///   query), then the form fields of the body sorted by name, each name's distinct values
///   sorted, written name + value with no separator (as Twilio's SDKs build it).
/// - **JSON bodies:** Twilio adds `bodySHA256=<hex SHA-256 of the body>` to the URL and
///   signs the URL alone; the body must then match that hash (compared in constant time).
/// - **Ports:** a signature over the URL with or without the default port (`:443`, `:80`)
///   is accepted, as Twilio's SDKs accept both.
/// - **Event id:** `I-Twilio-Idempotency-Token` when sent (2°: used by receivers and in
///   Twilio's support articles, not in its reference), unsigned, so a digest of the body is
///   remembered beside it; otherwise the digest alone.
/// - **Timestamp:** none.
/// - **Replay TTL:** 24 h: Twilio retries a failed request only as the connection
///   overrides (`#rc=`, `#rt=`) ask, within seconds to minutes.
///
/// Not covered: the HMAC-SHA256 signature of Webhook Rules (public beta,
/// `X-Twilio-Webhooks-Signature-Settings`) and twilio-node's legacy query re-encoding.
pub fn twilio() -> SchemeBuilder {
    Scheme::builder("twilio")
        .algorithm(Algorithm::HmacSha1)
        .signature_header("X-Twilio-Signature")
        .encoding(Encoding::Base64)
        .signed_content("{url}{form}")
        .body_hash_param("bodySHA256")
        .url_port_variants(true)
        .id_header("I-Twilio-Idempotency-Token")
        .id_required(false)
        .id_digest(IdDigest::Body)
        .recommended_ttl(hours(24))
        .docs("https://www.twilio.com/docs/usage/webhooks/webhooks-security")
}

#[cfg(test)]
mod tests {
    use super::twilio;
    use crate::presets::test_support::{b64, hmac_sha1};
    use crate::{ErrorKind, IdOrigin, Reason, RequestContext, Verifier};

    const FORM: &[u8] = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
    const JSON: &[u8] = br#"{"property": "value", "boolean": true}"#;
    const JSON_TARGET: &str = "/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

    fn verifier(public_url: &str) -> Verifier {
        Verifier::builder(twilio())
            .encoded_secret("12345")
            .public_url(public_url)
            .build()
            .unwrap()
    }

    fn post(target: &str) -> RequestContext<'_> {
        RequestContext::new("POST", target)
    }

    /// twilio-python `tests/unit/test_request_validator.py` (306691e79): the form example.
    #[test]
    fn twilio_python_form_vector() {
        let v = verifier("https://mycompany.com");
        let headers = [("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")];
        let ok = v
            .verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, FORM)
            .unwrap();
        assert_eq!(ok.id_origin(), IdOrigin::Digest);
        // Field order and encoding do not matter; names and values do.
        let reordered = b"To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309&CallSid=CA1234567890ABCDE";
        assert!(
            v.verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, reordered)
                .is_ok()
        );
        for (target, body) in [
            ("/myapp.php?foo=1&bar=3", FORM),
            ("/myapp.php?bar=2&foo=1", FORM),
            ("/other.php?foo=1&bar=2", FORM),
            ("/myapp.php?foo=1&bar=2", &b"CallSid=CA1234567890ABCDE&Digits=1234"[..]),
            ("/myapp.php?foo=1&bar=2", &b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=9999&From=%2B14158675309&To=%2B18005551212"[..]),
        ] {
            let err = v.verify_request(&post(target), &headers, body).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "{target}");
        }
        // Behind a proxy that strips `/myapp.php`, the public URL carries it as a prefix.
        let proxied = verifier("https://mycompany.com/myapp.php");
        assert!(
            proxied
                .verify_request(&post("?foo=1&bar=2"), &headers, FORM)
                .is_err()
        );
    }

    /// The same vector, with the default port written or not on either side.
    #[test]
    fn default_port_variants_verify() {
        let headers = [("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")];
        let with_port = verifier("https://mycompany.com:443");
        assert!(
            with_port
                .verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, FORM)
                .is_ok()
        );
        // A signature over the URL with the port also verifies without it.
        let signed = b64(&hmac_sha1(
            b"12345",
            &[
                b"https://mycompany.com:443/myapp.php?foo=1&bar=2",
                b"CallSid",
                b"CA1234567890ABCDE",
                b"Caller+14158675309Digits1234From+14158675309To+18005551212",
            ],
        ));
        let headers = [("X-Twilio-Signature", signed.as_str())];
        let without = verifier("https://mycompany.com");
        assert!(
            without
                .verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, FORM)
                .is_ok()
        );
        // Another port is another URL.
        let other = verifier("https://mycompany.com:8443");
        assert!(
            other
                .verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, FORM)
                .is_err()
        );
    }

    /// twilio-python, twilio-node and twilio-csharp request-validator tests (306691e7,
    /// 45d3d65a, f6b1f010): the form parameters over other URLs.
    #[test]
    fn twilio_sdk_url_vectors() {
        for (public, signature) in [
            ("https://mycompany.com:1234", "CYn1h0gLBdNxDGkKJg6hYohgeD8="),
            ("http://mycompany.com:1234", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
            // Signed with the default port written, verified without it and with it.
            ("http://mycompany.com", "0ZXoZLH/DfblKGATFgpif+LLRf4="),
            ("http://mycompany.com:80", "0ZXoZLH/DfblKGATFgpif+LLRf4="),
            ("https://mycompany.com", "kvajT1Ptam85bY51eRf/AJRuM3w="),
            // The host's case is kept as written.
            ("https://MyCompany.com", "g9IN/x4Cft2g517EjYvEvM/W7LU="),
            ("https://MyCompany.com:1234", "PCqOZm8cnu/L6+u5i5fuEd+Iac4="),
            ("http://MyCompany.com", "XY7AlKOKL6im4yWyX84gldUrtis="),
        ] {
            let headers = [("X-Twilio-Signature", signature)];
            let result =
                verifier(public).verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, FORM);
            assert!(result.is_ok(), "{public}: {result:?}");
        }
        // Only default ports have a variant: :1234 is never dropped.
        let headers = [("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")];
        assert!(
            verifier("https://mycompany.com:1234")
                .verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, FORM)
                .is_err()
        );
        // A repeated key's values are sorted and de-duplicated.
        let body = b"Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234";
        let headers = [("X-Twilio-Signature", "IK+Dwps556ElfBT0I3Rgjkr1wJU=")];
        assert!(
            verifier("https://mycompany.com")
                .verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, body)
                .is_ok()
        );
    }

    /// twilio-python's JSON example: the URL carries `bodySHA256`, the signature covers the
    /// URL alone, and the body must match the hash.
    #[test]
    fn twilio_python_json_vector() {
        let v = verifier("https://mycompany.com");
        let headers = [("X-Twilio-Signature", "a9nBmqA0ju/hNViExpshrM61xv4=")];
        assert!(v.verify_request(&post(JSON_TARGET), &headers, JSON).is_ok());
        let tampered = br#"{"property": "value", "boolean": false}"#;
        let err = v
            .verify_request(&post(JSON_TARGET), &headers, tampered)
            .unwrap_err();
        assert_eq!(err.reason(), Reason::BodyHashMismatch);
        // Without the hash in the URL the JSON is read as a (nonsense) form: no match.
        let err = v
            .verify_request(&post("/myapp.php?foo=1&bar=2"), &headers, JSON)
            .unwrap_err();
        assert_eq!(err.reason(), Reason::SignatureMismatch);
        // The same body, with only the hash in the query (twilio-python).
        let hash_only = "/myapp.php?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        let headers2 = [("X-Twilio-Signature", "y77kIzt2vzLz71DgmJGsen2scGs=")];
        assert!(v.verify_request(&post(hash_only), &headers2, JSON).is_ok());
        // A repeated body hash is never a choice left to the sender.
        let twice = format!("{JSON_TARGET}&bodySHA256=00");
        assert!(v.verify_request(&post(&twice), &headers, JSON).is_err());
    }

    /// A signature over the root with an empty form must not lend itself to a target whose
    /// query (outside the signed URL) names the hash of another body.
    #[test]
    fn a_body_hash_outside_the_signed_url_is_never_read() {
        use sha2::Digest as _;
        let v = verifier("https://hooks.example.com");
        let root = b64(&hmac_sha1(b"12345", &[b"https://hooks.example.com/"]));
        let headers = [("X-Twilio-Signature", root.as_str())];
        assert!(v.verify_request(&post("/"), &headers, b"").is_ok());
        let evil = br#"{"transfer":"all"}"#;
        let hash = const_hex::encode(sha2::Sha256::digest(evil));
        for target in [
            format!("x?bodySHA256={hash}"),
            format!("?bodySHA256={hash}"),
            format!("/?bodySHA256={hash}"),
        ] {
            let err = v
                .verify_request(&post(&target), &headers, evil)
                .unwrap_err();
            assert_eq!(err.reason(), Reason::SignatureMismatch, "{target}");
        }
    }

    /// A URL as long as a server accepts is signed and verified whole: the 8 KiB limit of
    /// challenge queries does not apply to the body-hash lookup.
    #[test]
    fn a_long_query_is_signed_and_verified() {
        let target = format!("/myapp.php?pad={}", "a".repeat(9000));
        let url = format!("https://mycompany.com{target}");
        let key = crate::Secret::from_text("12345").unwrap();
        let signer = crate::Signer::new(twilio(), key).unwrap();
        let headers = signer
            .sign(FORM, &crate::SignOptions::new().url(&url))
            .unwrap();
        let ok = verifier("https://mycompany.com").verify_request(&post(&target), &headers, FORM);
        assert!(ok.is_ok(), "{ok:?}");
        let json_url = signer.url_with_body_hash(&url, JSON).unwrap();
        let json_headers = signer
            .sign(JSON, &crate::SignOptions::new().url(&json_url))
            .unwrap();
        let json_target = json_url.strip_prefix("https://mycompany.com").unwrap();
        let ok = verifier("https://mycompany.com").verify_request(
            &post(json_target),
            &json_headers,
            JSON,
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn the_url_must_be_known() {
        let v = verifier("https://mycompany.com");
        let headers = [("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")];
        let err = v.verify(&headers, FORM).unwrap_err();
        assert_eq!(
            (err.status(), err.reason()),
            (500, Reason::NoRequestContext)
        );
        let unset = Verifier::builder(twilio())
            .encoded_secret("12345")
            .build()
            .unwrap_err();
        assert_eq!(unset, crate::ConfigError::PublicUrlRequired);
    }
}
