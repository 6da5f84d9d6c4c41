//! `hookshield`: sign and verify webhook requests while debugging a receiver.
//!
//! ```text
//! hookshield sign   --preset NAME --secret-env VAR [--now UNIX_SECONDS] [--id ID] [--body-file PATH]
//! hookshield verify --preset NAME --secret-env VAR [--now UNIX_SECONDS] [-H 'Name: value']... [--body-file PATH]
//! hookshield listen --preset NAME --secret-env VAR [--addr 127.0.0.1:PORT] [--path /webhook] [--ttl DURATION] [--replay-store memory|redis://…]
//!                   [--body-limit BYTES] [--header-timeout 10s] [--idle-timeout 5s] [--body-timeout 30s] [--max-connections 1024]
//! hookshield send   --preset NAME --secret-env VAR --url URL [--id ID] [--now UNIX_SECONDS] [--body-file PATH]
//! hookshield presets [--json]
//! ```
//!
//! `sign` prints the headers a provider would send, one `Name: value` per line. `verify`
//! prints the verified metadata as one JSON line and exits 0, or prints
//! `{"error":"<code>",…}` and exits 1; usage and configuration errors exit 2. `listen` runs
//! an axum receiver behind hookshield's layer and prints one JSON line per event handed to
//! its handler on stdout, and one per rejection on stderr; every read has a deadline (a
//! request's head, an idle connection, a body: answered 408 `body_timeout`) and at most
//! `--max-connections` are open at once, so a slow or stalled client cannot keep a
//! connection for ever. `send` signs the body, POSTs it, prints `{"status":…,"body":…}`
//! and exits 0 on a 2xx answer, 1 otherwise; it never follows a redirect: a 3xx is printed
//! as `{"status":…,"location":…,"body":…}` and exits 1, so the signed request (or shared
//! token) goes to no other host. The body is read from `--body-file`, or from standard
//! input. `presets` lists every provider preset `--preset` accepts (name, aliases,
//! headers, algorithm, window, replay TTL, documentation link) as a table, or with
//! `--json` as a JSON array. Secrets come from an environment variable (`--secret-env`) or a file
//! (`--secret-file`), never from a flag value, so they stay out of shell history; in the
//! provider's text form (`whsec_…` for Standard Webhooks).

mod args;
mod headers_arg;
mod listen;
mod presets;
mod secret_source;
mod send;
mod sign;
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
        Command::Presets(args) => presets::run(args),
    };
    match result {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("hookshield: {message}");
            ExitCode::from(2)
        }
    }
}
