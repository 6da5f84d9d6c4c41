//! `hookshield verify`.

use std::process::ExitCode;

use hookshield_core::{IdOrigin, Verified, Verifier};
use serde_json::json;

use crate::UsageError;
use crate::args::VerifyArgs;
use crate::{headers_arg, secret_source};

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, UsageError> {
    let builder = args.common.scheme()?;
    let scheme = builder.clone().build()?;
    let mut verifier = Verifier::builder(builder);
    for named in secret_source::load(&args.common, &scheme)? {
        verifier = verifier.labeled_secret(&named.label, named.secret);
    }
    let verifier = verifier.build()?;
    let headers = args
        .headers
        .iter()
        .map(|line| headers_arg::parse(line))
        .collect::<Result<Vec<_>, _>>()?;
    let body = args.common.body()?;
    let now = args.common.instant()?.unwrap_or_else(|| verifier.now());
    match verifier.verify_at(&headers, &body, now) {
        Ok(verified) => {
            println!("{}", metadata(&verified));
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            println!(
                "{}",
                json!({"error": err.code(), "status": err.status(), "reason": err.reason().to_string()})
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The verified metadata as one JSON object.
fn metadata(verified: &Verified) -> serde_json::Value {
    let origin = match verified.id_origin() {
        IdOrigin::Header => "header",
        IdOrigin::Body => "body",
        _ => "digest",
    };
    json!({
        "scheme": verified.scheme(),
        "event_id": verified.event_id(),
        "id_origin": origin,
        "timestamp": verified.timestamp().map(|t| t.unix_timestamp()),
        "secret_index": verified.secret_index(),
        "secret_label": verified.secret_label(),
    })
}
