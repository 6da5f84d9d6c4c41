//! How the signature header value is laid out, and reading the signatures out of it.

use crate::error::{ConfigError, Reason};
use crate::scheme::algorithm::SigLen;
use crate::scheme::encoding::Encoding;
use crate::verify::signature_bytes::Tags;

/// The most signatures one header may carry (rotation sends one per active secret).
pub const MAX_SIGNATURES: usize = 32;

/// What [`Layout::read`] found in a signature header value.
pub(crate) struct Read<'a> {
    /// `Ok` when the signatures were decoded (into the caller's [`Tags`]), or the first
    /// reason they cannot be read.
    pub(crate) signatures: Result<(), Reason>,
    /// The parameter asked for: `None` when absent (or the layout has no parameters),
    /// `SignatureSyntax` when given twice.
    pub(crate) param: Result<Option<&'a [u8]>, Reason>,
}

/// How long the signatures of a header are: the scheme's own, and those of the
/// public-key entries a versioned list may carry beside them (`v1a` beside `v1`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SigSpec<'a> {
    pub(crate) primary: SigLen,
    /// The version tag of the public-key entries and their length.
    pub(crate) alt: Option<(&'a str, SigLen)>,
}

impl From<usize> for SigSpec<'_> {
    fn from(len: usize) -> Self {
        Self {
            primary: SigLen::Exact(len),
            alt: None,
        }
    }
}

/// The layout of the signature header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One signature after a fixed prefix, which may be empty: `sha256=<hex>`, `v0=<hex>`.
    Single { prefix: Box<str> },
    /// `k=v` pairs separated by `pair` (Stripe: `t=…,v1=…,v1=…`). Signatures are the values
    /// of `key`; other keys are ignored, which is also how Stripe's `v0` test signatures and
    /// future schemes are skipped.
    KeyValue {
        pair: char,
        assign: char,
        key: Box<str>,
    },
    /// Space-separated `version,signature` entries (Standard Webhooks: `v1,<b64> v1a,<b64>`).
    /// Entries of other versions are ignored.
    Versioned { version: Box<str> },
}

