//! `hookshield send`: sign a body as the provider would and POST it.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;

use crate::UsageError;
use crate::args::SendArgs;
use crate::sign::sign;

/// How long to wait for the receiver's answer.
const TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn run(args: &SendArgs) -> Result<ExitCode, UsageError> {
    let (headers, body) = sign(&args.common, args.id.as_deref())?;
    let client = reqwest::Client::builder().timeout(TIMEOUT).build()?;
    let mut request = client
        .post(&args.url)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers.iter() {
        request = request.header(name, value);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let (status, text) = runtime.block_on(async {
        let response = request
            .send()
            .await
            .map_err(|e| UsageError(format!("cannot send to {}: {e}", args.url)))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        Ok::<_, UsageError>((status, text))
    })?;
    println!("{}", json!({"status": status.as_u16(), "body": text}));
    Ok(if status.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
