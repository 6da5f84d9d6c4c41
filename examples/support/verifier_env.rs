//! The verifier the receiver examples build from the environment.

use std::error::Error;

use hookshield::{ConfigError, Handshake, Verifier, presets};

/// `name`'s value, or `default` when it is not set.
pub(crate) fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// The preset's name and its verifier:
///
/// - `WEBHOOK_PRESET` (default `standard-webhooks`): one of `hookshield::presets::NAMES`.
/// - `WEBHOOK_SECRET` (required): the secret as the provider shows it. Several secrets
///   (rotation) separated by commas; spaces around each are trimmed, and a blank one
///   (`s3cret, `) is refused, not skipped.
/// - `WEBHOOK_PUBLIC_URL`: the URL the provider calls, without the route's path
///   (`https://hooks.example.com`); required by Twilio, Square and HubSpot, which sign it.
/// - `WEBHOOK_TRUST_FORWARDED=1`: take the URL from `Forwarded` / `X-Forwarded-*` instead
///   (only when every proxy in front sets them).
/// - `WEBHOOK_HANDSHAKE_TOKEN`: the verify token of Meta's `GET` challenge.
pub(crate) fn verifier_from_env() -> Result<(String, Verifier), Box<dyn Error>> {
    let preset = env("WEBHOOK_PRESET", "standard-webhooks");
    let secrets = std::env::var("WEBHOOK_SECRET").map_err(|_| "set WEBHOOK_SECRET")?;
    let mut builder =
        Verifier::builder(presets::by_name(&preset).map_err(|e| format!("WEBHOOK_PRESET: {e}"))?);
    // Every piece, trimmed: a blank one is a configuration error at `build`, not a key.
    for secret in secrets.split(',').map(str::trim) {
        builder = builder.encoded_secret(secret);
    }
    if let Ok(url) = std::env::var("WEBHOOK_PUBLIC_URL") {
        builder = builder.public_url(&url);
    }
    let trust = env("WEBHOOK_TRUST_FORWARDED", "");
    builder = builder.trust_forwarded_headers(matches!(trust.as_str(), "1" | "true"));
    let scheme = presets::by_name(&preset)?.build()?;
    let needs_token = scheme.handshake().is_some_and(Handshake::needs_token);
    match std::env::var("WEBHOOK_HANDSHAKE_TOKEN") {
        Ok(_) if !needs_token => {
            return Err(
                format!("WEBHOOK_HANDSHAKE_TOKEN: {preset} has no verify-token challenge").into(),
            );
        }
        Ok(token) => builder = builder.handshake_token(&token),
        Err(_) if needs_token => {
            eprintln!(
                "note: without WEBHOOK_HANDSHAKE_TOKEN, {preset}'s GET challenge is refused (403)"
            );
        }
        Err(_) => {}
    }
    let verifier = builder.build().map_err(|error| match error {
        ConfigError::PublicUrlRequired => format!(
            "{preset} signs the URL it calls: set WEBHOOK_PUBLIC_URL (https://host[:port][/prefix]) \
             or WEBHOOK_TRUST_FORWARDED=1"
        ),
        ConfigError::InvalidPublicUrl(_) => format!("WEBHOOK_PUBLIC_URL: {error}"),
        other => format!("WEBHOOK_SECRET / WEBHOOK_HANDSHAKE_TOKEN: {other}"),
    })?;
    Ok((preset, verifier))
}
