//! `type = "redis-stream"`: the verified event, added to a Redis stream with `XADD … MAXLEN
//! ~`, once.
//!
//! The entry and a marker (`<stream>:hookshield-added:<namespace>:<id>`, kept for the
//! route's TTL) are written by one script, atomically: when Redis added the entry but its
//! answer was lost (a timeout, a dropped connection), the gateway releases the id and the
//! provider's retry finds the marker, so it is answered as delivered without a second
//! entry. The marker is set first and removed again if `XADD` fails, so a failed call
//! leaves nothing behind; that also makes one retry on a fresh connection safe.
//!
//! Fields of each entry: `id`, `route`, `scheme`, `timestamp` (Unix seconds, when signed),
//! `method`, `query`, `headers` (a JSON array of `[name, value]` pairs, in order), `body`
//! (the raw bytes).

use std::time::Duration;

use axum::Json;
use axum::response::IntoResponse;
use hookshield_redis::redact_url;
use redis::Script;
use redis::aio::ConnectionManager;
use serde_json::json;

use super::{Delivery, Event, Failure};
use crate::redis_link;

/// The default deadline of one `XADD` (and of a connection to Redis).
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default `MAXLEN ~` bound: about this many entries are kept.
pub(crate) const DEFAULT_MAXLEN: u64 = 100_000;

/// `KEYS[1]` the stream, `KEYS[2]` the marker; `ARGV[1]` the marker's TTL in ms,
/// `ARGV[2]` the `MAXLEN ~` bound, then field/value pairs. Returns the entry's id, or
/// `false` when the marker says the event was already added.
const ADD_ONCE: &str = r"
if not redis.call('SET', KEYS[2], '', 'NX', 'PX', ARGV[1]) then return false end
local id = redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
if type(id) == 'table' and id.err then
  redis.call('DEL', KEYS[2])
  return id
end
return id
";

/// The longest a marker is kept (ten years): Redis refuses an expiry that overflows.
const MAX_MARKER_TTL: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Adds events to one stream.
pub(crate) struct StreamAdd {
    connection: ConnectionManager,
    script: Script,
    stream: String,
    maxlen: u64,
    /// How long the marker of an added event is kept: the route's replay TTL.
    ttl: Duration,
    shown: String,
}

impl std::fmt::Debug for StreamAdd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamAdd")
            .field("url", &self.shown)
            .field("stream", &self.stream)
            .field("maxlen", &self.maxlen)
            .finish_non_exhaustive()
    }
}

impl StreamAdd {
    /// Connects lazily (the gateway starts while Redis is down); must be called inside a
    /// Tokio runtime.
    pub(crate) fn new(
        url: &str,
        stream: &str,
        maxlen: u64,
        timeout: Duration,
        ttl: Duration,
    ) -> Result<Self, String> {
        let shown = redact_url(url);
        if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
            return Err(format!("field `url`: {shown} is not a redis:// URL"));
        }
        if stream.is_empty() {
            return Err("field `stream`: empty".to_owned());
        }
        if maxlen == 0 {
            return Err("field `maxlen`: must be at least 1".to_owned());
        }
        if timeout.is_zero() {
            return Err("field `timeout`: must be longer than 0s".to_owned());
        }
        let connection = redis_link::connect_lazily(url, timeout, 1)
            .map_err(|e| format!("field `url`: {shown}: {e}"))?;
        Ok(Self {
            connection,
            script: Script::new(ADD_ONCE),
            stream: stream.to_owned(),
            maxlen,
            ttl,
            shown,
        })
    }

    pub(crate) async fn deliver(&self, event: Event<'_>) -> Delivery {
        let verified = event.verified;
        let marker = format!(
            "{}:hookshield-added:{}:{}",
            self.stream,
            event.namespace,
            verified.event_id()
        );
        // Values that are not UTF-8 (rare, and never the gateway's own) are kept lossily.
        let headers: Vec<(&str, std::borrow::Cow<'_, str>)> = event
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), String::from_utf8_lossy(value.as_bytes())))
            .collect();
        let mut invocation = self.script.key(&self.stream);
        invocation
            .key(marker)
            .arg(
                u64::try_from(self.ttl.min(MAX_MARKER_TTL).as_millis())
                    .unwrap_or(u64::MAX)
                    .max(1),
            )
            .arg(self.maxlen)
            .arg("id")
            .arg(verified.event_id())
            .arg("route")
            .arg(event.route)
            .arg("scheme")
            .arg(verified.scheme())
            .arg("method")
            .arg(event.method.as_str())
            .arg("query")
            .arg(event.query.unwrap_or_default())
            .arg("headers")
            .arg(json!(headers).to_string());
        if let Some(at) = verified.timestamp() {
            invocation.arg("timestamp").arg(at.unix_timestamp());
        }
        invocation.arg("body").arg(event.body.as_ref());
        // The marker makes a second call harmless.
        let invocation = &invocation;
        let added = redis_link::once_more_if_dropped(|| {
            let mut connection = self.connection.clone();
            async move {
                invocation
                    .invoke_async::<Option<String>>(&mut connection)
                    .await
            }
        })
        .await;
        match added {
            Ok(entry) => {
                // No entry: an earlier attempt added it, and its answer was lost.
                // The stream and the entry's id stay private: the provider learns only that
                // the event was taken.
                let body = match entry {
                    Some(_) => json!({"delivered": true}),
                    None => json!({"delivered": true, "added_earlier": true}),
                };
                Delivery::Accepted(Json(body).into_response())
            }
            Err(error) => {
                tracing::warn!(route = event.route, redis = %self.shown, %error,
                    "XADD failed; the event's id is released for the provider's retry");
                Delivery::Refused(Failure::OutputUnavailable)
            }
        }
    }

    pub(crate) async fn ready(&self) -> Result<(), String> {
        redis_link::ping(&self.connection)
            .await
            .map_err(|e| format!("{}: {e}", self.shown))
    }
}
