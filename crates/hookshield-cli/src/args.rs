//! The command line.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand};
use hookshield_core::{SchemeBuilder, presets};

use crate::UsageError;

/// Sign and verify webhook requests the way providers send them.
#[derive(Debug, Parser)]
#[command(name = "hookshield", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the headers a provider would send with a body, one `Name: value` per line
    /// (for presets that sign the URL, give it with `--url`).
    Sign(SignArgs),
    /// Verify a request (its URL with `--url` for presets that sign it), or answer a
    /// provider's GET challenge: exit 0 and print JSON, or exit 1 and print the error.
    Verify(VerifyArgs),
    /// Receive webhooks over HTTP behind hookshield's layer, answering the provider's
    /// handshakes (GET challenges included); print one JSON line per event handled
    /// (stdout) and per rejection or handshake (stderr). For asana without --secret-env,
    /// the first X-Hook-Secret handover teaches the secret (in memory, once).
    Listen(ListenArgs),
    /// Run a verifying gateway: the routes of a config file, each forwarding what it verified
    /// to an HTTP upstream or a Redis stream, exactly once.
    Serve(ServeArgs),
    /// Sign a body as the provider would (its URL included) and POST it to a receiver;
    /// print the answer's status and body as JSON.
    Send(SendArgs),
    /// List the provider presets: name, aliases, headers, algorithm, key, window, replay
    /// TTL and documentation link.
    Presets(PresetsArgs),
    /// Print a fresh key pair in the provider's formats, for presets that sign with one
    /// (discord, sendgrid, plaid; standard-webhooks `v1a`): the private key for the sender
    /// (`sign` and `send --private-key-env`), the public key for the receiver (`verify`
    /// and `listen --secret-env`).
    Keygen(KeygenArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PresetsArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Provider preset that signs with a key pair: discord (hex), sendgrid and plaid
    /// (PKCS#8 PEM and base64 DER), standard-webhooks and the presets of its family
    /// (`whsk_…`, `whpk_…`). Any other preset is a usage error: it signs with a secret.
    #[arg(long, value_name = "NAME", value_parser = preset_names())]
    pub(crate) preset: String,
    /// Print a JSON object instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `--preset` accepts every preset's name and aliases (listed by `hookshield presets`).
fn preset_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        presets::ALL
            .iter()
            .map(|p| PossibleValue::new(p.name()).aliases(p.aliases().iter().copied())),
    )
}

/// The scheme and its secret(s).
#[derive(Debug, Args)]
pub(crate) struct SchemeArgs {
    /// Provider preset (aliases and details: `hookshield presets`).
    #[arg(long, value_name = "NAME", value_parser = preset_names())]
    pub(crate) preset: String,
    /// For `shared-token`: the header that carries the token [default: X-Webhook-Secret].
    #[arg(long, value_name = "NAME")]
    pub(crate) header: Option<String>,
    /// Environment variable holding the secret, as the provider shows it; for presets that
    /// verify with a public key, the public key (discord: hex; sendgrid, plaid: base64 DER;
    /// standard-webhooks: `whpk_…` for `v1a` entries, beside or instead of `whsec_…`),
    /// which `verify` and `listen` take and `sign` and `send` refuse (they take
    /// --private-key-env). Repeat it for a rotation: `verify` and `listen` accept any of
    /// the keys; `sign` and `send` sign with each (for presets whose header lists several
    /// signatures).
    #[arg(long = "secret-env", value_name = "VAR")]
    pub(crate) secret_env: Vec<String>,
    /// File holding the secret or public key (one trailing newline is ignored).
    #[arg(long = "secret-file", value_name = "PATH")]
    pub(crate) secret_file: Vec<PathBuf>,
}

/// The private key `sign` and `send` sign with, for presets that sign with a key pair.
#[derive(Debug, Args)]
pub(crate) struct PrivateKeyArgs {
    /// Environment variable holding the private key to sign with (`hookshield keygen`
    /// makes a pair): discord (hex seed), sendgrid and plaid (PKCS#8 PEM) sign with
    /// nothing else; standard-webhooks gets a `v1a` entry (`whsk_…`), beside the `v1` one
    /// when a secret is given too. Repeatable for presets whose header lists several
    /// signatures.
    #[arg(long = "private-key-env", value_name = "VAR")]
    pub(crate) env: Vec<String>,
    /// File holding the private key (one trailing newline is ignored).
    #[arg(long = "private-key-file", value_name = "PATH")]
    pub(crate) file: Vec<PathBuf>,
}

