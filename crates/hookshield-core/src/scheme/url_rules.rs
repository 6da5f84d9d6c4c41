//! How a scheme that signs the request URL reads it: the body-hash parameter, default-port
//! variants and escapes decoded before signing.

use crate::error::ConfigError;
use crate::scheme::signed_content::SignedContent;

/// The URL options of a scheme (all off by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct UrlRules {
    pub(crate) body_hash_param: Option<Box<str>>,
    pub(crate) port_variants: bool,
    pub(crate) unescape: Option<Box<str>>,
}

impl UrlRules {
    pub(crate) fn validate(&self, content: &SignedContent) -> Result<(), ConfigError> {
        let any = self.body_hash_param.is_some() || self.port_variants || self.unescape.is_some();
        if any && !content.uses_url() {
            return Err(ConfigError::Inconsistent(
                "URL options need {url} in the signed content",
            ));
        }
        if let Some(name) = &self.body_hash_param {
            if name.is_empty() {
                return Err(ConfigError::EmptyField);
            }
            if !content.uses_form() {
                return Err(ConfigError::Inconsistent(
                    "a body-hash parameter needs {form}",
                ));
            }
            // The hash is read from the query as received: decoding escapes before signing
            // would let `%3F` move it out of the signed query.
            if self.unescape.is_some() {
                return Err(ConfigError::Inconsistent(
                    "a body-hash parameter cannot be combined with URL unescaping",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{ConfigError, Scheme};

    /// The body hash is read from the query as received; with escapes decoded before
    /// signing, `%3F` could move it out of the signed query.
    #[test]
    fn a_body_hash_cannot_be_combined_with_unescaping() {
        let scheme = Scheme::builder("x")
            .signature_header("X-Sig")
            .signed_content("{url}{form}")
            .body_hash_param("bodySHA256")
            .url_unescape(":/?");
        assert!(matches!(scheme.build(), Err(ConfigError::Inconsistent(_))));
    }
}
