//! `hookshield send`: sign a body as the provider would and POST it.
//!
//! Redirects are never followed: the request carries the signature (or, for
//! `shared-token`, the secret itself), and following a `Location` would hand it to whatever
//! host the receiver names. A 3xx answer is reported with its `Location` and exits 1.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;

use crate::UsageError;
use crate::args::SendArgs;
use crate::sign::sign;

/// How long the whole exchange may take: connecting, sending, and reading the answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How long opening the connection may take (within [`TIMEOUT`]).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn run(args: &SendArgs) -> Result<ExitCode, UsageError> {
    let (headers, body) = sign(&args.common, args.id.as_deref())?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .build()?;
    let mut request = client
        .post(&args.url)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers.iter() {
        request = request.header(name, value);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let (status, location, text) = runtime.block_on(async {
        let response = request
            .send()
            .await
            .map_err(|e| UsageError(format!("cannot send to {}: {e}", args.url)))?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let text = response.text().await.unwrap_or_default();
        Ok::<_, UsageError>((status, location, text))
    })?;
    if status.is_redirection() {
        println!(
            "{}",
            json!({"status": status.as_u16(), "location": location, "body": text})
        );
        eprintln!(
            "hookshield: {} answered {} with Location: {}; redirects are not followed \
             (the signed request is not sent anywhere else)",
            args.url,
            status.as_u16(),
            location.as_deref().unwrap_or("(none)"),
        );
        return Ok(ExitCode::FAILURE);
    }
    println!("{}", json!({"status": status.as_u16(), "body": text}));
    Ok(if status.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
