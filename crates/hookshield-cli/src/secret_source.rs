//! Reading secrets from environment variables and files, never from flag values.

use std::path::Path;

use hookshield_core::{ConfigError, Scheme, Secret};
use zeroize::Zeroizing;

use crate::UsageError;
use crate::args::Common;

/// A secret with the label it is reported under: the variable's name or the file's path,
/// never the value.
pub(crate) struct Named {
    pub(crate) label: String,
    pub(crate) secret: Secret,
}

/// Every secret named on the command line, decoded with the scheme's secret format.
pub(crate) fn load(common: &Common, scheme: &Scheme) -> Result<Vec<Named>, UsageError> {
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
