//! The headers a scheme reads, named by [`HeaderName`]s parsed once, when it is built.

use crate::error::ConfigError;
use crate::headers::HeaderName;
use crate::scheme::value_source::Source;

/// The names of the headers a verifier reads for a scheme, each checked and parsed once:
/// the signature's (which `Scheme::signature_headers` reports), and the timestamp's and
/// the event id's where those are headers (none otherwise; `ValueSource::Headers` reports
/// those texts as configured).
#[derive(Debug, Clone)]
pub(crate) struct HeaderNames {
    pub(crate) signature: Box<[HeaderName]>,
    pub(crate) timestamp: Box<[HeaderName]>,
    pub(crate) id: Box<[HeaderName]>,
}

impl HeaderNames {
    pub(crate) fn new(
        signature: &[Box<str>],
        timestamp: Option<&Source>,
        id: Option<&Source>,
    ) -> Result<Self, ConfigError> {
        let of = |source: Option<&Source>| match source {
            Some(Source::Headers(names)) => parse(names),
            _ => Ok(Box::default()),
        };
        Ok(Self {
            signature: parse(signature)?,
            timestamp: of(timestamp)?,
            id: of(id)?,
        })
    }
}

fn parse(names: &[Box<str>]) -> Result<Box<[HeaderName]>, ConfigError> {
    names.iter().map(|name| HeaderName::new(name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_header_sources_have_names() {
        let names = HeaderNames::new(
            &["webhook-signature".into(), "svix-signature".into()],
            Some(&Source::Param("t".into())),
            Some(&Source::header("webhook-id").with_alias("svix-id")),
        )
        .unwrap();
        fn texts(names: &[HeaderName]) -> Vec<&str> {
            names.iter().map(HeaderName::as_str).collect()
        }
        assert_eq!(
            texts(&names.signature),
            ["webhook-signature", "svix-signature"]
        );
        assert!(names.timestamp.is_empty());
        assert_eq!(texts(&names.id), ["webhook-id", "svix-id"]);
        assert!(HeaderNames::new(&["bad name".into()], None, None).is_err());
    }
}
