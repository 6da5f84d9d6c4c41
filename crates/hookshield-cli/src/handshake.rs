//! Provider handshakes on the command line: the verify token (`--handshake-token`,
//! `--handshake-token-env`) and how an answered handshake is printed.

use hookshield_core::{Handshake, HandshakeReply, Scheme, VerifierBuilder};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::UsageError;
use crate::args::HandshakeArgs;

/// The answer to a handshake as a JSON object: which one, and what is sent back.
pub(crate) fn reply_json(reply: &HandshakeReply) -> Value {
    json!({
        "name": reply.handshake().name(),
        "status": reply.status(),
        "content_type": reply.content_type(),
        "body": reply.body(),
    })
}

/// `builder` with the verify token given on the command line. Refused for a preset whose
/// handshake takes no token: the flag would do nothing.
pub(crate) fn apply(
    builder: VerifierBuilder,
    scheme: &Scheme,
    args: &HandshakeArgs,
) -> Result<VerifierBuilder, UsageError> {
    let Some(token) = args.token()? else {
        return Ok(builder);
    };
    if !needs_token(scheme) {
        return Err(UsageError(format!(
            "--handshake-token only applies to presets whose challenge carries a verify token \
             ({}), not {}",
            token_presets(),
            scheme.name()
        )));
    }
    Ok(builder.handshake_token(&token))
}

/// Whether the scheme's handshake is refused without a verify token (Meta).
pub(crate) fn needs_token(scheme: &Scheme) -> bool {
    scheme.handshake().is_some_and(Handshake::needs_token)
}

/// The presets whose challenge carries a verify token.
fn token_presets() -> String {
    crate::presets::names_where(needs_token)
}

impl HandshakeArgs {
    /// The verify token: the flag's value, or the named variable's.
    pub(crate) fn token(&self) -> Result<Option<Zeroizing<String>>, UsageError> {
        match (&self.token, &self.token_env) {
            (Some(token), _) => Ok(Some(Zeroizing::new(token.clone()))),
            (None, Some(var)) => std::env::var(var)
                .map(|value| Some(Zeroizing::new(value)))
                .map_err(|_| {
                    UsageError(format!(
                        "environment variable {var} (--handshake-token-env) is not set or not UTF-8"
                    ))
                }),
            (None, None) => Ok(None),
        }
    }
}
