//! `hookshield sign`.

use std::process::ExitCode;

use hookshield_core::{SignOptions, SignedHeaders};

use crate::UsageError;
use crate::args::{Common, SignArgs};
use crate::secret_source;

pub(crate) fn run(args: &SignArgs) -> Result<ExitCode, UsageError> {
    let (headers, _) = sign(&args.common, args.id.as_deref())?;
    for (name, value) in headers.iter() {
        println!("{name}: {value}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The headers a provider would send with the body, and the body.
pub(crate) fn sign(
    common: &Common,
    id: Option<&str>,
) -> Result<(SignedHeaders, Vec<u8>), UsageError> {
    let signer = secret_source::signer(&common.scheme)?;
    let mut options = SignOptions::new();
    if let Some(at) = common.instant()? {
        options = options.timestamp(at);
    }
    if let Some(id) = id {
        options = options.id(id);
    }
    let body = common.body()?;
    let headers = signer.sign(&body, &options)?;
    Ok((headers, body))
}
