//! What a request gives a scheme that signs more than headers and body: the method, the
//! URL (with Twilio's default-port variant), the canonical form fields, and the body hash
//! the URL carries. Shared by the verifier and the signer, so both sign the same bytes.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Reason;
use crate::request::form;
use crate::request::query;
use crate::request::{PublicUrl, RequestContext};
use crate::scheme::Scheme;
use crate::scheme::signed_content::Inputs;

/// The body hash Twilio puts in the URL: the hex SHA-256 of the body.
pub(crate) fn body_hash(body: &[u8]) -> String {
    const_hex::encode(Sha256::digest(body))
}

/// `url` with the escapes of `chars` decoded, when the scheme asks for it (HubSpot).
fn unescape(url: String, chars: Option<&str>) -> String {
    match chars {
        Some(chars) => query::unescape(&url, chars),
        None => url,
    }
}

/// The request's share of the signed content.
#[derive(Debug, Default)]
pub(crate) struct RequestInputs {
    pub(crate) method: String,
    /// The URL as signed (empty when the scheme signs none).
    pub(crate) url: String,
    /// The default-port variant, where the scheme accepts one.
    pub(crate) port_variant: Option<String>,
    pub(crate) form: Vec<u8>,
    /// The body hash the URL's query carries, when the scheme reads one and it is there.
    pub(crate) body_hash: Option<String>,
}

impl RequestInputs {
    /// Gathers the inputs for `request` with base URL `base` (needed only when the scheme
    /// signs the URL). `variants`: also render the default-port variant.
    pub(crate) fn gather(
        scheme: &Scheme,
        base: Option<&PublicUrl>,
        request: Option<&RequestContext<'_>>,
        body: &[u8],
        variants: bool,
    ) -> Result<Self, Reason> {
        let content = &scheme.content;
        let mut inputs = Self::default();
        if content.uses_request() {
            let request = request.ok_or(Reason::NoRequestContext)?;
            if content.uses_method() {
                request.method().clone_into(&mut inputs.method);
            }
            if content.uses_url() {
                let base = base.ok_or(Reason::NoPublicUrl)?;
                let rules = &scheme.url_rules;
                let chars = rules.unescape.as_deref();
                inputs.url = unescape(base.join(request.target()), chars);
                if variants && rules.port_variants {
                    let variant = base.join_port_variant(request.target());
                    inputs.port_variant = variant.map(|url| unescape(url, chars));
                }
                if let Some(name) = &rules.body_hash_param {
                    inputs.body_hash = query::param(request.query(), name)
                        .map_err(|()| Reason::BodyHashMismatch)?;
                }
            }
        }
        if content.uses_form() && inputs.body_hash.is_none() {
            inputs.form = form::canonical(body)?;
        }
        Ok(inputs)
    }

    /// The placeholders' bytes for one URL variant.
    pub(crate) fn content<'b>(
        &'b self,
        url: &'b str,
        timestamp: &'b [u8],
        id: &'b [u8],
        body: &'b [u8],
    ) -> Inputs<'b> {
        Inputs {
            timestamp,
            id,
            body,
            method: self.method.as_bytes(),
            url: url.as_bytes(),
            form: &self.form,
        }
    }

    /// The URLs to try: the URL, then its default-port variant.
    pub(crate) fn urls(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.url.as_str()).chain(self.port_variant.as_deref())
    }

    /// Checks the body against the hash the URL carries (after the signature matched, so
    /// the hash is known to be the provider's).
    pub(crate) fn check_body_hash(&self, body: &[u8]) -> Result<(), Reason> {
        let Some(presented) = &self.body_hash else {
            return Ok(());
        };
        let actual = body_hash(body);
        let presented = presented.to_ascii_lowercase();
        if bool::from(actual.as_bytes().ct_eq(presented.as_bytes())) {
            Ok(())
        } else {
            Err(Reason::BodyHashMismatch)
        }
    }
}
