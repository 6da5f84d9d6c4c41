//! Reading secrets from environment variables and files, never from flag values.

use std::path::Path;

use hookshield_core::{ConfigError, Scheme, Secret, Signer, Verifier, VerifierBuilder};
use zeroize::Zeroizing;

use crate::UsageError;
use crate::args::SchemeArgs;

/// A secret with the label it is reported under: the variable's name or the file's path,
/// never the value.
pub(crate) struct Named {
    pub(crate) label: String,
    pub(crate) secret: Secret,
}

/// Every secret named on the command line, decoded with the scheme's secret format.
pub(crate) fn load(common: &SchemeArgs, scheme: &Scheme) -> Result<Vec<Named>, UsageError> {
    let mut secrets = Vec::new();
    for var in &common.secret_env {
        let text = Zeroizing::new(std::env::var(var).map_err(|_| {
            UsageError(format!(
                "environment variable {var} is not set or not UTF-8"
            ))
        })?);
        secrets.push(Named {
            label: var.clone(),
            secret: parse(scheme, &text, var)?,
        });
    }
    for path in &common.secret_file {
        let text = read_file(path)?;
        let label = path.display().to_string();
        secrets.push(Named {
            secret: parse(scheme, &text, &label)?,
            label,
        });
    }
    if secrets.is_empty() {
        return Err(UsageError(
            "give the secret with --secret-env VAR or --secret-file PATH".to_owned(),
        ));
    }
    Ok(secrets)
}

/// A verifier builder for the preset with every secret given, each labelled by its
/// source, and the preset's scheme (to tell what else the verifier needs).
pub(crate) fn verifier(args: &SchemeArgs) -> Result<(VerifierBuilder, Scheme), UsageError> {
    let builder = args.scheme()?;
    let scheme = builder.clone().build()?;
    let mut verifier = Verifier::builder(builder);
    for named in load(args, &scheme)? {
        verifier = verifier.labeled_secret(&named.label, named.secret);
    }
    Ok((verifier, scheme))
}

/// A signer for the preset with every secret given (list layouts sign with each).
pub(crate) fn signer(args: &SchemeArgs) -> Result<Signer, UsageError> {
    let builder = args.scheme()?;
    let scheme = builder.clone().build()?;
    let mut secrets = load(args, &scheme)?.into_iter();
    let first = secrets
        .next()
        .ok_or_else(|| UsageError("no secret".to_owned()))?;
    let mut signer = Signer::new(builder, first.secret)?;
    for more in secrets {
        signer = signer.with_secret(more.secret)?;
    }
    Ok(signer)
}

fn read_file(path: &Path) -> Result<Zeroizing<String>, UsageError> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?,
    );
    let trimmed = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    Ok(Zeroizing::new(trimmed.to_owned()))
}

fn parse(scheme: &Scheme, text: &str, source: &str) -> Result<Secret, UsageError> {
    scheme
        .parse_secret(text)
        .map_err(|err: ConfigError| UsageError(format!("secret from {source}: {err}")))
}
