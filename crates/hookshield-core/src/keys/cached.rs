//! [`CachedKeys`]: keys fetched from elsewhere (a key server, a database), cached with a
//! TTL and a size bound, served stale while the source is down, and never waited on for
//! longer than a deadline.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::keys::key_set::KeySet;
use crate::keys::resolver::{KeyError, KeyFetch, KeyQuery, KeyResolver};

/// What a [`KeyFetcher`] failed with: logged (at warn level), never shown to the sender.
pub type FetchError = Box<dyn std::error::Error + Send + Sync>;

/// Fetches the keys of a request from where they live. The fetch itself is the app's
/// (an HTTP call to the provider's key endpoint, a database query); [`CachedKeys`] adds
/// the cache, the deadline and the fallbacks.
pub trait KeyFetcher: Send + Sync + 'static {
    /// Which keys `query` needs, as a cache key (a tenant name, a key id); `None` when the
    /// request names none (refused 401). Unverified input: it only chooses.
    fn cache_key(&self, query: &KeyQuery<'_>) -> Option<String>;

    /// Fetches the keys named `cache_key`: `Ok(None)` when there are none (refused 401,
    /// and remembered for the negative TTL), an error when they cannot be had now.
    fn fetch(
        &self,
        cache_key: &str,
    ) -> impl Future<Output = Result<Option<Arc<KeySet>>, FetchError>> + Send;
}

/// A cached answer.
#[derive(Clone)]
struct Entry {
    keys: Option<Arc<KeySet>>,
    fetched: Instant,
}

/// Keys from a [`KeyFetcher`], cached: a [`KeyResolver`] for keys that live elsewhere.
///
/// - **Fresh** entries (younger than the TTL, default 1 h) are used as they are.
/// - **Missing or expired** ones are fetched; concurrent requests for the same key wait
///   for one fetch. At most `max_concurrent_fetches` (default 4) run at once, so a flood of
///   requests naming fresh tenants or key ids cannot flood the key source.
/// - The wait (for a permit and the fetch) is bounded by the deadline (default 2 s); past
///   it, or when the fetch fails, an expired entry still within `stale_for` (default 24 h)
///   is used (**stale while error**), and otherwise the request is answered 503
///   `key_unavailable` with `Retry-After`, so the provider retries and nothing is lost.
///   A fetch that outlives the deadline goes on in the background and fills the cache for
///   the retry; a failed one is not tried again for `error_backoff` (default 5 s).
/// - "No such keys" is remembered for the negative TTL (default 60 s).
/// - At most `max_entries` (default 10 000) are kept.
///
/// Fetching needs a Tokio runtime (the adapters run in one); [`Verifier::verify_request`]
/// (synchronous) only uses what is cached.
///
/// [`Verifier::verify_request`]: crate::Verifier::verify_request
pub struct CachedKeys<F> {
    inner: Arc<Inner<F>>,
}

struct Inner<F> {
    fetcher: F,
    entries: moka::sync::Cache<String, Entry>,
    permits: Arc<tokio::sync::Semaphore>,
    /// One fetch per key at a time: waiters share its outcome through the cache.
    in_flight: moka::sync::Cache<String, Arc<tokio::sync::Mutex<()>>>,
    /// Keys whose last fetch failed, for the back-off.
    failures: moka::sync::Cache<String, ()>,
    ttl: Duration,
    stale_for: Duration,
    negative_ttl: Duration,
    deadline: Duration,
}

impl<F> Clone for CachedKeys<F> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// Builds [`CachedKeys`].
#[must_use]
pub struct CachedKeysBuilder<F> {
    fetcher: F,
    ttl: Duration,
    stale_for: Duration,
    negative_ttl: Duration,
    deadline: Duration,
    error_backoff: Duration,
    max_entries: u64,
    max_concurrent_fetches: usize,
}

