//! `hookshield presets`: the catalogue of provider presets, as a table or as JSON.

use std::process::ExitCode;
use std::time::Duration;

use hookshield_core::presets::{self, Preset};
use hookshield_core::{IdDigest, Scheme, TimestampUnit, ValueSource};
use serde_json::{Map, Value, json};

use crate::UsageError;
use crate::args::PresetsArgs;

pub(crate) fn run(args: &PresetsArgs) -> Result<ExitCode, UsageError> {
    let rows = presets::ALL
        .iter()
        .map(|preset| Ok((preset, preset.builder().build()?)))
        .collect::<Result<Vec<_>, hookshield_core::ConfigError>>()?;
    if args.json {
        let list: Vec<Value> = rows.iter().map(|(p, s)| describe(p, s)).collect();
        emit(&Value::Array(list).to_string());
    } else {
        print_table(&rows);
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints `line` to stdout; a reader that went away (`hookshield presets | head`) ends the
/// output quietly instead of a panic.
fn emit(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// The presets whose scheme satisfies `wanted`, written `a, b and c` (for usage errors).
pub(crate) fn names_where(wanted: impl Fn(&Scheme) -> bool) -> String {
    let names: Vec<&str> = presets::ALL
        .iter()
        .filter(|p| p.builder().build().is_ok_and(|s| wanted(&s)))
        .map(Preset::name)
        .collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "no presets".to_owned(),
    }
}

/// What the receiver verifies with: `secret`, `public key`, or `secret or public key
/// (v1a)` for a scheme that accepts public-key entries beside its secrets.
fn key(scheme: &Scheme) -> String {
    match (
        scheme.algorithm().is_public_key(),
        scheme.public_key_entries(),
    ) {
        (true, _) => "public key".to_owned(),
        (false, Some((version, _))) => format!("secret or public key ({version})"),
        (false, None) => "secret".to_owned(),
    }
}

/// The algorithm and the signature's encoding (`HMAC-SHA256 hex`, `Ed25519 hex`), with
/// the public-key entries accepted beside (`+ v1a Ed25519`); a shared token is sent as is.
fn algorithm(scheme: &Scheme) -> String {
    let algorithm = scheme.algorithm();
    if scheme.signs_token() {
        return "ES256 JWT (ECDSA-P256-SHA256)".to_owned();
    }
    let mut text = if algorithm.mac_len().is_some() || algorithm.is_public_key() {
        format!("{algorithm} {}", scheme.encoding())
    } else {
        algorithm.to_string()
    };
    if let Some((version, algorithm)) = scheme.public_key_entries() {
        text.push_str(&format!(" + {version} {algorithm}"));
    }
    text
}

/// One preset as a JSON object.
fn describe(preset: &Preset, scheme: &Scheme) -> Value {
    let window = scheme.window();
    json!({
        "name": preset.name(),
        "aliases": preset.aliases(),
        "headers": headers(scheme),
        "signature_headers": scheme.signature_headers().collect::<Vec<_>>(),
        "algorithm": scheme.algorithm().to_string(),
        "encoding": if scheme.signs_token() {
            "base64url (JWT)".to_owned()
        } else {
            scheme.encoding().to_string()
        },
        "key": key(scheme),
        "public_key_entries": scheme.public_key_entries().map(|(version, algorithm)| json!({
            "version": version,
            "algorithm": algorithm.to_string(),
        })),
        "timestamp": if scheme.signs_token() {
            Some(json!({ "token_claim": "iat", "unit": "seconds" }))
        } else {
            scheme
                .timestamp_source()
                .map(|source| source_json(source, ("unit", json!(unit(scheme.timestamp_unit())))))
        },
        "window": scheme.has_timestamp().then(|| json!({
            "past_secs": window.past().as_secs(),
            "future_secs": window.future().as_secs(),
        })),
        "id": scheme
            .id_source()
            .map(|source| source_json(source, ("required", json!(scheme.id_required())))),
        "digest_of": match scheme.id_digest() {
            IdDigest::Body => "body",
            _ => "signed content",
        },
        "ttl_secs": scheme.recommended_ttl().as_secs(),
        "signs_url": scheme.signs_url(),
        "signs_request": scheme.signs_request(),
        "body_hash_param": scheme.body_hash_param(),
        "handshake": scheme.handshake().map(|h| json!({
            "name": h.name(),
            "unsigned_get": h.is_unsigned_get(),
            "needs_token": h.needs_token(),
        })),
        "docs": scheme.docs(),
    })
}

/// Where a value is read, with one more member `extra`.
fn source_json(source: ValueSource<'_>, extra: (&str, Value)) -> Value {
    let mut object = Map::new();
    let (from, place) = match source {
        ValueSource::Headers(names) => ("header", ("names", json!(names))),
        ValueSource::Param(key) => ("signature parameter", ("name", json!(key))),
        ValueSource::Field(path) => ("body field", ("path", json!(path))),
        _ => ("other", ("name", Value::Null)),
    };
    object.insert("from".to_owned(), json!(from));
    for (key, value) in [place, extra] {
        object.insert(key.to_owned(), value);
    }
    Value::Object(object)
}

fn unit(unit: TimestampUnit) -> &'static str {
    match unit {
        TimestampUnit::Milliseconds => "milliseconds",
        TimestampUnit::Rfc3339 => "rfc3339",
        _ => "seconds",
    }
}

/// Every header the scheme reads, each with its alternative names after `/`.
fn headers(scheme: &Scheme) -> Vec<String> {
    let mut list = vec![scheme.signature_headers().collect::<Vec<_>>().join("/")];
    for source in [scheme.timestamp_source(), scheme.id_source()]
        .into_iter()
        .flatten()
    {
        if let ValueSource::Headers(names) = source {
            list.push(names.join("/"));
        }
    }
    list
}

fn print_table(rows: &[(&Preset, Scheme)]) {
    let mut table = vec![[
        "NAME".to_owned(),
        "ALIASES".to_owned(),
        "HEADERS".to_owned(),
        "ALGORITHM".to_owned(),
        "KEY".to_owned(),
        "WINDOW".to_owned(),
        "TTL".to_owned(),
        "DOCS".to_owned(),
    ]];
    for (preset, scheme) in rows {
        let aliases = if preset.aliases().is_empty() {
            "-".to_owned()
        } else {
            preset.aliases().join(",")
        };
        table.push([
            preset.name().to_owned(),
            aliases,
            headers(scheme).join(", "),
            algorithm(scheme),
            key(scheme),
            window(scheme),
            duration(scheme.recommended_ttl()),
            scheme.docs().unwrap_or("-").to_owned(),
        ]);
    }
    let columns = table.first().map_or(0, |row| row.len());
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            table
                .iter()
                .map(|row| row.get(i).map_or(0, |cell| cell.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        emit(line.join("  ").trim_end());
    }
}

/// `±300s`, `-5s/+60s`, or `-` for a scheme without a timestamp.
fn window(scheme: &Scheme) -> String {
    if !scheme.has_timestamp() {
        return "-".to_owned();
    }
    let w = scheme.window();
    if w.past() == w.future() {
        format!("±{}s", w.past().as_secs())
    } else {
        format!("-{}s/+{}s", w.past().as_secs(), w.future().as_secs())
    }
}

/// Whole hours as `96h`, anything else as humantime writes it.
fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs.is_multiple_of(3600) && d.subsec_nanos() == 0 {
        format!("{}h", secs / 3600)
    } else {
        humantime::format_duration(d).to_string()
    }
}
