//! `hookshield verify`.

use std::process::ExitCode;

use hookshield_core::{IdOrigin, Verified};
use serde_json::json;

use crate::UsageError;
use crate::args::VerifyArgs;
use crate::{headers_arg, secret_source};

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, UsageError> {
    let verifier = secret_source::verifier(&args.common.scheme)?;
    let headers = args
        .headers
        .iter()
        .map(|line| headers_arg::parse(line))
        .collect::<Result<Vec<_>, _>>()?;
    let body = args.common.body()?;
    let now = args.common.instant()?.unwrap_or_else(|| verifier.now());
    match verifier.verify_at(&headers, &body, now) {
        Ok(verified) => {
            println!("{}", serde_json::Value::Object(metadata(&verified)));
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
