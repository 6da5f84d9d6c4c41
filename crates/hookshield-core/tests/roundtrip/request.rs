//! The request around the body, for presets that sign its URL or method (Twilio, Square,
//! HubSpot): where the provider sends it, what the app behind a proxy sees of it, and what
//! the provider signs of it, as the providers' documentation describes (written here
//! independently of `src/`). Also Twilio's canonical form, the oracle for body changes.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::sample::Index;

use crate::body::re;
use crate::shape::UrlShape;

/// The methods a request is sent with (providers send `POST`; HubSpot signs whichever).
const METHODS: &[&str] = &["POST", "POST", "POST", "PUT", "PATCH", "GET", "DELETE"];
/// Another method to receive the request with: other methods and other cases.
const OTHER_METHODS: &[&str] = &["POST", "post", "Post", "PUT", "GET", "PATCH"];
/// What one byte of the received target may be replaced with: URL characters, the
/// escape sign and hex digits in both cases (so escapes appear, change and change case).
const TARGET_BYTES: &[u8] = b"aAfFzZ09-._~!$&'()*+,;=:@/?%";
/// The characters whose escapes HubSpot decodes before signing (its v3 docs).
pub(crate) const HUBSPOT_DECODED: &str = ":/?@!$'()*,;";
/// Twilio's most fields ("a few dozen" in practice; hookshield reads 1024).
const MAX_FORM_FIELDS: usize = 1024;

/// The port of the public URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Port {
    None,
    /// The scheme's default port, written out (`:443`, `:80`).
    Default,
    Other(u16),
}

/// Where a request goes and how it is received.
#[derive(Debug, Clone)]
pub(crate) struct UrlSpec {
    pub(crate) https: bool,
    pub(crate) host: String,
    pub(crate) port: Port,
    /// `""` or `/seg[/seg]`: the part of the path the app's proxy strips, or not.
    pub(crate) prefix: String,
    /// The prefix reaches the app (it is part of the target), rather than being part of
    /// the configured public URL.
    pub(crate) prefix_in_target: bool,
    /// The public URL is configured with a trailing `/`.
    pub(crate) trailing_slash: bool,
    /// Starts with `/`.
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) method: &'static str,
    pub(crate) other_method: Index,
    /// One byte of the target (never the leading `/`) replaced by one of [`TARGET_BYTES`].
    pub(crate) alter: (Index, Index),
    /// Which forwarded headers say the URL to a verifier that trusts them.
    pub(crate) forwarded: Forwarded,
    /// Escapes written by [`escaped`] are in lower case.
    pub(crate) lower_escapes: bool,
}

/// The headers a proxy uses to tell the app the URL the provider called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forwarded {
    /// `Host`, and `X-Forwarded-Proto` (left out for `http`, the default).
    Host,
    /// `X-Forwarded-Host` and `X-Forwarded-Proto`, beside a `Host` naming the app itself.
    XHeaders,
    /// RFC 7239 `Forwarded`, the first element being the one that counts.
    Rfc7239,
}

