//! `hookshield verify`.

use std::process::ExitCode;

use hookshield_core::{IdOrigin, RequestContext, Verified, VerifyError};
use serde_json::json;

use crate::UsageError;
use crate::args::VerifyArgs;
use crate::request_url::{self, FullUrl};
use crate::{handshake, headers_arg, secret_source};

/// Verifies the request described on the command line. A GET that is the preset's
/// challenge is answered instead (`{"handshake":{…}}`, exit 0) or refused (exit 1); a
/// verified signed handshake (Slack, Zoom, Twitch…) gets its answer in the metadata.
pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, UsageError> {
    let (mut builder, scheme) = secret_source::verifier(&args.common.scheme)?;
    let target = match &args.url {
        Some(url) => {
            let url = FullUrl::parse(url, "--url")?;
            builder = builder.public_url(&url.base);
            url.target
        }
        None if scheme.signs_url() => {
            return Err(request_url::url_required(
                &args.common.scheme.preset,
                "--url",
                "https://… (the full URL the provider called)",
            ));
        }
        None => "/".to_owned(),
    };
    let verifier = handshake::apply(builder, &scheme, &args.handshake)?.build()?;
    let headers = args
        .headers
        .iter()
        .map(|line| headers_arg::parse(line))
        .collect::<Result<Vec<_>, _>>()?;
    let request = RequestContext::new(&args.method, &target);
    if let Some(answer) = verifier.answer_challenge(&request, &headers) {
        return Ok(match answer {
            Ok(reply) => {
                println!("{}", json!({"handshake": handshake::reply_json(&reply)}));
                ExitCode::SUCCESS
            }
            Err(err) => refused(err),
        });
    }
    let body = args.common.body_for(&args.method)?;
    let now = args.common.instant()?.unwrap_or_else(|| verifier.now());
    match verifier.verify_request_at(&request, &headers, &body, now) {
        Ok(verified) => {
            let mut line = metadata(&verified);
            match verifier.handshake_reply(Some(&request), &headers, &body, &verified) {
                Some(Ok(reply)) => {
                    line.insert("handshake".into(), handshake::reply_json(&reply));
                }
                Some(Err(err)) => return Ok(refused(err)),
                None => {}
            }
            println!("{}", serde_json::Value::Object(line));
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => Ok(refused(err)),
    }
}

/// Prints the error as one JSON line: exit 1.
fn refused(err: VerifyError) -> ExitCode {
    println!(
        "{}",
        json!({"error": err.code(), "status": err.status(), "reason": err.reason().to_string()})
    );
    ExitCode::FAILURE
}

/// The verified metadata as one JSON object.
pub(crate) fn metadata(verified: &Verified) -> serde_json::Map<String, serde_json::Value> {
    let origin = match verified.id_origin() {
        IdOrigin::Header => "header",
        IdOrigin::Body => "body",
        _ => "digest",
    };
    let mut map = serde_json::Map::new();
    map.insert("scheme".into(), json!(verified.scheme()));
    map.insert("event_id".into(), json!(verified.event_id()));
    map.insert("id_origin".into(), json!(origin));
    map.insert(
        "timestamp".into(),
        json!(verified.timestamp().map(|t| t.unix_timestamp())),
    );
    map.insert("secret_index".into(), json!(verified.secret_index()));
    map.insert("secret_label".into(), json!(verified.secret_label()));
    map
}
