//! The gateway's own Redis connections (a stream output, a readiness check): made lazily,
//! so the process starts while Redis is down, and a call that finds its connection broken
//! (Redis restarted since it was last used) tried once more on the new one.

use std::future::Future;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError};

/// A reconnecting connection to `url`, made on first use, each command and connection
/// bounded by `timeout`; must be called inside a Tokio runtime.
pub(crate) fn connect_lazily(
    url: &str,
    timeout: Duration,
    retries: usize,
) -> Result<ConnectionManager, RedisError> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(retries);
    ConnectionManager::new_lazy_with_config(Client::open(url)?, config)
}

/// `call`, and once more if it failed on a connection Redis had dropped (the manager
/// replaces the connection after such a failure). Only for calls that are harmless twice.
pub(crate) async fn once_more_if_dropped<T, F, Fut>(mut call: F) -> Result<T, RedisError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RedisError>>,
{
    match call().await {
        Err(error) if error.is_io_error() || error.is_connection_dropped() => call().await,
        other => other,
    }
}

/// `PING`, once more after a dropped connection.
pub(crate) async fn ping(connection: &ConnectionManager) -> Result<(), RedisError> {
    once_more_if_dropped(|| {
        let mut connection = connection.clone();
        async move {
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        }
    })
    .await
    .map(|_| ())
}
