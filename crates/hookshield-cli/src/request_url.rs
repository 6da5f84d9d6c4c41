//! Full URLs on the command line (`verify --url`, `sign --url`, `send --signed-url`): the
//! URL a provider called, split into the public base the verifier is configured with and
//! the target (path and query) the receiver sees.

use hookshield_core::{PublicUrl, Scheme, Signer};

use crate::UsageError;

/// The `Content-Type` of a form body, which Twilio signs field by field.
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// The `Content-Type` sent when none is given and the preset signs no form.
pub(crate) const JSON: &str = "application/json";

/// A full URL, as the provider calls it: its base (`https://host[:port]`) and its target
/// (path and query, starting with `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FullUrl {
    pub(crate) base: String,
    pub(crate) target: String,
}

impl FullUrl {
    /// Parses `scheme://host[:port][/path][?query]`, as given to `flag`, with the core's
    /// [`PublicUrl::split`]: a `#fragment` is dropped (it is never sent), a query right
    /// after the host gets its `/` (`https://h?x=1` is requested as `/?x=1`), and bytes are
    /// kept as written otherwise: a provider signs the URL exactly as it is configured.
    pub(crate) fn parse(url: &str, flag: &str) -> Result<Self, UsageError> {
        let (base, target) = PublicUrl::split(url).map_err(|e| {
            UsageError(format!(
                "{flag} {url:?}: {e} (give the full URL, starting with https:// or http://)"
            ))
        })?;
        Ok(Self {
            base: base.to_string(),
            target,
        })
    }

    /// The URL again, as it is signed and requested.
    pub(crate) fn to_url(&self) -> String {
        format!("{}{}", self.base, self.target)
    }
}

/// Whether `content_type` is a form (`application/x-www-form-urlencoded`, parameters aside).
pub(crate) fn is_form(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case(FORM)
}

/// The `Content-Type` of the body: `given`, or a form for a scheme that signs form fields
/// (Twilio), JSON otherwise.
pub(crate) fn content_type<'a>(given: Option<&'a str>, scheme: &Scheme) -> &'a str {
    match given {
        Some(given) => given,
        None if scheme.body_hash_param().is_some() => FORM,
        None => JSON,
    }
}

/// `url` with the scheme's body hash (Twilio's `bodySHA256`) when the body is not a form:
/// Twilio then signs the URL alone, with the hash of the body in its query. Unchanged for
/// forms, for other schemes, and when the query carries the hash already.
pub(crate) fn with_body_hash(
    signer: &Signer,
    url: &str,
    body: &[u8],
    content_type: &str,
) -> String {
    if is_form(content_type) {
        return url.to_owned();
    }
    // Unchanged when the query carries the hash already, or the scheme reads none.
    signer
        .url_with_body_hash(url, body)
        .unwrap_or_else(|| url.to_owned())
}

/// The usage error of a URL-signing preset used without the URL `flag` gives.
pub(crate) fn url_required(preset: &str, flag: &str, what: &str) -> UsageError {
    UsageError(format!(
        "--preset {preset} signs the request's URL: give {flag} {what}"
    ))
}

/// The presets that sign the request's URL, as `twilio, square and hubspot`.
pub(crate) fn url_presets() -> String {
    crate::presets::names_where(Scheme::signs_url)
}

#[cfg(test)]
mod tests {
    use hookshield_core::presets;

    use super::*;

    fn split(url: &str) -> (String, String) {
        let full = FullUrl::parse(url, "--url").unwrap();
        (full.base, full.target)
    }

    #[test]
    fn full_urls_split_into_base_and_target() {
        assert_eq!(
            split("https://mycompany.com/myapp.php?foo=1&bar=2"),
            (
                "https://mycompany.com".to_owned(),
                "/myapp.php?foo=1&bar=2".to_owned()
            )
        );
        assert_eq!(
            split("http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080".to_owned(), "/".to_owned())
        );
        assert_eq!(
            split("https://h?x=1#rc=5"),
            ("https://h".to_owned(), "/?x=1".to_owned())
        );
        assert_eq!(
            FullUrl::parse("https://Example.com:8443/a/?q", "--url")
                .unwrap()
                .to_url(),
            "https://Example.com:8443/a/?q"
        );
        for bad in [
            "example.com/x",
            "ftp://example.com/x",
            "https://user@example.com/x",
            "https:///x",
            "https://example.com/a b",
            "https://example.com:99999/",
        ] {
            let err = FullUrl::parse(bad, "--url").unwrap_err();
            assert!(err.0.starts_with("--url "), "{bad}: {}", err.0);
        }
    }

    #[test]
    fn forms_are_told_by_their_media_type() {
        assert!(is_form("application/x-www-form-urlencoded"));
        assert!(is_form("Application/X-WWW-Form-Urlencoded; charset=utf-8"));
        assert!(!is_form("application/json"));
        assert!(!is_form("multipart/form-data"));
    }

    #[test]
    fn the_body_hash_is_added_once_and_only_to_non_forms() {
        let secret = hookshield_core::Secret::from_text("12345").unwrap();
        let signer = Signer::new(presets::twilio(), secret.clone()).unwrap();
        let body = br#"{"property": "value", "boolean": true}"#;
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let hashed = with_body_hash(&signer, url, body, JSON);
        assert_eq!(
            hashed,
            format!(
                "{url}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
            )
        );
        assert_eq!(with_body_hash(&signer, &hashed, body, JSON), hashed);
        assert_eq!(with_body_hash(&signer, url, body, FORM), url);
        let square = Signer::new(presets::square(), secret).unwrap();
        assert_eq!(with_body_hash(&square, url, body, JSON), url);
        let listed = url_presets();
        assert!(
            listed.contains("twilio") && listed.contains(" and "),
            "{listed}"
        );
        assert!(!listed.contains("civo"), "{listed}");
    }
}
