//! [`RedisStore`] and its builder.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hookshield_core::replay::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError};

use crate::orphan::{self, Orphans};
use crate::redact::redact_url;
use crate::scripts::{COMMIT, RELEASE};

/// The key prefix [`RedisStoreBuilder`] uses unless told otherwise.
pub const DEFAULT_PREFIX: &str = "hookshield";

/// How long [`RedisStore`] waits for Redis by default before answering
/// [`StoreError::Timeout`]: 500 ms.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// The value of a key whose event was handled.
const DONE: &str = "done";

/// A [`ReplayStore`] on a Redis server, shared by every instance of a receiver, so an
/// event is handled once however the load balancer spreads its copies.
///
/// | step | Redis | round trips |
/// | --- | --- | --- |
/// | reserve | `SET key <owner> NX PX <lease> GET` | 1 |
/// | commit | script: if `GET key` is the owner, `SET key done PX <ttl>` | 1 |
/// | release | script: if `GET key` is the owner, `DEL key` | 1 |
///
/// So an event costs two round trips (reserve + commit). `SET … NX GET` answers, in the
/// same round trip, what holds the key when it is taken: `done` or another owner (Redis
/// 7.0 or newer). An owner whose lease lapsed cannot commit or release the reservation of
/// the instance that took over: both scripts compare the owner first, atomically.
///
/// Keys are `<prefix>:<namespace length>:<namespace>:<event id>`. The connection is a
/// reconnecting [`ConnectionManager`], created lazily: the receiver starts even when Redis
/// is down. Every command is bounded by the timeout; a command that fails or times out is a
/// [`StoreError`], which the replay guard answers with 503 and `Retry-After` (fail closed:
/// the provider retries later, nothing is lost, nothing runs twice) unless the guard was
/// told to fail open.
///
/// # A reserve that times out
///
/// A reserve that gave up waiting (the timeout, a lost connection) may still reach Redis:
/// a server that stalled (paused, swapping, a long-running command) runs the `SET` when it
/// wakes up, after the guard has answered 503. Left alone, that reservation would answer
/// the provider's retries with 409 for the whole lease (60 s by default). So when a reserve
/// fails in a way that may have landed (anything but a refused connection or an error
/// answered by Redis), the store also sends, from a task spawned on the current Tokio
/// runtime, the owner-checked release for the token that reserve used, on the same
/// connection. Redis runs one connection's commands in order, so the release runs right
/// after the late `SET`, and the retry that follows is handled. The release is best
/// effort (after a reconnect, its order against the late `SET` is not guaranteed): at most
/// 8 attempts, each bounded by the timeout, with a doubling backoff, all within the lease;
/// at most 1024 such releases run at once per store. It never touches a reservation
/// another request holds. The reserve itself still answers its error.
///
/// # Debug output
///
/// `{:?}` of the store and of [`RedisStoreBuilder`] shows the URL without credentials:
/// `redis://user:pass@host:6379/0` as `redis://REDACTED@host:6379/0`, the values of query
/// parameters other than `db` and `protocol` (a Unix socket's `user` and `pass`) as
/// `REDACTED`, and a URL that does not parse as `REDACTED` alone. The errors the store
/// answers do not carry the URL.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use hookshield_core::{presets, Receiver, Verifier};
/// use hookshield_redis::RedisStore;
///
/// let store = RedisStore::builder("redis://127.0.0.1:6379")
///     .key_prefix("billing-webhooks")
///     .build()?;
/// let verifier = Verifier::builder(presets::stripe()).encoded_secret("whsec_…").build()?;
/// let receiver = Receiver::new(verifier).with_replay_store(store);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    /// The URL without credentials, for `Debug`.
    redacted_url: Arc<str>,
    prefix: Arc<str>,
    timeout: Duration,
    orphans: Orphans,
}

/// Builds a [`RedisStore`]. Its `Debug` shows the URL without credentials (see
/// [`RedisStore`]).
#[derive(Clone)]
#[must_use]
pub struct RedisStoreBuilder {
    url: String,
    prefix: String,
    timeout: Duration,
    connect_timeout: Duration,
    retries: usize,
}

