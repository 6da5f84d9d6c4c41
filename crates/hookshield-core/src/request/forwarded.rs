//! The base URL of a request: the configured public URL, overridden by `Forwarded` /
//! `X-Forwarded-*` only when the verifier trusts them.

use std::borrow::Cow;

use crate::error::Reason;
use crate::headers::{self, HeaderLookup};
use crate::request::public_url::{PublicUrl, parse_port, split_port, valid_host};

/// How a verifier learns the public URL of a request.
#[derive(Debug, Clone, Default)]
pub(crate) struct UrlConfig {
    pub(crate) public: Option<PublicUrl>,
    pub(crate) trust_forwarded: bool,
}

impl UrlConfig {
    /// The base URL for a request with `headers`: the public URL, with what trusted
    /// forwarded headers say in place of its parts. Without a public URL, the trusted
    /// headers and `Host` must give the host.
    pub(crate) fn base<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
    ) -> Result<Cow<'_, PublicUrl>, Reason> {
        if !self.trust_forwarded {
            return self
                .public
                .as_ref()
                .map(Cow::Borrowed)
                .ok_or(Reason::NoPublicUrl);
        }
        let told = Told::read(headers)?;
        let public = self.public.as_ref();
        let host_header = match (&told.host, public) {
            (None, None) => one(headers, "host")?,
            _ => None,
        };
        let configured = || public.map(|p| p.host().to_owned());
        // A request that names no host is the client's fault, not the receiver's.
        let Some(authority) = told.host.or(host_header).or_else(configured) else {
            return Err(Reason::ForwardedSyntax);
        };
        let (host, port_in_host) = split_port(&authority).ok_or(Reason::ForwardedSyntax)?;
        if !valid_host(host) {
            return Err(Reason::ForwardedSyntax);
        }
        let scheme = told
            .proto
            .or_else(|| public.map(|p| p.scheme().to_owned()))
            .unwrap_or_else(|| "http".to_owned());
        let port = told.port.or(port_in_host).or_else(|| {
            // The configured port stands only for the configured host.
            public
                .filter(|p| p.host() == host)
                .and_then(PublicUrl::port)
        });
        let prefix = told
            .prefix
            .or_else(|| public.map(|p| p.prefix().to_owned()))
            .unwrap_or_default();
        Ok(Cow::Owned(PublicUrl::from_parts(
            &scheme, host, port, &prefix,
        )))
    }
}

/// What the forwarded headers say. `Forwarded` (RFC 7239) wins over `X-Forwarded-*`; of a
/// list, the first element is the one the first proxy, nearest the provider, wrote.
#[derive(Default)]
struct Told {
    proto: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    prefix: Option<String>,
}

impl Told {
    fn read<H: HeaderLookup + ?Sized>(headers: &H) -> Result<Self, Reason> {
        let mut told = Self::default();
        if let Some(forwarded) = one(headers, "forwarded")? {
            let first = forwarded.split(',').next().unwrap_or_default();
            for pair in first.split(';') {
                let Some((key, value)) = pair.trim().split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match key.trim().to_ascii_lowercase().as_str() {
                    "proto" => told.proto = Some(value.to_owned()),
                    "host" => told.host = Some(value.to_owned()),
                    _ => {}
                }
            }
        }
        if told.proto.is_none() {
            told.proto = one(headers, "x-forwarded-proto")?.map(first_of_list);
        }
        if told.host.is_none() {
            told.host = one(headers, "x-forwarded-host")?.map(first_of_list);
        }
        if let Some(port) = one(headers, "x-forwarded-port")?.map(first_of_list) {
            told.port = Some(parse_port(&port).ok_or(Reason::ForwardedSyntax)?);
        }
        if let Some(prefix) = one(headers, "x-forwarded-prefix")?.map(first_of_list) {
            let prefix = prefix.trim_end_matches('/').to_owned();
            let valid = prefix.is_empty()
                || (prefix.starts_with('/')
                    && prefix
                        .bytes()
                        .all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#'));
            if !valid {
                return Err(Reason::ForwardedSyntax);
            }
            told.prefix = Some(prefix);
        }
        if let Some(proto) = &mut told.proto {
            proto.make_ascii_lowercase();
            if proto != "http" && proto != "https" {
                return Err(Reason::ForwardedSyntax);
            }
        }
        Ok(told)
    }
}

/// The first element of a comma-separated list.
fn first_of_list(value: String) -> String {
    value
        .split(',')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The text of a header that must appear at most once.
fn one<H: HeaderLookup + ?Sized>(headers: &H, name: &str) -> Result<Option<String>, Reason> {
    match headers::one(headers, name) {
        Ok(Some(value)) => std::str::from_utf8(value)
            .map(|v| Some(v.trim().to_owned()))
            .map_err(|_| Reason::ForwardedSyntax),
        Ok(None) => Ok(None),
        Err(Reason::RepeatedHeader) => Err(Reason::ForwardedSyntax),
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(public: Option<&str>, trust: bool) -> UrlConfig {
        UrlConfig {
            public: public.map(|p| PublicUrl::parse(p).unwrap()),
            trust_forwarded: trust,
        }
    }

    #[test]
    fn forwarded_headers_are_ignored_unless_trusted() {
        let headers = [
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-proto", "http"),
        ];
        let base = config(Some("https://hooks.example.com"), false)
            .base(&headers)
            .map(Cow::into_owned)
            .unwrap();
        assert_eq!(base.join("/t"), "https://hooks.example.com/t");
        let base = config(Some("https://hooks.example.com"), true)
            .base(&headers)
            .map(Cow::into_owned)
            .unwrap();
        assert_eq!(base.join("/t"), "http://evil.example/t");
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            config(None, false).base(&none).map(Cow::into_owned),
            Err(Reason::NoPublicUrl)
        );
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_and_host_is_the_last_resort() {
        let headers = [
            (
                "forwarded",
                r#"for=1.2.3.4;proto=https;host="api.example.com", for=10.0.0.1;proto=http"#,
            ),
            ("x-forwarded-host", "other.example"),
            ("x-forwarded-prefix", "/svc/"),
            ("host", "127.0.0.1:8080"),
        ];
        let base = config(None, true)
            .base(&headers)
            .map(Cow::into_owned)
            .unwrap();
        assert_eq!(base.join("/t?x=1"), "https://api.example.com/svc/t?x=1");
        let base = config(None, true)
            .base(&[("host", "127.0.0.1:8080")])
            .map(Cow::into_owned)
            .unwrap();
        assert_eq!(base.join("/t"), "http://127.0.0.1:8080/t");
    }

    #[test]
    fn unreadable_or_repeated_forwarded_headers_are_refused() {
        for headers in [
            vec![("x-forwarded-proto", "gopher")],
            vec![("x-forwarded-port", "99999")],
            vec![("x-forwarded-host", "a b")],
            vec![("x-forwarded-prefix", "no-slash")],
            vec![
                ("x-forwarded-host", "a.example"),
                ("x-forwarded-host", "b.example"),
            ],
        ] {
            let result = config(Some("https://x.example"), true)
                .base(&headers)
                .map(Cow::into_owned);
            assert_eq!(result, Err(Reason::ForwardedSyntax), "{headers:?}");
        }
    }
}