impl UrlSpec {
    fn scheme(&self) -> &'static str {
        if self.https { "https" } else { "http" }
    }

    fn port_text(&self, port: Port) -> String {
        match port {
            Port::None => String::new(),
            Port::Default if self.https => ":443".to_owned(),
            Port::Default => ":80".to_owned(),
            Port::Other(port) => format!(":{port}"),
        }
    }

    /// `host[:port]`.
    pub(crate) fn authority(&self) -> String {
        format!("{}{}", self.host, self.port_text(self.port))
    }

    /// The path and query as the provider calls them (prefix included).
    fn full_target(&self) -> String {
        let query = self
            .query
            .as_ref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        format!("{}{}{query}", self.prefix, self.path)
    }

    /// The URL the provider calls (and signs, but for HubSpot's escapes).
    pub(crate) fn full_url(&self) -> String {
        format!(
            "{}://{}{}",
            self.scheme(),
            self.authority(),
            self.full_target()
        )
    }

    /// The public URL the verifier is configured with, with `port` instead of the one the
    /// provider calls.
    pub(crate) fn public_url_with(&self, port: Port) -> String {
        let prefix = if self.prefix_in_target {
            ""
        } else {
            &self.prefix
        };
        let slash = if self.trailing_slash { "/" } else { "" };
        format!(
            "{}://{}{}{prefix}{slash}",
            self.scheme(),
            self.host,
            self.port_text(port)
        )
    }

    pub(crate) fn public_url(&self) -> String {
        self.public_url_with(self.port)
    }

    /// The target (path and query) the app receives for a request to `url`, a URL the
    /// provider called (this spec's, maybe with Twilio's body hash added).
    pub(crate) fn target_of(&self, url: &str) -> String {
        let base = format!("{}://{}", self.scheme(), self.authority());
        let full = url
            .strip_prefix(&base)
            .expect("the URL starts with its base");
        if self.prefix_in_target {
            full.to_owned()
        } else {
            full.strip_prefix(&self.prefix)
                .expect("the path starts with the prefix")
                .to_owned()
        }
    }

    /// The target with one byte replaced, as received by the app.
    pub(crate) fn altered(&self, target: &str) -> String {
        let mut bytes = target.as_bytes().to_vec();
        let (at, with) = self.alter;
        let choices =
            |old: u8| -> Vec<u8> { TARGET_BYTES.iter().copied().filter(|b| *b != old).collect() };
        if bytes.len() > 1 {
            let at = 1 + at.index(bytes.len() - 1);
            let others = choices(bytes[at]);
            bytes[at] = others[with.index(others.len())];
        } else {
            let others = choices(b'/');
            bytes.push(others[with.index(others.len())]);
        }
        String::from_utf8(bytes).expect("ASCII")
    }

    pub(crate) fn other_method(&self) -> &'static str {
        let others: Vec<&str> = OTHER_METHODS
            .iter()
            .copied()
            .filter(|m| *m != self.method)
            .collect();
        others[self.other_method.index(others.len())]
    }

    /// The headers a trusted proxy adds so that a verifier without a public URL finds the
    /// URL the provider called.
    pub(crate) fn forwarded_headers(&self) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(&str, String)> = Vec::new();
        let authority = self.authority();
        match self.forwarded {
            Forwarded::Host => {
                out.push(("Host", authority));
                if self.https {
                    out.push(("X-Forwarded-Proto", "https".to_owned()));
                }
            }
            Forwarded::XHeaders => {
                out.push(("Host", "127.0.0.1:8080".to_owned()));
                out.push(("X-Forwarded-Host", authority));
                out.push(("X-Forwarded-Proto", self.scheme().to_owned()));
            }
            Forwarded::Rfc7239 => {
                out.push(("Host", "127.0.0.1:8080".to_owned()));
                out.push((
                    "Forwarded",
                    format!(
                        "for=192.0.2.60;proto={};host=\"{authority}\", for=10.0.0.1;proto=http;host=internal",
                        self.scheme()
                    ),
                ));
                // Overridden by `Forwarded`.
                out.push(("X-Forwarded-Host", "other.example".to_owned()));
            }
        }
        if !self.prefix_in_target && !self.prefix.is_empty() {
            out.push(("X-Forwarded-Prefix", self.prefix.clone()));
        }
        out.into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_bytes()))
            .collect()
    }
}

