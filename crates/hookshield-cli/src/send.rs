//! `hookshield send`: sign a body as the provider would and POST it.
//!
//! Presets that sign the URL sign the one the request is sent to (`--url`, as it goes on
//! the wire), or `--signed-url`: the public URL a proxy forwards to the receiver. Twilio
//! signs a form's fields (sent as `application/x-www-form-urlencoded`, the default for
//! it), and any other body by its hash, `bodySHA256`, added to both URLs.
//!
//! Redirects are never followed: the request carries the signature (or, for
//! `shared-token`, the secret itself), and following a `Location` would hand it to whatever
//! host the receiver names. A 3xx answer is reported with its `Location` and exits 1.

use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;

use crate::UsageError;
use crate::args::SendArgs;
use crate::request_url::{self, FullUrl};
use crate::sign::{Request, prepare, sign};

/// How long the whole exchange may take: connecting, sending, and reading the answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How long opening the connection may take (within [`TIMEOUT`]).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn run(args: &SendArgs) -> Result<ExitCode, UsageError> {
    let (signer, body) = prepare(&args.common, &args.private_key, "POST")?;
    let scheme = signer.scheme();
    let content_type = request_url::content_type(args.content_type.as_deref(), scheme);
    // The URL as it goes on the wire (the one signed unless --signed-url).
    let mut sent = reqwest::Url::parse(&args.url)
        .map_err(|e| UsageError(format!("--url {:?}: {e}", args.url)))?;
    sent.set_fragment(None);
    let signed = match &args.signed_url {
        Some(_) if !scheme.signs_url() => {
            return Err(UsageError(format!(
                "--signed-url only applies to presets that sign the URL ({}), not {}",
                request_url::url_presets(),
                args.common.scheme.preset
            )));
        }
        Some(url) => FullUrl::parse(url, "--signed-url")?.to_url(),
        None => sent.as_str().to_owned(),
    };
    let sent = request_url::with_body_hash(&signer, sent.as_str(), &body, content_type);
    let signed = request_url::with_body_hash(&signer, &signed, &body, content_type);
    let request = Request {
        url: Some(&signed),
        method: "POST",
    };
    let headers = sign(&signer, &args.common, args.id.as_deref(), &body, request)?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .build()?;
    let mut request = client
        .post(&sent)
        .header("content-type", content_type)
        .body(body);
    for (name, value) in headers.iter() {
        request = request.header(name, value);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let (status, location, text) = runtime.block_on(async {
        let response = request
            .send()
            .await
            .map_err(|e| UsageError(format!("cannot send to {sent}: {e}")))?;
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
            sent,
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
