//! Which bytes are signed: a template over the timestamp, the event id and the body.

use crate::error::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(Box<[u8]>),
    Timestamp,
    Id,
    Body,
    Method,
    Url,
    Form,
}

/// What a request gives the signed content: each placeholder's bytes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Inputs<'a> {
    pub(crate) timestamp: &'a [u8],
    pub(crate) id: &'a [u8],
    pub(crate) body: &'a [u8],
    pub(crate) method: &'a [u8],
    pub(crate) url: &'a [u8],
    pub(crate) form: &'a [u8],
}

/// The signed content of a scheme, parsed from a template such as `{body}`, `{t}.{body}`,
/// `{id}.{t}.{body}` or `v0:{t}:{body}`.
///
/// Placeholders: `{body}` (the raw body), `{t}` (alias `{timestamp}`: the timestamp
/// exactly as received), `{id}` (the event id exactly as received), `{method}` (the
/// request method), `{url}` (the public URL joined with the received path and query) and
/// `{form}` (the form fields of the body, sorted, as Twilio signs them). The body is
/// signed exactly once, as `{body}` or as `{form}`. Everything else is literal; `{{` and `}}` stand for literal braces. The MAC is fed part by part, so
/// no concatenated copy of the body is ever made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedContent {
    parts: Vec<Part>,
    /// Which placeholders the parts use, told once: each request asks.
    uses: Uses,
}

/// The placeholders a template uses, besides `{body}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Uses {
    timestamp: bool,
    id: bool,
    url: bool,
    method: bool,
    form: bool,
}

impl SignedContent {
    pub(crate) fn parse(template: &str) -> Result<Self, ConfigError> {
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        let mut rest = template;
        while let Some(c) = rest.chars().next() {
            let after = rest.get(c.len_utf8()..).unwrap_or_default();
            match c {
                '{' if after.starts_with('{') => {
                    literal.push(b'{');
                    rest = after.get(1..).unwrap_or_default();
                }
                '}' if after.starts_with('}') => {
                    literal.push(b'}');
                    rest = after.get(1..).unwrap_or_default();
                }
                '{' => {
                    let end = after
                        .find('}')
                        .ok_or(ConfigError::Template("an opening brace is never closed"))?;
                    let part = match after.get(..end).unwrap_or_default() {
                        "body" => Part::Body,
                        "t" | "timestamp" => Part::Timestamp,
                        "id" => Part::Id,
                        "method" => Part::Method,
                        "url" => Part::Url,
                        "form" => Part::Form,
                        _ => return Err(ConfigError::Template("unknown placeholder")),
                    };
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal).into()));
                    }
                    parts.push(part);
                    rest = after.get(end.saturating_add(1)..).unwrap_or_default();
                }
                '}' => return Err(ConfigError::Template("a closing brace is never opened")),
                _ => {
                    literal
                        .extend_from_slice(rest.get(..c.len_utf8()).unwrap_or_default().as_bytes());
                    rest = after;
                }
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal.into()));
        }
        let count = |wanted: &Part| parts.iter().filter(|p| *p == wanted).count();
        if [Part::Method, Part::Url, Part::Form]
            .iter()
            .any(|p| count(p) > 1)
        {
            return Err(ConfigError::Template(
                "{method}, {url} and {form} may appear only once",
            ));
        }
        match count(&Part::Body).saturating_add(count(&Part::Form)) {
            1 => {
                let has = |wanted: Part| parts.contains(&wanted);
                let uses = Uses {
                    timestamp: has(Part::Timestamp),
                    id: has(Part::Id),
                    url: has(Part::Url),
                    method: has(Part::Method),
                    form: has(Part::Form),
                };
                Ok(Self { parts, uses })
            }
            0 => Err(ConfigError::Template(
                "the template must contain {body} or {form}",
            )),
            _ => Err(ConfigError::Template("the body may be signed only once")),
        }
    }

    /// Whether the template signs the timestamp.
    pub(crate) fn uses_timestamp(&self) -> bool {
        self.uses.timestamp
    }

    /// Whether the template signs the event id.
    pub(crate) fn uses_id(&self) -> bool {
        self.uses.id
    }

    /// Whether the template signs the request URL.
    pub(crate) fn uses_url(&self) -> bool {
        self.uses.url
    }

    /// Whether the template signs the request method.
    pub(crate) fn uses_method(&self) -> bool {
        self.uses.method
    }

    /// Whether the template signs the request method or URL: it cannot be verified from
    /// headers and body alone.
    pub(crate) fn uses_request(&self) -> bool {
        self.uses.url || self.uses.method
    }

    /// Whether the template signs the body's form fields instead of its bytes.
    pub(crate) fn uses_form(&self) -> bool {
        self.uses.form
    }

    /// Whether the signed content is exactly the body.
    pub(crate) fn is_body_only(&self) -> bool {
        self.parts == [Part::Body]
    }

    /// The byte slices whose concatenation is signed.
    pub(crate) fn parts<'a>(&'a self, inputs: Inputs<'a>) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.parts.iter().map(move |part| match part {
            Part::Literal(bytes) => bytes,
            Part::Timestamp => inputs.timestamp,
            Part::Id => inputs.id,
            Part::Body => inputs.body,
            Part::Method => inputs.method,
            Part::Url => inputs.url,
            Part::Form => inputs.form,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(template: &str) -> Vec<u8> {
        SignedContent::parse(template)
            .unwrap()
            .parts(Inputs {
                timestamp: b"123",
                id: b"msg_1",
                body: b"{}",
                method: b"POST",
                url: b"https://x.io/a?b=1",
                form: b"a1",
            })
            .flatten()
            .copied()
            .collect()
    }

    #[test]
    fn templates_render_in_order() {
        assert_eq!(joined("{body}"), b"{}");
        assert_eq!(joined("{t}.{body}"), b"123.{}");
        assert_eq!(joined("{id}.{timestamp}.{body}"), b"msg_1.123.{}");
        assert_eq!(joined("v0:{t}:{body}"), b"v0:123:{}");
        assert_eq!(joined("{{{t}}}{body}"), b"{123}{}");
        assert_eq!(joined("é{body}"), "é{}".as_bytes());
        assert_eq!(joined("{url}{form}"), b"https://x.io/a?b=1a1");
        assert_eq!(
            joined("{method}{url}{body}{t}"),
            b"POSThttps://x.io/a?b=1{}123"
        );
    }

    #[test]
    fn bad_templates_are_config_errors() {
        for bad in [
            "",
            "{t}",
            "{body}{body}",
            "{bod}",
            "{body",
            "}{body}",
            "{t}.{body}}",
            "{url}",
            "{body}{form}",
            "{url}{url}{body}",
        ] {
            assert!(SignedContent::parse(bad).is_err(), "{bad:?}");
        }
    }
}