impl<F: KeyFetcher> CachedKeys<F> {
    /// Caches what `fetcher` fetches, with the defaults above.
    pub fn builder(fetcher: F) -> CachedKeysBuilder<F> {
        CachedKeysBuilder {
            fetcher,
            ttl: Duration::from_secs(3600),
            stale_for: Duration::from_secs(24 * 3600),
            negative_ttl: Duration::from_secs(60),
            deadline: Duration::from_secs(2),
            error_backoff: Duration::from_secs(5),
            max_entries: 10_000,
            max_concurrent_fetches: 4,
        }
    }

    /// Forgets the entry `cache_key` (after a rotation the app knows of).
    pub fn invalidate(&self, cache_key: &str) {
        self.inner.entries.invalidate(cache_key);
    }

    /// The keys named `cache_key`: cached, fetched, or stale; see the type's docs.
    pub async fn keys(&self, cache_key: String) -> Result<Arc<KeySet>, KeyError> {
        let inner = &self.inner;
        let cached = inner.entries.get(&cache_key);
        if let Some(entry) = cached.as_ref().filter(|e| inner.fresh(e)) {
            return entry.keys.clone().ok_or(KeyError::Unknown);
        }
        let why =
            match tokio::time::timeout(inner.deadline, Arc::clone(inner).fetch(cache_key.clone()))
                .await
            {
                Ok(Ok(entry)) => return entry.keys.ok_or(KeyError::Unknown),
                Ok(Err(error)) => error.to_string(),
                Err(_) => format!("no answer within {:?}", inner.deadline),
            };
        match cached
            .filter(|e| inner.usable_stale(e))
            .and_then(|e| e.keys)
        {
            Some(stale) => {
                tracing::warn!(key = ?cache_key, %why, "keys unavailable: using the cached ones past their TTL");
                Ok(stale)
            }
            None => {
                tracing::warn!(key = ?cache_key, %why, "keys unavailable and none cached");
                Err(KeyError::Unavailable)
            }
        }
    }
}

impl<F: KeyFetcher> Inner<F> {
    fn fresh(&self, entry: &Entry) -> bool {
        let ttl = if entry.keys.is_some() {
            self.ttl
        } else {
            self.negative_ttl
        };
        entry.fetched.elapsed() < ttl
    }

    fn usable_stale(&self, entry: &Entry) -> bool {
        entry.fetched.elapsed() < self.ttl.saturating_add(self.stale_for)
    }

    /// One fetch per key at a time: requests for the same keys wait for the one in
    /// flight, and use what it cached (or its failure, remembered for the back-off). The
    /// fetch itself runs on a task of its own holding the key's turn and a fetch permit:
    /// a caller that gives up at its deadline leaves it running, so a slow source still
    /// fills the cache for the provider's retry, and at most `max_concurrent_fetches` run.
    async fn fetch(self: Arc<Self>, cache_key: String) -> Result<Entry, FetchError> {
        let lock = self
            .in_flight
            .get_with(cache_key.clone(), || Arc::new(tokio::sync::Mutex::new(())));
        let turn = lock.lock_owned().await;
        if let Some(entry) = self.entries.get(&cache_key).filter(|e| self.fresh(e)) {
            return Ok(entry);
        }
        if self.failures.contains_key(&cache_key) {
            return Err("the last fetch failed moments ago".into());
        }
        let permit = Arc::clone(&self.permits).acquire_owned().await?;
        let inner = Arc::clone(&self);
        let task = tokio::spawn(async move {
            let _held = (turn, permit);
            let fetched = inner.fetcher.fetch(&cache_key).await;
            match fetched {
                Ok(keys) => {
                    let entry = Entry {
                        keys,
                        fetched: Instant::now(),
                    };
                    inner.entries.insert(cache_key, entry.clone());
                    Ok(entry)
                }
                Err(error) => {
                    inner.failures.insert(cache_key, ());
                    Err(error)
                }
            }
        });
        task.await?
    }
}

impl<F: KeyFetcher> CachedKeysBuilder<F> {
    /// How long fetched keys are used before they are fetched again (default 1 h).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long past the TTL keys are still used when fetching fails (default 24 h;
    /// zero turns stale-while-error off).
    pub fn stale_for(mut self, stale_for: Duration) -> Self {
        self.stale_for = stale_for;
        self
    }

