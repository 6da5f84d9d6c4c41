//! Reading secrets and keys from environment variables and files, never from flag values;
//! the verifier and the signer they make. A key is reported by where it came from, never
//! by its value.

use std::path::{Path, PathBuf};

use hookshield_core::{
    Algorithm, ConfigError, KeySet, PrivateKey, PublicKey, Scheme, SchemeBuilder, Secret,
    SecretFormat, Signer, Verifier, VerifierBuilder, WHPK_PREFIX,
};
use zeroize::Zeroizing;

use crate::UsageError;
use crate::args::{PrivateKeyArgs, SchemeArgs};

/// A key's text with the label it is reported under: the variable's name or the file's
/// path, never the value.
pub(crate) struct Named {
    pub(crate) label: String,
    pub(crate) text: Zeroizing<String>,
}

/// The texts of the variables `vars` (given with `flag`) and of the files `files`, in
/// that order.
fn read_all(vars: &[String], flag: &str, files: &[PathBuf]) -> Result<Vec<Named>, UsageError> {
    let mut keys = Vec::new();
    for var in vars {
        let text = Zeroizing::new(std::env::var(var).map_err(|_| {
            UsageError(format!(
                "environment variable {var} ({flag}) is not set or not UTF-8"
            ))
        })?);
        keys.push(Named {
            label: var.clone(),
            text,
        });
    }
    for path in files {
        keys.push(Named {
            text: read_file(path)?,
            label: path.display().to_string(),
        });
    }
    Ok(keys)
}

/// The algorithm of the private keys `scheme` signs with, and the version tag of the
/// entries they go in when they sign beside the scheme's secrets (Standard Webhooks'
/// `v1a`); `None` for a scheme without key pairs.
pub(crate) fn key_pair(scheme: &Scheme) -> Option<(Algorithm, Option<&str>)> {
    if scheme.algorithm().is_public_key() {
        Some((scheme.algorithm(), None))
    } else {
        scheme
            .public_key_entries()
            .map(|(version, algorithm)| (algorithm, Some(version)))
    }
}

/// The presets that sign with a key pair, as `a, b and c`.
pub(crate) fn key_pair_presets() -> String {
    crate::presets::names_where(|scheme| key_pair(scheme).is_some())
}

/// A verifier builder for the preset with every key given (secrets, or public keys for
/// the presets that verify with them), each labelled by its source, and the preset's
/// scheme (to tell what else the verifier needs).
pub(crate) fn verifier(args: &SchemeArgs) -> Result<(VerifierBuilder, Scheme), UsageError> {
    let keys = KeySources {
        vars: &args.secret_env,
        files: &args.secret_file,
        var_field: "--secret-env",
        usage: "--secret-env VAR or --secret-file PATH",
    };
    verifier_from(args.scheme()?, &keys)
}

/// Where a verifier's keys come from, and what the user calls those places (flags on the
/// command line, fields in a config file).
pub(crate) struct KeySources<'a> {
    pub(crate) vars: &'a [String],
    pub(crate) files: &'a [PathBuf],
    /// How the variables are named to the user, e.g. `--secret-env`.
    pub(crate) var_field: &'a str,
    /// How to give a key, e.g. `--secret-env VAR or --secret-file PATH`.
    pub(crate) usage: &'a str,
}

/// The verifier builder for `builder`'s scheme with every key `keys` names, each checked.
pub(crate) fn verifier_from(
    builder: SchemeBuilder,
    keys: &KeySources<'_>,
) -> Result<(VerifierBuilder, Scheme), UsageError> {
    let scheme = builder.clone().build()?;
    let named = read_all(keys.vars, keys.var_field, keys.files)?;
    if named.is_empty() {
        let what = match key_pair(&scheme) {
            Some((_, None)) => "the public key",
            Some((_, Some(_))) => "the secret or public key",
            None => "the secret",
        };
        return Err(UsageError(format!("give {what} with {}", keys.usage)));
    }
    let mut verifier = Verifier::builder(builder);
    for named in &named {
        check_verifying_key(&scheme, named)?;
        verifier = verifier.labeled_encoded_secret(&named.label, &named.text);
    }
    Ok((verifier, scheme))
}

fn check_verifying_key(scheme: &Scheme, named: &Named) -> Result<(), UsageError> {
    let Err(err) = KeySet::builder().encoded_secret(&named.text).build(scheme) else {
        return Ok(());
    };
    let (label, text) = (&named.label, named.text.trim());
    let preset = scheme.name();
    let Some((algorithm, entries)) = key_pair(scheme) else {
        return Err(UsageError(format!("secret from {label}: {err}")));
    };
    if is_private_key(algorithm, text) {
        return Err(UsageError(format!(
            "{label} holds a private key: verify and listen take the public key (the private \
             key signs, with sign or send --private-key-env; `hookshield keygen --preset \
             {preset}` prints both)"
        )));
    }
    Err(UsageError(match entries {
        None => format!(
            "public key from {label}: {err}; --preset {preset} verifies with the provider's \
             {algorithm} public key (as `hookshield keygen --preset {preset}` prints it for the \
             receiver), not a shared secret or a private key"
        ),
        Some(version) if text.starts_with(WHPK_PREFIX) => {
            format!("public key from {label}: {err} ({version} entries)")
        }
        Some(version) => format!(
            "secret from {label}: {err}; --preset {preset} takes the secret{}, or a public \
             key ({WHPK_PREFIX}…) for {version} entries",
            format_hint(scheme)
        ),
    }))
}

