//! [`PublicUrl`]: where the provider sends its requests, as configured.

use std::fmt::{self, Write as _};

use crate::error::ConfigError;

/// The longest public URL accepted, in bytes.
const MAX_URL: usize = 2048;

/// The public base URL of an endpoint: `http` or `https`, a host, an optional port and an
/// optional path prefix, exactly as the provider is told to call it. The signed URL is this
/// joined with the received path and query, so it is right behind proxies, TLS terminators
/// and CDNs that change the address the app sees.
///
/// Written bytes are kept as they are (a provider signs the URL exactly as configured), but
/// a user, query or fragment is refused, as is a host with characters no host has.
///
/// ```
/// use hookshield_core::PublicUrl;
///
/// let url = PublicUrl::parse("https://example.com/hooks")?;
/// assert_eq!(url.join("/twilio?x=1"), "https://example.com/hooks/twilio?x=1");
/// assert!(PublicUrl::parse("https://user@example.com").is_err());
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicUrl {
    scheme: Box<str>,
    host: Box<str>,
    port: Option<u16>,
    prefix: Box<str>,
}

impl PublicUrl {
    /// Parses `scheme://host[:port][/prefix]`. A trailing `/` on the prefix is dropped.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        if text.len() > MAX_URL {
            return Err(ConfigError::InvalidPublicUrl(
                "it is longer than 2048 bytes",
            ));
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or(ConfigError::InvalidPublicUrl("it has no scheme"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(ConfigError::InvalidPublicUrl(
                "the scheme is not http or https",
            ));
        }
        if rest.contains(['?', '#']) {
            return Err(ConfigError::InvalidPublicUrl("it has a query or fragment"));
        }
        let (authority, prefix) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
        if authority.contains('@') {
            return Err(ConfigError::InvalidPublicUrl("it has a user"));
        }
        let (host, port) = split_port(authority).ok_or(ConfigError::InvalidPublicUrl(
            "the port is not a number from 1 to 65535",
        ))?;
        if !valid_host(host) {
            return Err(ConfigError::InvalidPublicUrl(
                "the host is empty or invalid",
            ));
        }
        if prefix.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(ConfigError::InvalidPublicUrl(
                "the path has spaces or controls",
            ));
        }
        Ok(Self::from_parts(&scheme, host, port, prefix))
    }

    /// Splits a full URL as a provider calls it (`https://host[:port]/path?query`) into its
    /// base and its target (path and query, starting with `/`), as a receiver would see
    /// them: a `#fragment` is dropped (it is never sent) and a query right after the host
    /// gets its `/`. The path and query must be percent-encoded (printable ASCII).
    ///
    /// ```
    /// use hookshield_core::PublicUrl;
    ///
    /// let (base, target) = PublicUrl::split("https://mycompany.com/myapp.php?foo=1#top")?;
    /// assert_eq!((base.to_string().as_str(), target.as_str()), ("https://mycompany.com", "/myapp.php?foo=1"));
    /// assert_eq!(PublicUrl::split("http://h?x=1")?.1, "/?x=1");
    /// assert!(PublicUrl::split("/relative").is_err());
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    pub fn split(url: &str) -> Result<(Self, String), ConfigError> {
        let url = url.split_once('#').map_or(url, |(url, _)| url);
        let after_scheme = url.find("://").map_or(0, |at| at.saturating_add(3));
        let rest = url.get(after_scheme..).unwrap_or_default();
        let at = rest
            .find(['/', '?'])
            .map_or(url.len(), |at| at.saturating_add(after_scheme));
        let (base, target) = url.split_at(at);
        let base = Self::parse(base)?;
        if target.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(ConfigError::InvalidPublicUrl(
                "the path and query must be percent-encoded",
            ));
        }
        let target = if target.starts_with('/') {
            target.to_owned()
        } else {
            format!("/{target}")
        };
        Ok((base, target))
    }

    pub(crate) fn from_parts(scheme: &str, host: &str, port: Option<u16>, prefix: &str) -> Self {
        Self {
            scheme: scheme.into(),
            host: host.into(),
            port,
            prefix: prefix.trim_end_matches('/').into(),
        }
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, as written.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when one was written.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The path prefix (empty, or starting with `/`, without a trailing `/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The full URL of a request whose target (path and query as received) is `target`.
    pub fn join(&self, target: &str) -> String {
        self.render(target, self.port)
    }

    /// The same URL with the scheme's default port written out when none is, or left out
    /// when the written one is the default; `None` for any other port. Twilio's SDKs accept
    /// a signature over either form.
    pub(crate) fn join_port_variant(&self, target: &str) -> Option<String> {
        let default = if &*self.scheme == "https" { 443 } else { 80 };
        match self.port {
            None => Some(self.render(target, Some(default))),
            Some(port) if port == default => Some(self.render(target, None)),
            Some(_) => None,
        }
    }

    /// The URL for `target`: a path (with its query) as received. A target without its
    /// leading `/` (a bare query `?x=1`, or `x?y`) gets one, so whatever query the target
    /// has, and so any body hash read from it, is in the signed URL.
    fn render(&self, target: &str, port: Option<u16>) -> String {
        let parts = [
            &*self.scheme,
            "://",
            &*self.host,
            ":65535",
            &*self.prefix,
            "/",
            target,
        ];
        let mut url = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        url.push_str(&self.scheme);
        url.push_str("://");
        url.push_str(&self.host);
        if let Some(port) = port {
            // Writing to a String cannot fail.
            let _ = write!(url, ":{port}");
        }
        url.push_str(&self.prefix);
        if !target.starts_with('/') {
            url.push('/');
        }
        url.push_str(target);
        url
    }
}

/// `host` and the port after its last `:` (IPv6 hosts are bracketed); `None` when a port
/// is written and is not a number from 1 to 65535.
pub(crate) fn split_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let bracket = authority.rfind(']').unwrap_or(0);
    match authority.rfind(':').filter(|at| *at > bracket) {
        Some(at) => {
            let (host, port) = authority.split_at(at);
            Some((host, Some(parse_port(port.get(1..)?)?)))
        }
        None => Some((authority, None)),
    }
}

/// A port written as 1 to 5 ASCII digits, from 1 to 65535.
pub(crate) fn parse_port(text: &str) -> Option<u16> {
    let digits = !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit());
    text.parse().ok().filter(|port| digits && *port != 0)
}

/// A host name, IPv4 address or bracketed IPv6 address: letters, digits, `-`, `.`, `_`,
/// and `[`, `]`, `:` for IPv6.
pub(crate) fn valid_host(host: &str) -> bool {
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    match host.strip_prefix('[').map(|rest| rest.strip_suffix(']')) {
        Some(Some(ipv6)) => {
            !ipv6.is_empty()
                && ipv6
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        Some(None) => false,
        None => host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')),
    }
}

impl fmt::Debug for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.join("/"))
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render("", self.port).trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_kept_as_written() {
        let url = PublicUrl::parse("https://Example.com:8443/api/hooks/").unwrap();
        assert_eq!(
            (url.scheme(), url.host(), url.port(), url.prefix()),
            ("https", "Example.com", Some(8443), "/api/hooks")
        );
        assert_eq!(
            url.join("/twilio?a=1"),
            "https://Example.com:8443/api/hooks/twilio?a=1"
        );
        assert_eq!(url.join_port_variant("/x"), None);
        let ipv6 = PublicUrl::parse("http://[::1]:8080").unwrap();
        assert_eq!(ipv6.join("/"), "http://[::1]:8080/");
    }

    #[test]
    fn full_urls_split_into_base_and_target() {
        let (base, target) =
            PublicUrl::split("https://mycompany.com/myapp.php?foo=1&bar=2").unwrap();
        assert_eq!(
            base.join(&target),
            "https://mycompany.com/myapp.php?foo=1&bar=2"
        );
        let (base, target) = PublicUrl::split("http://localhost:8080").unwrap();
        assert_eq!(
            (base.join(&target).as_str(), target.as_str()),
            ("http://localhost:8080/", "/")
        );
        let (base, target) = PublicUrl::split("http://h?x=1").unwrap();
        assert_eq!(base.join(&target), "http://h/?x=1");
        assert_eq!(base.join("x?y=1"), "http://h/x?y=1");
        assert!(PublicUrl::split("/relative").is_err());
        assert!(PublicUrl::split("https://h/a b").is_err());
    }

    #[test]
    fn default_ports_have_a_variant() {
        let url = PublicUrl::parse("https://mycompany.com").unwrap();
        assert_eq!(
            url.join_port_variant("/a").as_deref(),
            Some("https://mycompany.com:443/a")
        );
        let url = PublicUrl::parse("http://mycompany.com:80").unwrap();
        assert_eq!(
            url.join_port_variant("/a").as_deref(),
            Some("http://mycompany.com/a")
        );
    }

    #[test]
    fn bad_urls_are_refused() {
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://",
            "https://user:pw@example.com",
            "https://example.com/?q=1",
            "https://example.com/#f",
            "https://example.com:0",
            "https://example.com:99999",
            "https://example.com:http",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://a:b:c",
            "http://[::1",
            "http://[]:80",
            "http://[x::1]",
            "http://a]b",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
