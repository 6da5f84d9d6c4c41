//! `hookshield`: sign and verify webhook requests while debugging a receiver.
//!
//! ```text
//! hookshield sign   --preset NAME (--secret-env VAR | --private-key-env VAR)... [--now UNIX_SECONDS] [--id ID]
//!                   [--body-file PATH] [--url URL] [--method M] [--content-type TYPE]
//! hookshield verify --preset NAME --secret-env VAR [--now UNIX_SECONDS] [-H 'Name: value']... [--body-file PATH]
//!                   [--url URL] [--method M] [--handshake-token TOKEN | --handshake-token-env VAR]
//! hookshield listen --preset NAME --secret-env VAR [--addr 127.0.0.1:PORT] [--path /webhook] [--ttl DURATION] [--replay-store memory|redis://…]
//!                   [--body-limit BYTES] [--header-timeout 10s] [--idle-timeout 5s] [--body-timeout 30s] [--max-connections 1024]
//!                   [--public-url URL] [--trust-forwarded-headers] [--handshake-token TOKEN | --handshake-token-env VAR]
//! hookshield send   --preset NAME (--secret-env VAR | --private-key-env VAR)... --url URL [--signed-url URL]
//!                   [--content-type TYPE] [--id ID] [--now UNIX_SECONDS] [--body-file PATH]
//! hookshield serve  --config FILE [--check] [--addr IP:PORT] [--metrics-addr IP:PORT]
//! hookshield presets [--json]
//! hookshield keygen --preset NAME [--json]
//! ```
//!
//! `sign` prints the headers a provider would send, one `Name: value` per line. `verify`
//! prints the verified metadata as one JSON line and exits 0, or prints
//! `{"error":"<code>",…}` and exits 1; usage and configuration errors exit 2. `listen` runs
//! an axum receiver behind hookshield's layer and prints one JSON line per event handed to
//! its handler on stdout, and one per rejection (and per handshake answered) on stderr;
//! every read has a deadline (a
//! request's head, an idle connection, a body: answered 408 `body_timeout`) and at most
//! `--max-connections` are open at once, so a slow or stalled client cannot keep a
//! connection for ever. `send` signs the body, POSTs it, prints `{"status":…,"body":…}`
//! and exits 0 on a 2xx answer, 1 otherwise; it never follows a redirect: a 3xx is printed
//! as `{"status":…,"location":…,"body":…}` and exits 1, so the signed request (or shared
//! token) goes to no other host. The body is read from `--body-file`, or from standard
//! input (not for a GET). `presets` lists every provider preset `--preset` accepts (name,
//! aliases, headers, algorithm, key, window, replay TTL, documentation link) as a table, or
//! with `--json` as a JSON array (which also says whether a preset signs the URL and which
//! handshake it answers). Secrets come from an environment variable (`--secret-env`) or a file
//! (`--secret-file`), never from a flag value, so they stay out of shell history; in the
//! provider's text form (`whsec_…` for Standard Webhooks).
//!
//! `serve` is a verifying gateway: each `[[route]]` of its TOML file is a path verified by a
//! preset (or a scheme the file describes) with keys from environment variables or files,
//! whose events go to an HTTP upstream or a Redis stream; an event's id is committed once
//! the output took it and released otherwise, so the provider's retry is delivered.
//! `--check` validates the file and exits (2 with the route and field at fault). `serve`
//! and `listen` serve Prometheus metrics, `/healthz` and `/readyz` at `--metrics-addr`,
//! and stop gracefully on SIGTERM or Ctrl-C.
//!
//! Key pairs: Discord, SendGrid and Plaid sign with a private key, and Standard Webhooks
//! (and its family) may add `v1a` entries signed with one. `verify` and `listen` take the
//! public key in `--secret-env` (Discord: hex; SendGrid: base64 DER; `whpk_…`, beside or
//! instead of `whsec_…`); `sign` and `send` take the private key in `--private-key-env`
//! or `--private-key-file` (a secret is a usage error for the presets that sign with a key
//! only; for Standard Webhooks a secret and a key sign `v1` and `v1a` entries side by side).
//! `keygen` prints a fresh pair in the provider's forms (hex seed and hex; PKCS#8 PEM and
//! base64 DER; `whsk_…` and `whpk_…`), saying which goes to the sender and which to the
//! receiver; a preset that signs with a shared secret is a usage error. Keys are named by
//! their variable or file in errors, never shown.
//!
//! Presets that sign the request's URL (Twilio, Square; HubSpot its method too) need it:
//! `verify --url` (the full URL the provider called), `sign --url` (the URL it calls),
//! `listen --public-url` (the base URL the provider calls, joined with the received path
//! and query; or `--trust-forwarded-headers` behind a proxy that sets them). `send` signs
//! the URL it sends to, or `--signed-url` (the public URL a proxy forwards to `--url`).
//! Twilio signs a form body's fields (`send` sends `application/x-www-form-urlencoded` by
//! default) and any other body (`--content-type application/json`) by its SHA-256 in the
//! URL (`bodySHA256`), which `sign` and `send` add. Without the URL, these presets are a
//! usage error (exit 2).
//!
//! Handshakes: `listen` answers GET and POST on its path; the preset's GET challenge
//! (Meta with `--handshake-token`, Dropbox, Okta) and signed handshakes (Slack, Zoom,
//! Twitch, HCP) get the provider's expected answer with `X-Content-Type-Options: nosniff`,
//! and a `{"handshake":…}` line on stderr. `verify --method GET` answers the challenge the
//! same way (`{"handshake":{"name":…,"status":…,"content_type":…,"body":…}}`, exit 0, or
//! 403 `challenge_refused`, exit 1), and a verified signed handshake carries its answer in
//! the metadata (`"handshake":{…}`).

mod admin;
mod args;
mod handshake;
mod headers_arg;
mod keygen;
mod learned;
mod listen;
mod presets;
mod redis_link;
mod request_url;
mod secret_source;
mod send;
mod serve;
mod sign;
mod stopping;
mod verify;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// A problem with the command line or the configuration: exit status 2.
#[derive(Debug)]
struct UsageError(String);

impl<E: std::fmt::Display> From<E> for UsageError {
    fn from(err: E) -> Self {
        Self(err.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Send(args) => send::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Presets(args) => presets::run(args),
        Command::Keygen(args) => keygen::run(args),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("hookshield: {message}");
            ExitCode::from(2)
        }
    }
}