    /// How long "no such keys" is remembered (default 60 s).
    pub fn negative_ttl(mut self, ttl: Duration) -> Self {
        self.negative_ttl = ttl;
        self
    }

    /// The longest a request waits for its keys (default 2 s); then 503, or stale keys.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// How long after a failed fetch no new fetch of the same keys is tried (default
    /// 5 s): requests meanwhile get stale keys or 503 at once, and a failing source is not
    /// hammered by every request.
    pub fn error_backoff(mut self, backoff: Duration) -> Self {
        self.error_backoff = backoff;
        self
    }

    /// The most entries kept (default 10 000).
    pub fn max_entries(mut self, entries: u64) -> Self {
        self.max_entries = entries;
        self
    }

    /// The most fetches running at once (default 4; at least 1).
    pub fn max_concurrent_fetches(mut self, fetches: usize) -> Self {
        self.max_concurrent_fetches = fetches.max(1);
        self
    }

    /// The cache.
    pub fn build(self) -> CachedKeys<F> {
        let keep = self
            .ttl
            .saturating_add(self.stale_for)
            .max(self.negative_ttl);
        CachedKeys {
            inner: Arc::new(Inner {
                fetcher: self.fetcher,
                entries: moka::sync::Cache::builder()
                    .max_capacity(self.max_entries)
                    .time_to_live(keep.max(Duration::from_millis(1)))
                    .build(),
                permits: Arc::new(tokio::sync::Semaphore::new(self.max_concurrent_fetches)),
                in_flight: moka::sync::Cache::builder()
                    .max_capacity(self.max_entries)
                    .time_to_idle(Duration::from_secs(60))
                    .build(),
                failures: moka::sync::Cache::builder()
                    .max_capacity(self.max_entries)
                    .time_to_live(self.error_backoff.max(Duration::from_millis(1)))
                    .build(),
                ttl: self.ttl,
                stale_for: self.stale_for,
                negative_ttl: self.negative_ttl,
                deadline: self.deadline,
            }),
        }
    }
}

impl<F: KeyFetcher> KeyResolver for CachedKeys<F> {
    /// Cached keys only (fresh, or stale within `stale_for`): the synchronous path.
    fn resolve(&self, query: &KeyQuery<'_>) -> Result<Arc<KeySet>, KeyError> {
        let key = self
            .inner
            .fetcher
            .cache_key(query)
            .ok_or(KeyError::Unknown)?;
        let entry = self.inner.entries.get(&key).ok_or(KeyError::Unavailable)?;
        if self.inner.fresh(&entry) || self.inner.usable_stale(&entry) {
            entry.keys.ok_or(KeyError::Unknown)
        } else {
            Err(KeyError::Unavailable)
        }
    }

    fn fetch(&self, query: &KeyQuery<'_>) -> Option<KeyFetch<'_>> {
        let key = self.inner.fetcher.cache_key(query);
        Some(KeyFetch::new(async move {
            match key {
                Some(key) => self.keys(key).await,
                None => Err(KeyError::Unknown),
            }
        }))
    }
}

impl<F> fmt::Debug for CachedKeysBuilder<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedKeysBuilder")
            .field("ttl", &self.ttl)
            .field("stale_for", &self.stale_for)
            .field("negative_ttl", &self.negative_ttl)
            .field("deadline", &self.deadline)
            .field("error_backoff", &self.error_backoff)
            .field("max_entries", &self.max_entries)
            .field("max_concurrent_fetches", &self.max_concurrent_fetches)
            .finish_non_exhaustive()
    }
}

impl<F> fmt::Debug for CachedKeys<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedKeys")
            .field("entries", &self.inner.entries.entry_count())
            .field("ttl", &self.inner.ttl)
            .field("stale_for", &self.inner.stale_for)
            .field("deadline", &self.inner.deadline)
            .finish_non_exhaustive()
    }
}
