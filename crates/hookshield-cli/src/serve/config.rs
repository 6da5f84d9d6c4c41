//! The gateway's configuration file (`hookshield serve --config FILE`): its TOML shape and
//! the checks made before anything is served. Every mistake is reported with the route and
//! the field it concerns; secrets are named by their variable or file, never read from the
//! file itself.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::UsageError;

/// The whole file: the listener's settings and the routes.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) server: ServerConfig,
    pub(crate) routes: Vec<RouteConfig>,
}

/// `[server]`: where to listen and the deadlines of every connection.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServerConfig {
    #[serde(default = "default_addr")]
    pub(crate) addr: SocketAddr,
    /// Prometheus text at `/metrics`, `/healthz` and `/readyz`.
    pub(crate) metrics_addr: Option<SocketAddr>,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) header_timeout: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) idle_timeout: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) shutdown_timeout: Option<Duration>,
    pub(crate) max_connections: Option<usize>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: default_addr(),
            metrics_addr: None,
            header_timeout: None,
            idle_timeout: None,
            shutdown_timeout: None,
            max_connections: None,
        }
    }
}

fn default_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

/// One `[[route]]`: a path, how its requests are verified, and where verified events go.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RouteConfig {
    /// Defaults to the path; names the route in metrics, logs, `X-Hookshield-Route` and
    /// (by default) its replay namespace.
    #[serde(default)]
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) preset: Option<String>,
    /// A scheme described in the file, instead of a preset.
    pub(crate) scheme: Option<CustomScheme>,
    /// The header of `preset = "shared-token"`.
    pub(crate) header: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) secret_env: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) secret_file: Vec<PathBuf>,
    pub(crate) handshake_token_env: Option<String>,
    pub(crate) public_url: Option<String>,
    #[serde(default)]
    pub(crate) trust_forwarded_headers: bool,
    /// The timestamp tolerance, past and future.
    #[serde(default, deserialize_with = "duration")]
    pub(crate) window: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) ttl: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) lease: Option<Duration>,
    pub(crate) body_limit: Option<usize>,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) body_timeout: Option<Duration>,
    /// `memory` (the default) or a `redis://` URL shared by several gateways.
    pub(crate) replay_store: Option<String>,
    pub(crate) namespace: Option<String>,
    pub(crate) output: OutputConfig,
}

/// A scheme described field by field, for a sender no preset covers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CustomScheme {
    pub(crate) name: String,
    /// `hmac-sha1`, `hmac-sha256` (the default) or `hmac-sha512`.
    pub(crate) algorithm: Option<String>,
    pub(crate) signature_header: String,
    /// `hex` (the default) or `base64`.
    pub(crate) encoding: Option<String>,
    pub(crate) prefix: Option<String>,
    /// What is signed, e.g. `{timestamp}.{body}` (the default: `{body}`).
    pub(crate) signed_content: Option<String>,
    pub(crate) timestamp_header: Option<String>,
    /// `seconds` (the default) or `milliseconds`.
    pub(crate) timestamp_unit: Option<String>,
    pub(crate) id_header: Option<String>,
    pub(crate) id_field: Option<String>,
}

/// Where a verified event goes; the replay ticket is settled by its outcome.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub(crate) enum OutputConfig {
    /// Forward the request to an upstream URL.
    Http(HttpOutput),
    /// `XADD` the event to a Redis stream.
    RedisStream(StreamOutput),
}

/// `type = "http"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpOutput {
    pub(crate) url: String,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) timeout: Option<Duration>,
}

/// `type = "redis-stream"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamOutput {
    pub(crate) url: String,
    pub(crate) stream: String,
    pub(crate) maxlen: Option<u64>,
    #[serde(default, deserialize_with = "duration")]
    pub(crate) timeout: Option<Duration>,
}

/// The keys a literal secret would be written under: refused with a pointer to
/// `secret_env` / `secret_file`, whatever they hold.
const LITERAL_SECRET_KEYS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "handshake_token",
    "public_key",
    "private_key",
    "key",
];

