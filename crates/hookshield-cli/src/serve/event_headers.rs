//! Which of a verified request's headers travel on to the output: all of them but the
//! hop-by-hop ones (RFC 9110 §7.6.1), the ones that only concern this hop (`Host`,
//! `Content-Length`, `Expect`), credentials meant for the gateway (the scheme's signature
//! headers, which may carry a shared token, and `Authorization`) and any `X-Hookshield-*`
//! a sender set; then the gateway's own `X-Hookshield-*`, which the output can trust.

use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use hookshield_core::{Scheme, Verified};

/// The event id the signature (or the replay guard) vouches for; stable across retries.
pub(crate) const EVENT_ID: HeaderName = HeaderName::from_static("x-hookshield-event-id");
/// The scheme (preset) that verified the request.
pub(crate) const SCHEME: HeaderName = HeaderName::from_static("x-hookshield-scheme");
/// The gateway route that received it.
pub(crate) const ROUTE: HeaderName = HeaderName::from_static("x-hookshield-route");
/// The signed timestamp, in Unix seconds, for schemes that sign one.
pub(crate) const TIMESTAMP: HeaderName = HeaderName::from_static("x-hookshield-timestamp");

/// The headers that end at this hop, whatever `Connection` says.
const HOP_BY_HOP: [HeaderName; 10] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::EXPECT,
];

/// What a route removes from every request it forwards: the scheme's signature headers.
#[derive(Debug, Clone)]
pub(crate) struct Stripped {
    signature: Vec<HeaderName>,
}

impl Stripped {
    pub(crate) fn new(scheme: &Scheme) -> Self {
        Self {
            signature: scheme
                .signature_headers()
                .filter_map(|name| HeaderName::from_bytes(name.as_bytes()).ok())
                .collect(),
        }
    }

    /// `received` without what does not travel on, plus the gateway's own headers.
    pub(crate) fn forwarded(
        &self,
        received: &HeaderMap,
        verified: &Verified,
        route: &str,
    ) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(received.len().saturating_add(4));
        let listed = connection_listed(received);
        for (name, value) in received {
            let dropped = HOP_BY_HOP.contains(name)
                || listed.contains(name)
                || self.signature.contains(name)
                || matches!(
                    *name,
                    header::HOST | header::CONTENT_LENGTH | header::AUTHORIZATION
                )
                || name.as_str().starts_with("x-hookshield-");
            if !dropped {
                headers.append(name.clone(), value.clone());
            }
        }
        for (name, value) in own(verified, route) {
            headers.insert(name, value);
        }
        headers
    }
}

/// The gateway's headers for `verified`: event id, scheme, route and signed timestamp.
fn own(verified: &Verified, route: &str) -> Vec<(HeaderName, HeaderValue)> {
    let mut own = Vec::with_capacity(4);
    let mut add = |name: HeaderName, text: &str| {
        // Every id and name the gateway holds is visible ASCII (the verifier refuses the
        // rest), so this never drops one in practice.
        if let Ok(value) = HeaderValue::from_str(text) {
            own.push((name, value));
        }
    };
    add(EVENT_ID, verified.event_id());
    add(SCHEME, verified.scheme());
    add(ROUTE, route);
    if let Some(at) = verified.timestamp() {
        add(TIMESTAMP, &at.unix_timestamp().to_string());
    }
    own
}

/// The header names a `Connection` header lists: hop-by-hop for this request.
fn connection_listed(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hookshield_core::{Secret, SignOptions, Signer, presets};

    #[test]
    fn strips_hop_by_hop_signature_and_spoofed_headers_and_adds_the_gateways() {
        let scheme = presets::github().build().expect("preset");
        let signer = Signer::new(presets::github(), Secret::from_text("s").expect("secret"))
            .expect("signer");
        let body = b"{}";
        let signed = signer
            .sign(body, &SignOptions::new().id("d-1"))
            .expect("sign");
        let verifier = hookshield_core::Verifier::builder(presets::github())
            .encoded_secret("s")
            .build()
            .expect("verifier");
        let verified = verifier.verify(&signed, body).expect("verified");

        let mut received = HeaderMap::new();
        for (name, value) in signed.iter() {
            received.insert(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        for (name, value) in [
            ("connection", "keep-alive, x-drop-me"),
            ("x-drop-me", "1"),
            ("keep-alive", "timeout=5"),
            ("transfer-encoding", "chunked"),
            ("host", "gateway"),
            ("content-length", "2"),
            ("authorization", "Bearer t"),
            ("x-hookshield-event-id", "spoofed"),
            ("x-hookshield-anything", "spoofed"),
            ("x-github-event", "push"),
            ("content-type", "application/json"),
        ] {
            received.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let out = Stripped::new(&scheme).forwarded(&received, &verified, "gh");
        for gone in [
            "connection",
            "x-drop-me",
            "keep-alive",
            "transfer-encoding",
            "host",
            "content-length",
            "authorization",
            "x-hub-signature-256",
            "x-hookshield-anything",
        ] {
            assert!(!out.contains_key(gone), "{gone} forwarded");
        }
        assert_eq!(out["x-github-event"], "push");
        assert_eq!(out["x-github-delivery"], "d-1");
        assert_eq!(out["content-type"], "application/json");
        assert_eq!(out[EVENT_ID], "d-1");
        assert_eq!(out.get_all(EVENT_ID).iter().count(), 1);
        assert_eq!(out[SCHEME], "github");
        assert_eq!(out[ROUTE], "gh");
    }
}
