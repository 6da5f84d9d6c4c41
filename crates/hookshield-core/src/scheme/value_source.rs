//! Where a scheme finds the event id and the timestamp.

use crate::error::ConfigError;
use crate::headers::is_valid_name;

/// A place in the request a value is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// The first present header of these names (aliases, e.g. `webhook-id`, `svix-id`).
    Headers(Vec<Box<str>>),
    /// A parameter of a `k=v` signature header (Stripe's `t`).
    Param(Box<str>),
    /// A top-level field of the JSON body.
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
            Self::Param(name) | Self::Field(name) if name.is_empty() => {
                Err(ConfigError::EmptyField)
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn field(&self) -> Option<&str> {
        match self {
            Self::Field(name) => Some(name),
            _ => None,
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
