//! The request around the body: its method, its target (path and query) and the public
//! URL it was sent to, for schemes that sign more than headers and body (Twilio, Square,
//! HubSpot) and for handshakes that arrive as a `GET` (Meta, Dropbox, Okta).
//!
//! The URL a provider signs is the one *it* called: `https://example.com/hooks/twilio`,
//! not the `http://127.0.0.1:8080/twilio` the app sees behind a proxy or TLS terminator.
//! So the URL is never taken from the request alone: it is the configured
//! [`public URL`](crate::VerifierBuilder::public_url) (scheme, host, optional port and
//! path prefix) joined with the received path and query. `Forwarded` and `X-Forwarded-*`
//! are read only when the verifier is told to trust them
//! ([`trust_forwarded_headers`](crate::VerifierBuilder::trust_forwarded_headers)).

pub(crate) mod form;
pub(crate) mod forwarded;
pub(crate) mod public_url;
pub(crate) mod query;

pub use public_url::PublicUrl;

/// The method and target (path and query, exactly as received) of a request, for
/// [`Verifier::verify_request`](crate::Verifier::verify_request). Adapters build it from
/// the framework's request; in tests build it with [`new`](Self::new).
///
/// ```
/// use hookshield_core::RequestContext;
///
/// let request = RequestContext::new("POST", "/twilio?foo=1&bar=2");
/// assert_eq!((request.method(), request.path(), request.query()), ("POST", "/twilio", Some("foo=1&bar=2")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestContext<'a> {
    method: &'a str,
    target: &'a str,
}

impl<'a> RequestContext<'a> {
    /// A request with `method` (`POST`, `GET`, …) and `target`, the path and query as
    /// received (`/hooks?x=1`). An empty target is read as `/`.
    pub fn new(method: &'a str, target: &'a str) -> Self {
        let target = if target.is_empty() { "/" } else { target };
        Self { method, target }
    }

    /// The method, as received.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The path and query, as received.
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The path, without the query.
    pub fn path(&self) -> &'a str {
        self.target
            .split_once('?')
            .map_or(self.target, |(path, _)| path)
    }

    /// The query, without the `?`, when there is one.
    pub fn query(&self) -> Option<&'a str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// Whether this is a `GET` request (the method of every endpoint challenge hookshield
    /// answers unsigned; a `HEAD` is not one). Methods are case-sensitive: `get` is not.
    pub fn is_get(&self) -> bool {
        self.method == "GET"
    }
}

#[cfg(feature = "http")]
impl<'a> From<&'a http::request::Parts> for RequestContext<'a> {
    fn from(parts: &'a http::request::Parts) -> Self {
        let target = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        Self::new(parts.method.as_str(), target)
    }
}
