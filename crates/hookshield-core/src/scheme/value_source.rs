//! Where a scheme finds the event id and the timestamp.

use crate::error::ConfigError;
use crate::headers::is_valid_name;
use crate::verify::body_fields::{MAX_PATH_DEPTH, PATH_SEPARATOR};

/// What the event id is a digest of when a request carries none (no id source, or an
/// optional one that is absent): the `sha256:<hex>` that stands in for it, and that the
/// replay guard keeps beside an id the signature does not cover.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdDigest {
    /// The signed content without the id: the timestamp as received and the body. A
    /// resend of the same signed request is recognised; an event the provider signs again
    /// with a new timestamp is a new event. The default.
    #[default]
    SignedContent,
    /// The body alone, for providers that sign each retry again with a fresh timestamp
    /// but send no event id (Calendly, Zoom): the retries of one event share a digest.
    Body,
}

/// Where a scheme reads its timestamp or event id, as told by
/// [`Scheme::timestamp_source`](crate::Scheme::timestamp_source) and
/// [`Scheme::id_source`](crate::Scheme::id_source).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueSource<'a> {
    /// The first present header of these names (the first is the one a signer sends).
    Headers(&'a [Box<str>]),
    /// A parameter of a `k=v` signature header (Stripe's `t`).
    Param(&'a str),
    /// A field of the JSON body, its path of keys joined with dots (`event.id`).
    Field(&'a str),
}

/// A place in the request a value is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// The first present header of these names (aliases, e.g. `webhook-id`, `svix-id`).
    Headers(Vec<Box<str>>),
    /// A parameter of a `k=v` signature header (Stripe's `t`).
    Param(Box<str>),
    /// A field of the JSON body, named by its path of keys joined with dots (`event.id`).
    Field(Box<str>),
}

impl Source {
    pub(crate) fn header(name: &str) -> Self {
        Self::Headers(vec![name.into()])
    }

    /// Adds an alias when this is a header source; otherwise starts one.
    pub(crate) fn with_alias(self, name: &str) -> Self {
        match self {
            Self::Headers(mut names) => {
                names.push(name.into());
                Self::Headers(names)
            }
            _ => Self::header(name),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        match self {
            Self::Headers(names) => validate_names(names),
            Self::Param(name) if name.is_empty() => Err(ConfigError::EmptyField),
            Self::Field(path) => validate_path(path),
            _ => Ok(()),
        }
    }

    pub(crate) fn public(&self) -> ValueSource<'_> {
        match self {
            Self::Headers(names) => ValueSource::Headers(names),
            Self::Param(key) => ValueSource::Param(key),
            Self::Field(path) => ValueSource::Field(path),
        }
    }

    pub(crate) fn field(&self) -> Option<&str> {
        match self {
            Self::Field(name) => Some(name),
            _ => None,
        }
    }
}

/// A field path is 1 to [`MAX_PATH_DEPTH`] non-empty keys joined with dots.
fn validate_path(path: &str) -> Result<(), ConfigError> {
    if path.is_empty() || path.split(PATH_SEPARATOR).any(str::is_empty) {
        return Err(ConfigError::EmptyField);
    }
    if path.split(PATH_SEPARATOR).count() > MAX_PATH_DEPTH {
        return Err(ConfigError::Inconsistent("a field path has at most 8 keys"));
    }
    Ok(())
}

/// Whether two body-field paths would read the same value or one inside the other.
pub(crate) fn paths_overlap(a: &str, b: &str) -> bool {
    let mut a = a.split(PATH_SEPARATOR);
    let mut b = b.split(PATH_SEPARATOR);
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => {}
            (Some(_), Some(_)) => return false,
            _ => return true,
        }
    }
}

pub(crate) fn validate_names(names: &[Box<str>]) -> Result<(), ConfigError> {
    if names.is_empty() {
        return Err(ConfigError::InvalidHeaderName(String::new()));
    }
    match names.iter().find(|n| !is_valid_name(n)) {
        Some(bad) => Err(ConfigError::InvalidHeaderName(bad.to_string())),
        None => Ok(()),
    }
}