/// What `sign`, `verify` and `send` share: the scheme, the instant and the body.
#[derive(Debug, Args)]
pub(crate) struct Common {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    /// Sign or verify as of this instant, in Unix seconds [default: now].
    #[arg(long, value_name = "UNIX_SECONDS", allow_hyphen_values = true)]
    pub(crate) now: Option<i64>,
    /// File holding the raw body [default: standard input; none for a GET].
    #[arg(long = "body-file", value_name = "PATH")]
    pub(crate) body_file: Option<PathBuf>,
}

/// The verify token of a provider's GET challenge (Meta's `hub.verify_token`).
#[derive(Debug, Args)]
pub(crate) struct HandshakeArgs {
    /// The verify token of the preset's challenge, as typed in the provider's dashboard
    /// (meta: `hub.verify_token`); without it such challenges are refused 403. Not the
    /// signing secret.
    #[arg(long = "handshake-token", value_name = "TOKEN")]
    pub(crate) token: Option<String>,
    /// Environment variable holding the verify token (instead of --handshake-token).
    #[arg(
        long = "handshake-token-env",
        value_name = "VAR",
        conflicts_with = "token"
    )]
    pub(crate) token_env: Option<String>,
}

/// An HTTP method, upper-cased: letters only.
fn method(text: &str) -> Result<String, String> {
    if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err("a method is 1 to 16 letters (GET, POST, …)".to_owned());
    }
    Ok(text.to_ascii_uppercase())
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    #[command(flatten)]
    pub(crate) private_key: PrivateKeyArgs,
    /// Event id to send, for schemes that send one in a header [default: a random UUID].
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
    /// The full URL the provider calls (`https://host/path?query`), for presets that sign
    /// it (twilio, square, hubspot). A `#fragment` is dropped. For twilio with a body that
    /// is not a form, the URL signed carries `bodySHA256` and is printed on stderr.
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// The request's method, for presets that sign it (hubspot).
    #[arg(long, value_name = "METHOD", default_value = "POST", value_parser = method)]
    pub(crate) method: String,
    /// The body's Content-Type: twilio signs a form's fields, and any other body by its
    /// hash in the URL [default: application/x-www-form-urlencoded for twilio,
    /// application/json otherwise].
    #[arg(long = "content-type", value_name = "TYPE")]
    pub(crate) content_type: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    #[command(flatten)]
    pub(crate) scheme: SchemeArgs,
    /// Address to listen on (port 0 picks a free one; the address is printed on stderr).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub(crate) addr: std::net::SocketAddr,
    /// Path of the webhook endpoint.
    #[arg(long, value_name = "PATH", default_value = "/webhook")]
    pub(crate) path: String,
    /// How long handled event ids are remembered, e.g. `12h`, `30m` [default: the preset's
    /// recommended TTL].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub(crate) ttl: Option<std::time::Duration>,
    /// Where handled event ids are remembered: `memory` (one process) or a Redis URL
    /// (`redis://host:port`), shared by several receivers [default: memory].
    #[arg(long = "replay-store", value_name = "memory|URL")]
    pub(crate) replay_store: Option<String>,
    /// Largest body accepted, in bytes.
    #[arg(long = "body-limit", value_name = "BYTES", default_value_t = hookshield_tower::DEFAULT_BODY_LIMIT)]
    pub(crate) body_limit: usize,
    /// How long a client has to send a request's line and headers; on a kept-alive
    /// connection counted from the previous answer [default: 10s].
    #[arg(long = "header-timeout", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub(crate) header_timeout: Option<std::time::Duration>,
    /// How long a connection may send and receive nothing while no request is being
    /// handled before it is closed [default: 5s].
    #[arg(long = "idle-timeout", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub(crate) idle_timeout: Option<std::time::Duration>,
    /// How long a client has to send a whole body; answered 408 `body_timeout` after
    /// [default: 30s].
    #[arg(long = "body-timeout", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub(crate) body_timeout: Option<std::time::Duration>,
    /// The most connections open at once; more wait in the kernel's backlog [default: 1024].
    #[arg(long = "max-connections", value_name = "N")]
    pub(crate) max_connections: Option<usize>,
    /// The base URL the provider calls, as configured with it (`https://example.com`,
    /// `https://example.com:8443/prefix`), without the path the listener serves: the URL
    /// checked is this followed by the received path and query. Needed by presets that
    /// sign the URL (twilio, square, hubspot) unless --trust-forwarded-headers.
    #[arg(long = "public-url", value_name = "URL")]
    pub(crate) public_url: Option<String>,
    /// Take the public URL's scheme, host, port and prefix from `Forwarded` /
    /// `X-Forwarded-Proto`, `-Host`, `-Port`, `-Prefix` (else `Host`). Only behind a proxy
    /// that sets or strips them: a client could otherwise choose the URL it is checked
    /// against.
    #[arg(long = "trust-forwarded-headers")]
    pub(crate) trust_forwarded_headers: bool,
    #[command(flatten)]
    pub(crate) handshake: HandshakeArgs,
    /// Serve Prometheus metrics (`/metrics`), `/healthz` and `/readyz` (the replay store
    /// reachable) on this address.
    #[arg(long = "metrics-addr", value_name = "IP:PORT")]
    pub(crate) metrics_addr: Option<std::net::SocketAddr>,
}

