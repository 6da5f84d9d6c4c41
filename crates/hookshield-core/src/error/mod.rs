//! Errors: what a request was refused for ([`VerifyError`], and the [`Rejection`] an
//! adapter answers with), and what a configuration got wrong ([`ConfigError`]).

mod config_error;
mod rejection;
mod verify_error;

pub use config_error::ConfigError;
pub use rejection::{REJECTION_TARGET, Rejection};
pub use verify_error::{ErrorKind, Reason, VerifyError};