impl Config {
    /// Reads and checks the file's shape (not yet its secrets or presets: see
    /// [`super::build`]).
    pub(crate) fn load(path: &Path) -> Result<Self, UsageError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
        let mut config = Self::parse(&text)
            .map_err(|UsageError(e)| UsageError(format!("{}: {e}", path.display())))?;
        // Relative key files are found beside the config file, wherever it is run from.
        let dir = path.parent().unwrap_or(Path::new(""));
        for route in &mut config.routes {
            for file in &mut route.secret_file {
                if file.is_relative() {
                    *file = dir.join(&*file);
                }
            }
        }
        Ok(config)
    }

    pub(crate) fn parse(text: &str) -> Result<Self, UsageError> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| syntax(text, &e))?;
        let server = match table.remove("server") {
            Some(value) => ServerConfig::deserialize(value)
                .map_err(|e| UsageError(format!("[server]: {}", message(&e))))?,
            None => ServerConfig::default(),
        };
        let routes = match table.remove("route") {
            Some(toml::Value::Array(routes)) => routes,
            Some(_) => return Err(UsageError("`route` must be [[route]] tables".to_owned())),
            None => Vec::new(),
        };
        if let Some(key) = table.keys().next() {
            return Err(UsageError(format!(
                "unknown top-level key `{key}` (expected [server] and [[route]])"
            )));
        }
        if routes.is_empty() {
            return Err(UsageError("no [[route]]: nothing to serve".to_owned()));
        }
        let mut parsed = Vec::with_capacity(routes.len());
        for (index, value) in routes.into_iter().enumerate() {
            parsed.push(route(index, value)?);
        }
        check_unique(&parsed)?;
        Ok(Self {
            server,
            routes: parsed,
        })
    }
}

/// Route number `index` (counted from 1 in messages), named by its `name` or `path` as soon
/// as either can be read.
fn route(index: usize, value: toml::Value) -> Result<RouteConfig, UsageError> {
    let label = |table: Option<&toml::Table>| {
        let field = |key| table.and_then(|t| t.get(key)).and_then(toml::Value::as_str);
        match (field("name"), field("path")) {
            (Some(name), _) => format!("route {name:?}"),
            (None, Some(path)) => format!("route {path:?}"),
            (None, None) => format!("route #{}", index.saturating_add(1)),
        }
    };
    let Some(table) = value.as_table() else {
        return Err(UsageError(format!("{}: not a table", label(None))));
    };
    let at = label(Some(table));
    for key in LITERAL_SECRET_KEYS {
        if table.contains_key(*key) {
            return Err(UsageError(format!(
                "{at}: field `{key}`: secrets are not written in the config file; name the \
                 environment variable that holds it (secret_env = \"VAR\") or a file \
                 (secret_file = \"/run/secrets/…\"){}",
                if key.contains("token") {
                    ", or handshake_token_env for a verify token"
                } else {
                    ""
                }
            )));
        }
    }
    let mut route = RouteConfig::deserialize(value)
        .map_err(|e| UsageError(format!("{at}: {}", message(&e))))?;
    if route.name.is_empty() {
        route.name.clone_from(&route.path);
    }
    route
        .check()
        .map_err(|e| UsageError(format!("{at}: {e}")))?;
    Ok(route)
}

/// A TOML syntax error as its line, column and message, without the line itself: it may
/// hold a secret written where it should not be.
fn syntax(text: &str, error: &toml::de::Error) -> UsageError {
    let at = error.span().map(|span| {
        let before = text.get(..span.start).unwrap_or_default();
        let line = before.matches('\n').count().saturating_add(1);
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count())
            .saturating_add(1);
        format!("line {line}, column {column}: ")
    });
    UsageError(format!(
        "not valid TOML: {}{}",
        at.unwrap_or_default(),
        error.message().trim()
    ))
}

/// A deserialization error on one line: toml's messages carry a trailing newline.
fn message(error: &impl std::fmt::Display) -> String {
    error.to_string().trim().replace('\n', " ")
}

