//! A route's verifier: its preset or described scheme, its keys (from environment variables
//! and files), its public URL and verify token, each mistake named by the config field.

use hookshield_core::{
    Algorithm, Encoding, PublicUrl, Scheme, SchemeBuilder, TimestampUnit, Verifier, presets,
};

use super::config::{CustomScheme, RouteConfig};
use crate::UsageError;
use crate::args::HandshakeArgs;
use crate::secret_source::{self, KeySources};

/// The route's verifier and scheme.
pub(crate) fn verifier(route: &RouteConfig) -> Result<(Verifier, Scheme), UsageError> {
    let builder = scheme(route)?;
    for file in &route.secret_file {
        std::fs::metadata(file)
            .map_err(|e| UsageError(format!("field `secret_file`: {}: {e}", file.display())))?;
    }
    let keys = KeySources {
        vars: &route.secret_env,
        files: &route.secret_file,
        var_field: "field `secret_env`",
        usage: "secret_env = \"VAR\" or secret_file = \"PATH\"",
    };
    let (mut builder, scheme) = secret_source::verifier_from(builder, &keys)?;
    if let Some(window) = route.window {
        if window.is_zero() {
            return Err(UsageError(
                "field `window`: must be longer than 0s".to_owned(),
            ));
        }
        builder = builder.tolerance(window);
    }
    match &route.public_url {
        Some(url) => {
            PublicUrl::parse(url).map_err(|e| {
                UsageError(format!(
                    "field `public_url`: {}: {e}",
                    super::output::redact(url)
                ))
            })?;
            builder = builder.public_url(url);
        }
        None if scheme.signs_url() && !route.trust_forwarded_headers => {
            return Err(UsageError(format!(
                "field `public_url`: {} signs the URL it calls: give public_url = \
                 \"https://…\" (the base URL the provider calls, without the path), or \
                 trust_forwarded_headers = true behind a proxy that sets them",
                scheme.name()
            )));
        }
        None => {}
    }
    builder = builder.trust_forwarded_headers(route.trust_forwarded_headers);
    let token = match &route.handshake_token_env {
        Some(var) => Some(std::env::var(var).map_err(|_| {
            UsageError(format!(
                "field `handshake_token_env`: environment variable {var} is not set or not UTF-8"
            ))
        })?),
        None => None,
    };
    let token = HandshakeArgs {
        token,
        token_env: None,
    };
    let verifier = crate::handshake::apply(builder, &scheme, &token)
        .map_err(|UsageError(e)| {
            UsageError(format!(
                "field `handshake_token_env`: {}",
                e.replace("--handshake-token", "a verify token")
            ))
        })?
        .build()?;
    Ok((verifier, scheme))
}

/// The preset named by `preset` (with `header` for `shared-token`), or the scheme
/// described in `[route.scheme]`.
fn scheme(route: &RouteConfig) -> Result<SchemeBuilder, UsageError> {
    if let Some(custom) = &route.scheme {
        if route.header.is_some() {
            return Err(UsageError(
                "field `header`: only for preset = \"shared-token\"".to_owned(),
            ));
        }
        return described(custom).map_err(|e| UsageError(format!("[route.scheme]: {e}")));
    }
    let name = route.preset.as_deref().unwrap_or_default();
    let builder = presets::by_name(name).map_err(|_| {
        UsageError(format!(
            "field `preset`: unknown preset {name:?} (`hookshield presets` lists them)"
        ))
    })?;
    match &route.header {
        None => Ok(builder),
        Some(header) if matches!(name, "shared-token" | "shared_token") => {
            Ok(presets::shared_token(header))
        }
        Some(_) => Err(UsageError(
            "field `header`: only for preset = \"shared-token\"".to_owned(),
        )),
    }
}

/// A scheme built from its description; its mistakes surface when it is built.
fn described(custom: &CustomScheme) -> Result<SchemeBuilder, String> {
    let algorithm = match custom.algorithm.as_deref() {
        None | Some("hmac-sha256") => Algorithm::HmacSha256,
        Some("hmac-sha1") => Algorithm::HmacSha1,
        Some("hmac-sha512") => Algorithm::HmacSha512,
        Some(other) => {
            return Err(format!(
                "field `algorithm`: {other:?} is not hmac-sha1, hmac-sha256 or hmac-sha512"
            ));
        }
    };
    let encoding = match custom.encoding.as_deref() {
        None | Some("hex") => Encoding::Hex,
        Some("base64") => Encoding::Base64,
        Some(other) => return Err(format!("field `encoding`: {other:?} is not hex or base64")),
    };
    let mut builder = Scheme::builder(&custom.name)
        .algorithm(algorithm)
        .signature_header(&custom.signature_header)
        .encoding(encoding);
    if let Some(prefix) = &custom.prefix {
        builder = builder.prefix(prefix);
    }
    if let Some(template) = &custom.signed_content {
        builder = builder.signed_content(template);
    }
    if let Some(header) = &custom.timestamp_header {
        builder = builder.timestamp_header(header);
    }
    match custom.timestamp_unit.as_deref() {
        None | Some("seconds") => {}
        Some("milliseconds") => builder = builder.timestamp_unit(TimestampUnit::Milliseconds),
        Some(other) => {
            return Err(format!(
                "field `timestamp_unit`: {other:?} is not seconds or milliseconds"
            ));
        }
    }
    if let Some(header) = &custom.id_header {
        builder = builder.id_header(header);
    }
    if let Some(path) = &custom.id_field {
        builder = builder.id_field(path);
    }
    builder
        .clone()
        .build()
        .map(|_| builder)
        .map_err(|e| e.to_string())
}
