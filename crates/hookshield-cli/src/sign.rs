//! `hookshield sign`.

use std::process::ExitCode;

use hookshield_core::{SignOptions, Signer};

use crate::UsageError;
use crate::args::SignArgs;
use crate::secret_source;

pub(crate) fn run(args: &SignArgs) -> Result<ExitCode, UsageError> {
    let builder = args.common.scheme()?;
    let scheme = builder.clone().build()?;
    let mut secrets = secret_source::load(&args.common, &scheme)?.into_iter();
    let first = secrets
        .next()
        .ok_or_else(|| UsageError("no secret".to_owned()))?;
    let mut signer = Signer::new(builder, first.secret)?;
    for more in secrets {
        signer = signer.with_secret(more.secret)?;
    }
    let mut options = SignOptions::new();
    if let Some(at) = args.common.instant()? {
        options = options.timestamp(at);
    }
    if let Some(id) = &args.id {
        options = options.id(id);
    }
    let body = args.common.body()?;
    for (name, value) in signer.sign(&body, &options)?.iter() {
        println!("{name}: {value}");
    }
    Ok(ExitCode::SUCCESS)
}