/// Two routes on one path, or under one name, would be ambiguous.
fn check_unique(routes: &[RouteConfig]) -> Result<(), UsageError> {
    let mut paths: HashMap<&str, &str> = HashMap::new();
    let mut names: HashMap<&str, &str> = HashMap::new();
    for route in routes {
        if let Some(first) = paths.insert(&route.path, &route.name) {
            return Err(UsageError(format!(
                "route {:?}: field `path`: {:?} is already the path of route {first:?}",
                route.name, route.path
            )));
        }
        if names.insert(&route.name, &route.path).is_some() {
            return Err(UsageError(format!(
                "route {:?}: field `name`: two routes have this name",
                route.name
            )));
        }
    }
    Ok(())
}

impl RouteConfig {
    /// What the file alone can tell is wrong with this route.
    fn check(&self) -> Result<(), String> {
        if !is_route_path(&self.path) {
            return Err(format!(
                "field `path`: {:?} must start with /, be at most {MAX_PATH_LEN} characters \
                 of letters, digits and -._~!$&'()+,;=@%/, and have no segment starting \
                 with : (the path as the provider sends it, percent-encoded)",
                self.path
            ));
        }
        if !self
            .name
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
            || self.name.len() > MAX_PATH_LEN
        {
            return Err(format!(
                "field `name`: up to {MAX_PATH_LEN} printable ASCII characters, no quotes or \
                 backslashes"
            ));
        }
        match (&self.preset, &self.scheme) {
            (Some(_), Some(_)) => {
                return Err("fields `preset` and `scheme`: give one, not both".to_owned());
            }
            (None, None) => {
                return Err(
                    "field `preset`: missing (or describe the scheme in [route.scheme])".to_owned(),
                );
            }
            _ => {}
        }
        let vars = self.secret_env.iter().map(|var| ("secret_env", var));
        let token = self
            .handshake_token_env
            .iter()
            .map(|var| ("handshake_token_env", var));
        for (field, var) in vars.chain(token) {
            if !is_env_name(var) {
                return Err(format!(
                    "field `{field}`: not an environment variable name (upper-case letters, \
                     digits and _, at most 64); a value that is not one may be a secret \
                     pasted in by mistake, so it is not shown"
                ));
            }
        }
        for file in &self.secret_file {
            let text = file.to_string_lossy();
            if !text.contains('/') {
                return Err(
                    "field `secret_file`: a path with a / in it (./name for a file beside the \
                     config); a value without one may be a secret pasted in by mistake, so it \
                     is not shown"
                        .to_owned(),
                );
            }
        }
        Ok(())
    }
}

/// The longest route path (and name).
const MAX_PATH_LEN: usize = 1024;

/// `[A-Z_][A-Z0-9_]*`, at most 64 characters: the conventional form of a variable's name,
/// which a pasted secret (mixed case, `+/=`, `whsec_…`) almost never has; only such names
/// are shown in messages.
fn is_env_name(var: &str) -> bool {
    let mut bytes = var.bytes();
    var.len() <= 64
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A path a provider can call and axum can route: `/`, then RFC 3986 path characters
/// (percent-encoded as sent), no segment starting with `:` (axum's old capture syntax).
fn is_route_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() <= MAX_PATH_LEN
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()+,;=@%/".contains(&b))
        && !path.split('/').any(|segment| segment.starts_with(':'))
}

/// A duration written as humantime text: `30s`, `5m`, `72h`.
fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(deserializer)?;
    humantime::parse_duration(&text)
        .map(Some)
        .map_err(|e| de::Error::custom(format!("{text:?} is not a duration like 30s or 5m: {e}")))
}

/// A string or an array of strings.
fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    let invalid = || de::Error::custom("expected a string or an array of strings");
    match toml::Value::deserialize(deserializer)? {
        toml::Value::String(one) => Ok(vec![T::from(one)]),
        toml::Value::Array(many) => many
            .into_iter()
            .map(|value| match value {
                toml::Value::String(text) => Ok(T::from(text)),
                _ => Err(invalid()),
            })
            .collect(),
        _ => Err(invalid()),
    }
}

impl OutputConfig {
    /// Where the output goes, without credentials: for the start-up lines.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Http(http) => super::output::redact(&http.url),
            Self::RedisStream(stream) => format!(
                "stream {:?} on {}",
                stream.stream,
                hookshield_redis::redact_url(&stream.url)
            ),
        }
    }
}