impl Layout {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        match self {
            Self::Single { prefix } if prefix.bytes().any(|b| !b.is_ascii_graphic()) => {
                Err(ConfigError::Layout("the prefix must be printable ASCII"))
            }
            Self::KeyValue { pair, assign, key } => {
                if pair == assign || !pair.is_ascii_punctuation() || !assign.is_ascii_punctuation()
                {
                    Err(ConfigError::Layout(
                        "separators must be two different ASCII punctuation characters",
                    ))
                } else if key.is_empty()
                    || key.contains([*pair, *assign])
                    || key.contains(char::is_whitespace)
                {
                    Err(ConfigError::Layout(
                        "the signature key must be a non-empty word",
                    ))
                } else {
                    Ok(())
                }
            }
            Self::Versioned { version } if version.is_empty() || version.contains([',', ' ']) => {
                Err(ConfigError::Layout(
                    "the version tag must be a non-empty word",
                ))
            }
            _ => Ok(()),
        }
    }

    /// Decodes every signature this scheme accepts from the header value.
    #[cfg(test)]
    pub(crate) fn signatures<'s>(
        &self,
        value: &[u8],
        encoding: Encoding,
        len: impl Into<SigSpec<'s>>,
    ) -> Result<Tags, Reason> {
        let mut found = Tags::default();
        self.read(value, encoding, len, None, &mut found)
            .signatures
            .map(|()| found)
    }

    /// One pass over the header value: every signature this scheme accepts, decoded into
    /// `found` (the caller's, so the tags are not moved around), and for a `k=v` list the
    /// value of parameter `param` (Stripe's `t`). Each result is what a pass of its own
    /// would give: the signatures' first error, and the parameter's (given twice),
    /// independently of each other.
    pub(crate) fn read<'a, 's>(
        &self,
        value: &'a [u8],
        encoding: Encoding,
        len: impl Into<SigSpec<'s>>,
        param: Option<&str>,
        found: &mut Tags,
    ) -> Read<'a> {
        let spec = len.into();
        // Candidates are counted whether they decode or not, so the work per header stays
        // bounded; one that does not decode is skipped (Paddle's SDK tests rotation with
        // `h1=dummy;h1=<valid>`), and only a header where none decodes is malformed.
        let mut seen = 0usize;
        let mut undecodable = false;
        let mut push_in = |text: &[u8], len: SigLen, slot: u8| -> Result<(), Reason> {
            if seen == MAX_SIGNATURES {
                return Err(Reason::TooManySignatures);
            }
            seen = seen.saturating_add(1);
            match encoding.decode_sig(text, len) {
                Some(tag) => found.push(tag.in_slot(slot)),
                None => undecodable = true,
            }
            Ok(())
        };
        let mut param_value = Ok(None);
        let mut outcome = Ok(());
        match self {
            Self::Single { prefix } => {
                outcome = strip_prefix_ignore_case(value, prefix.as_bytes())
                    .ok_or(Reason::SignatureSyntax)
                    .and_then(|text| push_in(text, spec.primary, 0));
            }
            Self::KeyValue { pair, assign, key } => {
                for (k, v) in pairs(value, *pair, *assign) {
                    if let (Some(name), Some(k)) = (param, k)
                        && k == name.as_bytes()
                    {
                        param_value = match param_value {
                            Ok(None) => Ok(Some(v)),
                            _ => Err(Reason::SignatureSyntax),
                        };
                    }
                    if outcome.is_ok() {
                        outcome = match k {
                            None => Err(Reason::SignatureSyntax),
                            Some(k) if k == key.as_bytes() => push_in(v, spec.primary, 0),
                            Some(_) => Ok(()),
                        };
                    }
                }
            }
            Self::Versioned { version } => {
                for entry in items(value, b' ').filter(|e| !e.is_empty()) {
                    outcome = split_once(entry, b',')
                        .ok_or(Reason::SignatureSyntax)
                        .and_then(|(tag, text)| match spec.alt {
                            _ if tag == version.as_bytes() => push_in(text, spec.primary, 0),
                            Some((alt, len)) if tag == alt.as_bytes() => push_in(text, len, 1),
                            _ => Ok(()),
                        });
                    if outcome.is_err() {
                        break;
                    }
                }
            }
        }
        let signatures = outcome.and_then(|()| match (found.is_empty(), undecodable) {
            (false, _) => Ok(()),
            (true, true) => Err(Reason::SignatureEncoding),
            (true, false) => Err(Reason::NoSupportedSignature),
        });
        Read {
            signatures,
            param: param_value,
        }
    }

    /// The shared token of a header value: what follows the prefix of a single layout.
    pub(crate) fn token<'a>(&self, value: &'a [u8]) -> Result<&'a [u8], Reason> {
        match self {
            Self::Single { prefix } => {
                strip_prefix_ignore_case(value, prefix.as_bytes()).ok_or(Reason::SignatureSyntax)
            }
            _ => Err(Reason::SignatureSyntax),
        }
    }

    /// Writes a header value carrying `signatures` (already encoded) and, for `k=v`
    /// layouts, the timestamp parameter first.
    /// Signatures of slot 1 go in `alt` entries (`v1a`) of a versioned list.
    pub(crate) fn render(
        &self,
        signatures: &[(u8, String)],
        alt: Option<&str>,
        param: Option<(&str, &str)>,
    ) -> String {
        match self {
            Self::Single { prefix } => {
                format!(
                    "{prefix}{}",
                    signatures
                        .first()
                        .map(|(_, s)| s.as_str())
                        .unwrap_or_default()
                )
            }
            Self::KeyValue { pair, assign, key } => param
                .map(|(k, v)| format!("{k}{assign}{v}"))
                .into_iter()
                .chain(signatures.iter().map(|(_, s)| format!("{key}{assign}{s}")))
                .collect::<Vec<_>>()
                .join(&pair.to_string()),
            Self::Versioned { version } => signatures
                .iter()
                .map(|(slot, s)| match (slot, alt) {
                    (1, Some(alt)) => format!("{alt},{s}"),
                    _ => format!("{version},{s}"),
                })
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// Whether a header value can carry several signatures (rotation).
    pub(crate) fn is_list(&self) -> bool {
        !matches!(self, Self::Single { .. })
    }
}

/// `(key, value)` items of a `k=v` list; the key is `None` for an item with no separator.
/// Whitespace around items is ignored; empty items are skipped.
fn pairs(value: &[u8], pair: char, assign: char) -> impl Iterator<Item = (Option<&[u8]>, &[u8])> {
    let assign = ascii(assign);
    items(value, ascii(pair))
        .map(<[u8]>::trim_ascii)
        .filter(|item| !item.is_empty())
        .map(move |item| match split_once(item, assign) {
            Some((k, v)) => (Some(k.trim_ascii()), v.trim_ascii()),
            None => (None, item),
        })
}

/// The pieces of `value` between `sep` bytes (found with `memchr`).
fn items(value: &[u8], sep: u8) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let current = rest?;
        match memchr::memchr(sep, current) {
            Some(at) => {
                rest = current.get(at.saturating_add(1)..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

fn ascii(c: char) -> u8 {
    u8::try_from(c).unwrap_or(b'\0')
}

fn split_once(bytes: &[u8], sep: u8) -> Option<(&[u8], &[u8])> {
    let at = memchr::memchr(sep, bytes)?;
    Some((bytes.get(..at)?, bytes.get(at.checked_add(1)?..)?))
}

fn strip_prefix_ignore_case<'a>(value: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| value.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripe() -> Layout {
        Layout::KeyValue {
            pair: ',',
            assign: '=',
            key: "v1".into(),
        }
    }

    #[test]
    fn key_value_reads_every_v1_and_the_timestamp() {
        let sig = "ab".repeat(32);
        let value = format!("t=12, v1={sig},v0={sig},v1={}", "cd".repeat(32));
        let found = stripe()
            .signatures(value.as_bytes(), Encoding::Hex, 32)
            .unwrap();
        assert_eq!(found.len(), 2);
        let param = |value: &'static [u8]| {
            stripe()
                .read(value, Encoding::Hex, 32, Some("t"), &mut Tags::default())
                .param
        };
        let mut found = Tags::default();
        assert_eq!(
            stripe()
                .read(value.as_bytes(), Encoding::Hex, 32, Some("t"), &mut found)
                .param,
            Ok(Some(&b"12"[..]))
        );
        assert_eq!(found.len(), 2);
        assert_eq!(param(b"t=1,t=2"), Err(Reason::SignatureSyntax));
        // The parameter is read past an item the signatures cannot use, and the other way
        // round.
        assert_eq!(param(b"garbage,t=7"), Ok(Some(&b"7"[..])));
        assert_eq!(param(b"v1=zz,t=7"), Ok(Some(&b"7"[..])));
        let both = stripe().read(
            b"t=1,t=2,v1=zz",
            Encoding::Hex,
            32,
            Some("t"),
            &mut Tags::default(),
        );
        assert_eq!(both.param, Err(Reason::SignatureSyntax));
        assert_eq!(both.signatures, Err(Reason::SignatureEncoding));
        assert_eq!(
            stripe().signatures(b"t=1,v0=00", Encoding::Hex, 32),
            Err(Reason::NoSupportedSignature)
        );
        assert_eq!(
            stripe().signatures(b"t=1,garbage", Encoding::Hex, 32),
            Err(Reason::SignatureSyntax)
        );
    }

    #[test]
    fn undecodable_candidates_are_skipped_unless_none_decodes() {
        let paddle = Layout::KeyValue {
            pair: ';',
            assign: '=',
            key: "h1".into(),
        };
        let good = "ab".repeat(32);
        let value = format!("ts=1;h1=dummy;h1={good};h1=abc");
        let found = paddle
            .signatures(value.as_bytes(), Encoding::Hex, 32)
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            paddle.signatures(b"ts=1;h1=dummy;h1=", Encoding::Hex, 32),
            Err(Reason::SignatureEncoding)
        );
        let versioned = Layout::Versioned {
            version: "v1".into(),
        };
        let b64 = Encoding::Base64.encode(&[7u8; 32]);
        let value = format!("v1,!!! v1,{b64}");
        assert_eq!(
            versioned
                .signatures(value.as_bytes(), Encoding::Base64, 32)
                .unwrap()
                .len(),
            1
        );
        // Undecodable candidates still count towards the limit.
        let value = vec!["h1=zz"; MAX_SIGNATURES + 1].join(";");
        assert_eq!(
            paddle.signatures(value.as_bytes(), Encoding::Hex, 32),
            Err(Reason::TooManySignatures)
        );
    }

    #[test]
    fn versioned_skips_other_versions() {
        let l = Layout::Versioned {
            version: "v1".into(),
        };
        let b64 = Encoding::Base64.encode(&[7u8; 32]);
        let value = format!("v1a,AAAA v1,{b64}  v2,zzz");
        assert_eq!(
            l.signatures(value.as_bytes(), Encoding::Base64, 32)
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            l.signatures(b"v1a,AAAA", Encoding::Base64, 32),
            Err(Reason::NoSupportedSignature)
        );
        assert_eq!(
            l.signatures(b"v1", Encoding::Base64, 32),
            Err(Reason::SignatureSyntax)
        );
    }

    #[test]
    fn single_prefix_is_case_insensitive() {
        let l = Layout::Single {
            prefix: "sha256=".into(),
        };
        let sig = format!("SHA256={}", "00".repeat(32));
        assert!(l.signatures(sig.as_bytes(), Encoding::Hex, 32).is_ok());
        assert_eq!(
            l.signatures(b"sha1=00", Encoding::Hex, 32),
            Err(Reason::SignatureSyntax)
        );
    }

    #[test]
    fn too_many_signatures() {
        let value = vec![format!("v1={}", "00".repeat(32)); MAX_SIGNATURES + 1].join(",");
        assert_eq!(
            stripe().signatures(value.as_bytes(), Encoding::Hex, 32),
            Err(Reason::TooManySignatures)
        );
    }

    #[test]
    fn render_round_trips() {
        let sigs = vec![(0, "aa".to_owned()), (0, "bb".to_owned())];
        assert_eq!(
            stripe().render(&sigs, None, Some(("t", "9"))),
            "t=9,v1=aa,v1=bb"
        );
        assert_eq!(
            Layout::Versioned {
                version: "v1".into()
            }
            .render(&sigs, None, None),
            "v1,aa v1,bb"
        );
        let mixed = vec![(0, "aa".to_owned()), (1, "cc".to_owned())];
        assert_eq!(
            Layout::Versioned {
                version: "v1".into()
            }
            .render(&mixed, Some("v1a"), None),
            "v1,aa v1a,cc"
        );
        assert_eq!(
            Layout::Single {
                prefix: "v0=".into()
            }
            .render(&sigs, None, None),
            "v0=aa"
        );
    }
}