/// `hookshield serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The gateway's configuration (TOML): `[server]` and one `[[route]]` per endpoint.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: PathBuf,
    /// Check the configuration (presets, keys, URLs, timeouts) and exit: 0 when it is
    /// sound, 2 with the route and field at fault otherwise.
    #[arg(long)]
    pub(crate) check: bool,
    /// Listen here instead of the file's `[server] addr`.
    #[arg(long, value_name = "IP:PORT")]
    pub(crate) addr: Option<std::net::SocketAddr>,
    /// Serve Prometheus metrics (`/metrics`), `/healthz` and `/readyz` here (instead of
    /// the file's `[server] metrics_addr`).
    #[arg(long = "metrics-addr", value_name = "IP:PORT")]
    pub(crate) metrics_addr: Option<std::net::SocketAddr>,
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    #[command(flatten)]
    pub(crate) private_key: PrivateKeyArgs,
    /// The receiver's URL (http or https); the URL signed, for presets that sign it, unless
    /// --signed-url. For twilio with a body that is not a form, `bodySHA256` is added to it.
    #[arg(long, value_name = "URL")]
    pub(crate) url: String,
    /// Sign this URL instead of --url, and still send to --url: the public URL a proxy
    /// forwards to the receiver (presets that sign the URL: twilio, square, hubspot).
    #[arg(long = "signed-url", value_name = "URL")]
    pub(crate) signed_url: Option<String>,
    /// Event id to send, for schemes that send one in a header [default: a random UUID].
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
    /// The body's Content-Type, sent and signed accordingly: twilio signs a form's fields,
    /// and any other body by its hash in the URL [default:
    /// application/x-www-form-urlencoded for twilio, application/json otherwise].
    #[arg(long = "content-type", value_name = "TYPE")]
    pub(crate) content_type: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// A request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header-line", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,
    /// The full URL the provider called (`https://host/path?query`): needed by presets
    /// that sign it (twilio, square, hubspot), and where a GET challenge's query is read.
    /// A `#fragment` is dropped.
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// The request's method; a GET is first checked against the preset's challenge (meta,
    /// dropbox, okta) and has no body unless --body-file.
    #[arg(long, value_name = "METHOD", default_value = "POST", value_parser = method)]
    pub(crate) method: String,
    #[command(flatten)]
    pub(crate) handshake: HandshakeArgs,
}

impl SchemeArgs {
    /// The preset's scheme builder, with `--header` applied for `shared-token`.
    pub(crate) fn scheme(&self) -> Result<SchemeBuilder, UsageError> {
        let builder = presets::by_name(&self.preset)?;
        match &self.header {
            None => Ok(builder),
            Some(name) if matches!(self.preset.as_str(), "shared-token" | "shared_token") => {
                Ok(presets::shared_token(name))
            }
            Some(_) => Err(UsageError(
                "--header only applies to --preset shared-token".to_owned(),
            )),
        }
    }
}

impl Common {
    /// The instant given with `--now`, if any.
    pub(crate) fn instant(&self) -> Result<Option<time::OffsetDateTime>, UsageError> {
        self.now
            .map(time::OffsetDateTime::from_unix_timestamp)
            .transpose()
            .map_err(|_| UsageError("--now is out of range".to_owned()))
    }

    /// The body of a request with `method`: none for a GET or HEAD without `--body-file`
    /// (standard input is not read), else [`body`](Self::body).
    pub(crate) fn body_for(&self, method: &str) -> Result<Vec<u8>, UsageError> {
        if self.body_file.is_none() && matches!(method, "GET" | "HEAD") {
            return Ok(Vec::new());
        }
        self.body()
    }

    /// The body bytes, exactly as stored: never re-encoded.
    pub(crate) fn body(&self) -> Result<Vec<u8>, UsageError> {
        match &self.body_file {
            Some(path) => std::fs::read(path)
                .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display()))),
            None => {
                let mut body = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut body)
                    .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
                Ok(body)
            }
        }
    }
}