/// `target` with every character of `chars` after its leading `/` percent-escaped.
pub(crate) fn escaped(target: &str, chars: &str, lower: bool) -> String {
    target
        .char_indices()
        .map(|(i, c)| match c {
            c if i > 0 && chars.contains(c) && lower => format!("%{:02x}", u32::from(c)),
            c if i > 0 && chars.contains(c) => format!("%{:02X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// The URL a provider signs for a request to `url`: the URL itself, with HubSpot's
/// listed escapes decoded (hex digits in either case, as RFC 3986 reads them; other
/// escapes and stray `%` kept).
pub(crate) fn signed_url(shape: UrlShape, url: &str) -> String {
    let Some(chars) = shape.unescape else {
        return url.to_owned();
    };
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                let hex = |b: &u8| char::from(*b).to_digit(16);
                match (hex(hi), hex(lo)) {
                    (Some(hi), Some(lo)) => u8::try_from(hi * 16 + lo)
                        .ok()
                        .filter(|b| chars.as_bytes().contains(b)),
                    _ => None,
                }
            }
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("decoded ASCII")
}

/// Twilio's canonical form of a body (its fields sorted by name, each name's distinct
/// values sorted, written name + value); `None` when it has more fields than are read.
/// Fields are split on `&` (empty ones skipped) and at their first `=`; `+` is a space and
/// `%XX` a byte; bytes that are not UTF-8 are read as U+FFFD.
pub(crate) fn twilio_form(body: &[u8]) -> Option<Vec<u8>> {
    let decode = |bytes: &[u8]| {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |at: usize| {
                bytes
                    .get(at)
                    .and_then(|b| char::from(*b).to_digit(16))
                    .and_then(|d| u8::try_from(d).ok())
            };
            match (bytes[i], hex(i + 1), hex(i + 2)) {
                (b'%', Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 3;
                }
                (b'+', ..) => {
                    out.push(b' ');
                    i += 1;
                }
                (b, ..) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    let mut fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut count = 0;
    for field in body.split(|b| *b == b'&').filter(|f| !f.is_empty()) {
        count += 1;
        if count > MAX_FORM_FIELDS {
            return None;
        }
        let (name, value) = match field.iter().position(|b| *b == b'=') {
            Some(at) => (&field[..at], &field[at + 1..]),
            None => (field, &b""[..]),
        };
        fields
            .entry(decode(name))
            .or_default()
            .insert(decode(value));
    }
    let mut out = Vec::new();
    for (name, values) in &fields {
        for value in values {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(value.as_bytes());
        }
    }
    Some(out)
}

/// One piece of a path segment or of a query's name or value.
fn piece(query: bool) -> BoxedStrategy<String> {
    let specials: Vec<&str> = if query {
        vec![
            "!", "$", "'", "(", ")", "*", "+", ",", ";", ":", "@", "/", "?",
        ]
    } else {
        vec![
            "!", "$", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@", "&",
        ]
    };
    // HubSpot decodes the escapes of `:/?@!$'()*,;` before signing; others stay.
    let escapes = vec![
        "%3A",
        "%3a",
        "%2F",
        "%3F",
        "%40",
        "%21",
        "%24",
        "%27",
        "%28",
        "%29",
        "%2A",
        "%2c",
        "%3B",
        "%20",
        "%25",
        "%7E",
        "%E2%82%AC",
        "%3D",
        "%26",
        "%2B",
        "%253A",
        "%",
    ];
    prop_oneof![
        4 => re("[A-Za-z0-9._~-]{1,8}").boxed(),
        1 => prop::sample::select(specials).prop_map(str::to_owned).boxed(),
        2 => prop::sample::select(escapes).prop_map(str::to_owned).boxed(),
    ]
    .boxed()
}

fn pieces(query: bool, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(query), 0..max).prop_map(|p| p.concat())
}

fn path() -> impl Strategy<Value = String> {
    (prop::collection::vec(pieces(false, 4), 0..4), any::<bool>()).prop_map(
        |(segments, trailing)| {
            let mut path = format!("/{}", segments.join("/"));
            if trailing && !path.ends_with('/') {
                path.push('/');
            }
            path
        },
    )
}

fn query() -> impl Strategy<Value = Option<String>> {
    let param = (
        pieces(true, 3),
        prop::option::weighted(0.9, pieces(true, 4)),
    )
        .prop_map(|(name, value)| match value {
            Some(value) => format!("{name}={value}"),
            None => name,
        });
    prop::option::weighted(
        0.7,
        prop::collection::vec(param, 0..5).prop_map(|p| p.join("&")),
    )
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => re("[a-z][a-z0-9-]{0,12}(\\.[a-z0-9-]{1,10}){0,3}"),
        2 => re("[A-Za-z0-9][A-Za-z0-9_.-]{0,20}"),
        1 => prop::sample::select(vec!["127.0.0.1", "[::1]", "[2001:db8::1]", "localhost"])
            .prop_map(str::to_owned),
    ]
}

fn port() -> impl Strategy<Value = Port> {
    prop_oneof![
        3 => Just(Port::None),
        2 => Just(Port::Default),
        1 => (1u16..=65535).prop_map(Port::Other),
    ]
}

pub(crate) fn url_spec() -> impl Strategy<Value = UrlSpec> {
    (
        (any::<bool>(), host(), port()),
        (
            re("(/[A-Za-z0-9._~-]{1,8}){0,2}"),
            any::<bool>(),
            any::<bool>(),
        ),
        (path(), query()),
        (
            prop::sample::select(METHODS),
            any::<Index>(),
            (any::<Index>(), any::<Index>()),
        ),
        (
            prop_oneof![
                Just(Forwarded::Host),
                Just(Forwarded::XHeaders),
                Just(Forwarded::Rfc7239),
            ],
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (https, host, port),
                (prefix, prefix_in_target, trailing_slash),
                (path, query),
                (method, other_method, alter),
                (forwarded, lower_escapes),
            )| {
                // A port that is the scheme's default is `Port::Default`.
                let port = match port {
                    Port::Other(443) if https => Port::Default,
                    Port::Other(80) if !https => Port::Default,
                    other => other,
                };
                UrlSpec {
                    https,
                    host,
                    port,
                    prefix,
                    prefix_in_target,
                    trailing_slash,
                    path,
                    query,
                    method,
                    other_method,
                    alter,
                    forwarded,
                    lower_escapes,
                }
            },
        )
}

#[test]
fn the_oracles_agree_with_the_providers_examples() {
    // twilio-python's form example, and HubSpot's docs' decoding.
    let form = b"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
    assert_eq!(
        twilio_form(form).unwrap(),
        b"CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212"
    );
    assert_eq!(
        twilio_form(b"b=2&a=x+y&&a=x%20y&a=%zz").unwrap(),
        b"a%zzax yb2"
    );
    let hubspot = UrlShape {
        body_hash: None,
        port_variants: false,
        unescape: Some(HUBSPOT_DECODED),
    };
    assert_eq!(
        escaped("/a:b?c=d@e", HUBSPOT_DECODED, true),
        "/a%3ab%3fc=d%40e"
    );
    assert_eq!(
        signed_url(hubspot, "https://x.io/a%3Ab%3a?q=%40%20%%2"),
        "https://x.io/a:b:?q=@%20%%2"
    );
}