impl RedisStore {
    /// A builder for the server at `url` (`redis://host:port/db`, `rediss://` with the
    /// `tls` feature, `redis+unix:///path`).
    pub fn builder(url: &str) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.to_owned(),
            prefix: DEFAULT_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: Duration::from_secs(2),
            retries: 2,
        }
    }

    /// The Redis key of `key`.
    pub fn redis_key(&self, key: ReplayKey<'_>) -> String {
        let namespace = key.namespace();
        format!(
            "{}:{}:{namespace}:{}",
            self.prefix,
            namespace.len(),
            key.event_id()
        )
    }

    /// Runs one command under the timeout.
    async fn run<T>(
        &self,
        command: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, command).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(StoreError::Unavailable(Box::new(error))),
            Err(_) => Err(StoreError::Timeout),
        }
    }

    /// The value an owner writes: its token.
    fn owner_value(owner: &OwnerToken) -> String {
        owner.to_hex()
    }
}

impl RedisStoreBuilder {
    /// The prefix of every key (default [`DEFAULT_PREFIX`]): one per application sharing
    /// the server.
    pub fn key_prefix(mut self, prefix: &str) -> Self {
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// How long one command may take before it counts as a failure (default
    /// [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a lost connection is retried before a command fails (default 2).
    pub fn reconnect_retries(mut self, retries: usize) -> Self {
        self.retries = retries;
        self
    }

    /// The store. Does not connect yet (the first command does), so it fails only on a
    /// malformed URL, an empty prefix, or when called outside a Tokio runtime (the
    /// reconnecting connection runs a background task on it).
    pub fn build(self) -> Result<RedisStore, StoreError> {
        if self.prefix.is_empty() {
            return Err(StoreError::Unavailable("the key prefix is empty".into()));
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(StoreError::Unavailable(
                "RedisStore::build must be called inside a Tokio runtime".into(),
            ));
        }
        let client = Client::open(self.url.as_str()).map_err(unavailable)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(self.retries);
        let connection =
            ConnectionManager::new_lazy_with_config(client, config).map_err(unavailable)?;
        Ok(RedisStore {
            connection,
            redacted_url: redact_url(&self.url).into(),
            prefix: self.prefix.into(),
            timeout: self.timeout,
            orphans: Orphans::default(),
        })
    }
}

impl fmt::Debug for RedisStoreBuilder {
    /// Everything, the URL without its credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("url", &redact_url(&self.url))
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retries", &self.retries)
            .finish()
    }
}

fn unavailable(error: RedisError) -> StoreError {
    StoreError::Unavailable(Box::new(error))
}

impl fmt::Debug for RedisStore {
    /// The URL without its credentials, the prefix and the timeout.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.redacted_url)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Milliseconds for `PX`: at least 1, at most what Redis accepts.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1, i64::MAX as u64 / 2)
}

impl ReplayStore for RedisStore {
    async fn reserve(
        &self,
        key: ReplayKey<'_>,
        lease: Duration,
    ) -> Result<Reservation, StoreError> {
        let owner = OwnerToken::random();
        let redis_key = self.redis_key(key);
        let owner_value = Self::owner_value(&owner);
        let mut connection = self.connection.clone();
        let answer: Result<Option<String>, StoreError> = self
            .run(
                redis::cmd("SET")
                    .arg(&redis_key)
                    .arg(&owner_value)
                    .arg("NX")
                    .arg("PX")
                    .arg(millis(lease))
                    .arg("GET")
                    .query_async(&mut connection),
            )
            .await;
        let previous = match answer {
            Ok(previous) => previous,
            Err(error) => {
                // The SET may land later: release it for its owner once Redis answers.
                if orphan::may_have_landed(&error) {
                    self.orphans
                        .release(connection, redis_key, owner_value, self.timeout, lease);
                }
                return Err(error);
            }
        };
        Ok(match previous.as_deref() {
            None => Reservation::Acquired(owner),
            Some(DONE) => Reservation::Done,
            Some(_) => Reservation::InFlight,
        })
    }

    async fn commit(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut connection = self.connection.clone();
        let committed: i64 = self
            .run(
                COMMIT
                    .key(self.redis_key(key))
                    .arg(Self::owner_value(owner))
                    .arg(millis(ttl))
                    .invoke_async(&mut connection),
            )
            .await?;
        Ok(committed == 1)
    }

    async fn release(&self, key: ReplayKey<'_>, owner: &OwnerToken) -> Result<bool, StoreError> {
        let mut connection = self.connection.clone();
        let released: i64 = self
            .run(
                RELEASE
                    .key(self.redis_key(key))
                    .arg(Self::owner_value(owner))
                    .invoke_async(&mut connection),
            )
            .await?;
        Ok(released == 1)
    }
}