/// Whether `text` reads as a private key of `algorithm` and not as a public one. Bare hex
/// of 32 bytes is not told apart: it is a P-256 scalar, and an Ed25519 public key too.
fn is_private_key(algorithm: Algorithm, text: &str) -> bool {
    let text = text.trim();
    let bare_hex = text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit());
    !bare_hex
        && PrivateKey::parse(algorithm, text).is_ok()
        && PublicKey::parse(algorithm, text).is_err()
}

/// ` (whsec_…)` for a scheme whose secrets carry a prefix.
fn format_hint(scheme: &Scheme) -> String {
    match scheme.secret_format() {
        SecretFormat::PrefixedBase64 { prefix } => format!(" ({prefix}…)"),
        _ => String::new(),
    }
}

/// A signer for the preset with every secret and private key given: a private key is the
/// only key of a preset that signs with one (Discord, SendGrid), and adds its own entries
/// beside the secrets' for one that accepts both (Standard Webhooks `v1a`). List layouts
/// sign with each.
pub(crate) fn signer(args: &SchemeArgs, private: &PrivateKeyArgs) -> Result<Signer, UsageError> {
    let builder = args.scheme()?;
    let scheme = builder.clone().build()?;
    let preset = scheme.name().to_owned();
    let secrets = read_all(&args.secret_env, "--secret-env", &args.secret_file)?;
    let keys = read_all(&private.env, "--private-key-env", &private.file)?;
    let pair = key_pair(&scheme);
    match pair {
        Some((algorithm, None)) if !secrets.is_empty() => {
            return Err(UsageError(format!(
                "--preset {preset} signs with a private key ({algorithm}), not a secret: give \
                 it with --private-key-env VAR or --private-key-file PATH (`hookshield keygen \
                 --preset {preset}` makes a pair); --secret-env and --secret-file give the \
                 public key to verify and listen"
            )));
        }
        None if !keys.is_empty() => {
            return Err(UsageError(format!(
                "--preset {preset} signs with a shared secret, not a private key: give it with \
                 --secret-env VAR or --secret-file PATH (--private-key-env applies to {})",
                key_pair_presets()
            )));
        }
        _ => {}
    }
    let mut signer: Option<Signer> = None;
    for named in &secrets {
        let secret = signing_secret(&scheme, named)?;
        signer = Some(match signer {
            None => Signer::new(builder.clone(), secret)?,
            Some(signer) => signer.with_secret(secret)?,
        });
    }
    if let Some((algorithm, _)) = pair {
        for named in &keys {
            let key = private_key(algorithm, named)?;
            signer = Some(match signer {
                None => Signer::with_private_key(builder.clone(), key)?,
                Some(signer) => signer.also_private_key(key).map_err(|err| match err {
                    ConfigError::Inconsistent(_) => UsageError(format!(
                        "--preset {preset} sends one signature: give one private key"
                    )),
                    other => other.into(),
                })?,
            });
        }
    }
    signer.ok_or_else(|| {
        UsageError(match pair {
            Some((_, None)) => {
                "give the private key with --private-key-env VAR or --private-key-file PATH"
                    .to_owned()
            }
            Some((_, Some(version))) => format!(
                "give the secret with --secret-env VAR or --secret-file PATH, or a private key \
                 for {version} entries with --private-key-env VAR or --private-key-file PATH"
            ),
            None => "give the secret with --secret-env VAR or --secret-file PATH".to_owned(),
        })
    })
}

/// The secret `named` holds, in the scheme's format; a public key, which cannot sign, is
/// told apart.
fn signing_secret(scheme: &Scheme, named: &Named) -> Result<Secret, UsageError> {
    let label = &named.label;
    scheme.parse_secret(&named.text).map_err(|err| {
        let is = |parses: fn(Algorithm, &str) -> bool| {
            key_pair(scheme).is_some_and(|(algorithm, _)| parses(algorithm, &named.text))
        };
        if is(|a, t| PublicKey::parse(a, t).is_ok()) {
            UsageError(format!(
                "{label} holds a public key, which verifies and cannot sign: sign with the \
                 private key (--private-key-env VAR or --private-key-file PATH)"
            ))
        } else if is(is_private_key) {
            UsageError(format!(
                "{label} holds a private key, not a secret: give it with --private-key-env \
                 VAR or --private-key-file PATH"
            ))
        } else {
            UsageError(format!("secret from {label}: {err}"))
        }
    })
}

/// The private key `named` holds; a public key given in its place is told apart.
fn private_key(algorithm: Algorithm, named: &Named) -> Result<PrivateKey, UsageError> {
    let label = &named.label;
    PrivateKey::parse(algorithm, &named.text).map_err(|err| {
        if PublicKey::parse(algorithm, &named.text).is_ok() {
            UsageError(format!(
                "{label} holds a public key: sign and send take the private key (the public \
                 key verifies, with verify or listen --secret-env)"
            ))
        } else {
            UsageError(format!("private key from {label}: {err}"))
        }
    })
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
