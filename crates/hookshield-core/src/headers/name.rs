//! The name of a header hookshield reads, checked and parsed once, when the scheme is
//! built: a request's lookups by it parse nothing.

use std::any::Any;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::error::ConfigError;
use crate::headers::is_valid_name;

/// The name of a header a scheme reads (`X-Hub-Signature-256`, `webhook-id`, …), checked
/// and parsed when the scheme is built.
///
/// It keeps the text as configured (its case, for signers and messages) and, with the
/// `http` feature, the parsed `http::HeaderName` that [`HeaderLookup`](super::HeaderLookup)
/// for `http::HeaderMap` looks values up by, so a request's lookups hash the name but
/// never parse it. A map of another HTTP crate can keep its own parsed form of the name
/// beside it with [`parsed`](Self::parsed), as the actix-web adapter does.
///
/// ```
/// use hookshield_core::headers::HeaderName;
/// use hookshield_core::HeaderLookup;
///
/// let name = HeaderName::new("X-Civo-Event")?;
/// assert_eq!(name.as_str(), "X-Civo-Event");
/// let headers = [("x-civo-event", "6b1c…")];
/// assert_eq!(headers.named_values(&name).count(), 1);
/// assert!(HeaderName::new("bad name").is_err());
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct HeaderName {
    text: Box<str>,
    /// `None` only for a name `http` refuses though RFC 9110 allows it (over 64 KiB): it
    /// is looked up by its text then, and found nowhere, as `http` would.
    #[cfg(feature = "http")]
    http: Option<http::HeaderName>,
    /// Another HTTP crate's parsed form, made on first use ([`parsed`](Self::parsed)).
    other: OnceLock<Arc<dyn Any + Send + Sync>>,
}

impl HeaderName {
    /// Checks `name` (an RFC 9110 token: letters, digits and ``!#$%&'*+-.^_`|~``) and
    /// parses it; [`ConfigError::InvalidHeaderName`] for anything else.
    pub fn new(name: &str) -> Result<Self, ConfigError> {
        if !is_valid_name(name) {
            return Err(ConfigError::InvalidHeaderName(name.to_owned()));
        }
        Ok(Self {
            text: name.into(),
            #[cfg(feature = "http")]
            http: http::HeaderName::from_bytes(name.as_bytes()).ok(),
            other: OnceLock::new(),
        })
    }

    /// The name as configured.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The name parsed for `http::HeaderMap` (http 1.x).
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn http(&self) -> Option<&http::HeaderName> {
        self.http.as_ref()
    }

    /// The name as another HTTP crate's map wants it (actix-web's `http` 0.2 name, say):
    /// made by `parse` from the text the first time it is asked for, then kept with the
    /// name, so each name is parsed once, not on every request. `None` when `parse`
    /// refuses the name, or when the name already keeps a parsed form of another type
    /// (it keeps one): look it up by [`as_str`](Self::as_str) then.
    pub fn parsed<T: Any + Send + Sync>(
        &self,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<&T> {
        let kept = self.other.get_or_init(|| Arc::new(parse(&self.text)));
        kept.downcast_ref::<Option<T>>()?.as_ref()
    }
}

impl fmt::Debug for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HeaderName").field(&self.text).finish()
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Names are the same when their text is, case included, as the names a scheme was
/// built with.
impl PartialEq for HeaderName {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for HeaderName {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_one_parsed_form_of_another_crate() {
        let name = HeaderName::new("X-Civo-Event").unwrap();
        let mut calls = 0;
        for _ in 0..2 {
            let lower = name.parsed(|text| {
                calls += 1;
                Some(text.to_ascii_lowercase())
            });
            assert_eq!(lower.map(String::as_str), Some("x-civo-event"));
        }
        assert_eq!(calls, 1);
        // A second type is not kept: its caller looks the name up by text.
        assert_eq!(name.parsed(|_| Some(1u8)), None);
        // A clone shares what was parsed.
        assert!(name.clone().parsed(|_| None::<String>).is_some());

        let refused = HeaderName::new("X-Other").unwrap();
        assert_eq!(refused.parsed(|_| None::<String>), None);
    }

    #[cfg(feature = "http")]
    #[test]
    fn every_token_character_parses_for_http() {
        let name = HeaderName::new("X-a1!#$%&'*+-.^_`|~").unwrap();
        assert_eq!(
            name.http().map(http::HeaderName::as_str),
            Some("x-a1!#$%&'*+-.^_`|~")
        );
        assert_eq!(name.as_str(), "X-a1!#$%&'*+-.^_`|~");
    }

    #[test]
    fn compares_and_prints_by_text() {
        let name = HeaderName::new("webhook-id").unwrap();
        assert_eq!(name, HeaderName::new("webhook-id").unwrap());
        assert_ne!(name, HeaderName::new("Webhook-Id").unwrap());
        assert_eq!(format!("{name:?}"), r#"HeaderName("webhook-id")"#);
        assert_eq!(name.to_string(), "webhook-id");
    }
}
