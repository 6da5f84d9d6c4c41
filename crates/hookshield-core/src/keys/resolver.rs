//! Keys chosen per request: [`KeyResolver`] (what the verifier asks), [`KeyQuery`] (what
//! it tells), and [`KeyMap`], an in-memory resolver by tenant.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::error::ConfigError;
use crate::headers::{self, HeaderLookup};
use crate::keys::key_set::{KeySet, check_tenant};
use crate::request::RequestContext;
use crate::scheme::Scheme;
use crate::secret::Secret;

/// What a [`KeyResolver`] may look at to choose the keys of a request: its method and
/// target, its headers, and the key id its signature names (Plaid's JWT `kid`). Nothing
/// here has been verified yet: it only *chooses* keys, and the signature must still match
/// one of them.
pub struct KeyQuery<'a> {
    request: Option<&'a RequestContext<'a>>,
    headers: &'a dyn HeaderRead,
    key_id: Option<&'a str>,
}

/// One header value by name, through a trait object.
pub(crate) trait HeaderRead {
    fn one<'s>(&'s self, name: &'s str) -> Option<&'s [u8]>;
}

/// [`HeaderRead`] over any [`HeaderLookup`], by the rule every header hookshield reads
/// follows ([`headers::one`]), trimmed: absent, empty, repeated or too long is `None`.
pub(crate) struct Headers<'h, H: ?Sized>(pub(crate) &'h H);

impl<H: HeaderLookup + ?Sized> HeaderRead for Headers<'_, H> {
    fn one<'s>(&'s self, name: &'s str) -> Option<&'s [u8]> {
        headers::one(self.0, name)
            .ok()
            .flatten()
            .map(<[u8]>::trim_ascii)
    }
}

impl<'a> KeyQuery<'a> {
    pub(crate) fn new(
        request: Option<&'a RequestContext<'a>>,
        headers: &'a dyn HeaderRead,
        key_id: Option<&'a str>,
    ) -> Self {
        Self {
            request,
            headers,
            key_id,
        }
    }

    /// The request's method and target, when the verifier was given them.
    pub fn request(&self) -> Option<&'a RequestContext<'a>> {
        self.request
    }

    /// Segment `index` of the path (`/hooks/acme/github`: 0 is `hooks`, 1 is `acme`), when
    /// the request was given and the segment is not empty.
    pub fn path_segment(&self, index: usize) -> Option<&'a str> {
        let path = self.request?.path();
        path.strip_prefix('/')
            .unwrap_or(path)
            .split('/')
            .nth(index)
            .filter(|s| !s.is_empty())
    }

    /// The one value of header `name`, as text; `None` when absent, repeated, too long or
    /// not UTF-8.
    pub fn header<'q>(&'q self, name: &'q str) -> Option<&'q str> {
        self.headers
            .one(name)
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The key id the signature names, for schemes that send one (Plaid's `kid`).
    pub fn key_id(&self) -> Option<&'a str> {
        self.key_id
    }
}

impl fmt::Debug for KeyQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyQuery")
            .field("request", &self.request)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Why a [`KeyResolver`] has no key for a request.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// No key is known for it (an unknown tenant or key id): refused 401
    /// `signature_mismatch`, as a wrong signature would be.
    Unknown,
    /// The keys exist but cannot be had now (a key server or database is down): answered
    /// 503 `key_unavailable` with `Retry-After`, so the provider retries.
    Unavailable,
}

/// Chooses the keys to verify a request with: the keys of the tenant a path segment or
/// header names, or the key a signature's key id names. Consulted before the signature is
/// checked; what it is told is unverified, so it must only choose, never trust.
///
/// For keys held in memory use [`KeyMap`]; for keys fetched from elsewhere (a key server,
/// a database) use [`CachedKeys`](crate::CachedKeys), which caches them and bounds the
/// wait.
pub trait KeyResolver: Send + Sync + 'static {
    /// The keys for this request, from what is at hand (a map, a cache).
    fn resolve(&self, query: &KeyQuery<'_>) -> Result<Arc<KeySet>, KeyError>;

    /// For keys that may have to be fetched: the fetch for this request, which the
    /// asynchronous paths ([`Receiver`](crate::Receiver), the adapters,
    /// [`Verifier::verify_request_async`](crate::Verifier::verify_request_async)) await
    /// instead of calling [`resolve`](Self::resolve). `None` (the default): `resolve` is
    /// enough. Whatever it needs of `query` must be taken before it returns.
    fn fetch(&self, query: &KeyQuery<'_>) -> Option<KeyFetch<'_>> {
        let _ = query;
        None
    }
}

/// The keys of a request, being fetched: see [`KeyResolver::fetch`].
pub struct KeyFetch<'a>(Pin<Box<dyn Future<Output = Result<Arc<KeySet>, KeyError>> + Send + 'a>>);

impl<'a> KeyFetch<'a> {
    /// Wraps the future that fetches the keys.
    pub fn new(fetch: impl Future<Output = Result<Arc<KeySet>, KeyError>> + Send + 'a) -> Self {
        Self(Box::pin(fetch))
    }
}

impl Future for KeyFetch<'_> {
    type Output = Result<Arc<KeySet>, KeyError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl fmt::Debug for KeyFetch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyFetch(..)")
    }
}

impl<F> KeyResolver for F
where
    F: Fn(&KeyQuery<'_>) -> Result<Arc<KeySet>, KeyError> + Send + Sync + 'static,
{
    fn resolve(&self, query: &KeyQuery<'_>) -> Result<Arc<KeySet>, KeyError> {
        self(query)
    }
}

/// Stores a secret a provider hands over in its handshake (Asana's `X-Hook-Secret`),
/// so later deliveries verify with it. Return `false` to refuse the handshake (403).
/// [`KeyMap`] is one; a closure is another (to store the secret in the app's database,
/// say, where its [`KeyResolver`] will find it):
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::{Arc, Mutex};
/// use hookshield_core::{presets, KeyMap, KeyQuery, Scheme, Secret, Verifier};
///
/// // Where the app keeps its webhooks' secrets (a database table, in a real app).
/// let secrets: Arc<Mutex<HashMap<String, Secret>>> = Arc::default();
/// let db = Arc::clone(&secrets);
/// let learner = move |query: &KeyQuery<'_>, secret: Secret, _: &Scheme| {
///     let Some(tenant) = query.path_segment(1) else { return false };
///     let mut db = db.lock().unwrap();
///     // Only a webhook the app is creating right now, and only once.
///     if tenant != "project-42" || db.contains_key(tenant) {
///         return false;
///     }
///     db.insert(tenant.to_owned(), secret);
///     true
/// };
/// let verifier = Verifier::builder(presets::asana())
///     .key_resolver(KeyMap::by_path_segment(1)) // or a resolver reading `secrets`
///     .secret_learner(learner)
///     .build()?;
/// # let _ = verifier;
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
pub trait SecretLearner: Send + Sync + 'static {
    /// Stores `secret` for requests like `query`, keyed for `scheme`.
    fn learn(&self, query: &KeyQuery<'_>, secret: Secret, scheme: &Scheme) -> bool;
}

impl<F> SecretLearner for F
where
    F: Fn(&KeyQuery<'_>, Secret, &Scheme) -> bool + Send + Sync + 'static,
{
    fn learn(&self, query: &KeyQuery<'_>, secret: Secret, scheme: &Scheme) -> bool {
        self(query, secret, scheme)
    }
}

/// Where a [`KeyMap`] reads the tenant of a request.
#[derive(Debug, Clone)]
enum TenantFrom {
    PathSegment(usize),
    Header(Box<str>),
    KeyId,
}

/// Keys by tenant, in memory: the tenant is read from a path segment, a header or the
/// signature's key id, and its [`KeySet`] is used. Cheap to clone (shared); keys can be
/// added and removed while serving.
///
/// It also learns secrets handed over in a handshake (Asana): only for a tenant announced
/// with [`expect_secret`](Self::expect_secret) just before the app asks the provider to
/// create the webhook, once per announcement, within [`HANDOVER_WINDOW`]. The handover is
/// unsigned, so make each such tenant's path segment unguessable (a random token the app
/// keeps beside the webhook): a stranger who cannot name the route cannot race the
/// provider to it. A handover accepted for an announced tenant replaces its keys, so an
/// app whose webhook creation failed announces again and creates it again.
///
/// ```
/// use hookshield_core::{presets, KeyMap, KeySet, RequestContext, Verifier, Signer, Secret, SignOptions};
///
/// let scheme = presets::github().build()?;
/// let tenants = KeyMap::by_path_segment(1); // /hooks/<tenant>
/// tenants.insert(KeySet::builder().tenant("acme").encoded_secret("acme-secret").build(&scheme)?);
/// tenants.insert(KeySet::builder().tenant("umbrella").encoded_secret("umbrella-secret").build(&scheme)?);
/// let verifier = Verifier::builder(presets::github()).key_resolver(tenants).build()?;
///
/// let body = br#"{"zen":"Keep it logically awesome."}"#;
/// let headers = Signer::new(presets::github(), Secret::from_text("acme-secret")?)?
///     .sign(body, &SignOptions::new().id("d-1"))?;
/// let acme = RequestContext::new("POST", "/hooks/acme");
/// assert_eq!(verifier.verify_request(&acme, &headers, body).unwrap().tenant(), Some("acme"));
/// // acme's signature does not verify on umbrella's route, nor on an unknown one.
/// for other in ["/hooks/umbrella", "/hooks/nobody"] {
///     let err = verifier.verify_request(&RequestContext::new("POST", other), &headers, body).unwrap_err();
///     assert_eq!(err.code(), "signature_mismatch");
/// }
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct KeyMap {
    from: TenantFrom,
    inner: Arc<RwLock<Tenants>>,
}

#[derive(Default)]
struct Tenants {
    keys: HashMap<Arc<str>, Arc<KeySet>>,
    /// Tenants whose secret is about to be handed over, and since when.
    expected: HashMap<Box<str>, Instant>,
}

/// How long an announced handover stays open ([`KeyMap::expect_secret`]).
pub const HANDOVER_WINDOW: Duration = Duration::from_secs(300);

impl KeyMap {
    /// Tenants named by path segment `index` (`/hooks/<tenant>`: index 1).
    pub fn by_path_segment(index: usize) -> Self {
        Self::new(TenantFrom::PathSegment(index))
    }

    /// Tenants named by a header (one the provider lets each customer set, or one a proxy
    /// in front adds).
    pub fn by_header(name: &str) -> Self {
        Self::new(TenantFrom::Header(name.into()))
    }

    /// Keys named by the signature's key id (Plaid's `kid`): add each key set with
    /// [`insert_as`](Self::insert_as) under its key id (its tenant, if any, still names
    /// its replay namespace; a provider's rotating keys want none, so that a retry signed
    /// with the next key is still recognised).
    pub fn by_key_id() -> Self {
        Self::new(TenantFrom::KeyId)
    }

    fn new(from: TenantFrom) -> Self {
        Self {
            from,
            inner: Arc::default(),
        }
    }

    /// The tenant `query` names.
    pub fn tenant_of<'q>(&'q self, query: &'q KeyQuery<'q>) -> Option<&'q str> {
        match &self.from {
            TenantFrom::PathSegment(index) => query.path_segment(*index),
            TenantFrom::Header(name) => query.header(name),
            TenantFrom::KeyId => query.key_id(),
        }
    }

    /// Adds (or replaces) the keys of their tenant. Key sets without a tenant are ignored.
    pub fn insert(&self, keys: Arc<KeySet>) {
        if let Some(tenant) = keys.tenant.clone()
            && let Ok(mut tenants) = self.inner.write()
        {
            tenants.keys.insert(tenant, keys);
        }
    }

    /// Adds (or replaces) `keys` under `name` (a key id, a tenant), whatever their tenant.
    pub fn insert_as(&self, name: &str, keys: Arc<KeySet>) {
        if let Ok(mut tenants) = self.inner.write() {
            tenants.keys.insert(name.into(), keys);
        }
    }

    /// Removes a tenant's keys; `true` when it had some.
    pub fn remove(&self, tenant: &str) -> bool {
        self.inner
            .write()
            .is_ok_and(|mut tenants| tenants.keys.remove(tenant).is_some())
    }

    /// The keys of `tenant`.
    pub fn get(&self, tenant: &str) -> Option<Arc<KeySet>> {
        self.inner.read().ok()?.keys.get(tenant).cloned()
    }

    /// Announces that the provider is about to hand over `tenant`'s secret in a handshake
    /// (call it just before asking Asana to create the webhook). The next handshake for
    /// `tenant` within [`HANDOVER_WINDOW`] is accepted, once, and its secret replaces any
    /// keys the tenant had.
    pub fn expect_secret(&self, tenant: &str) -> Result<(), ConfigError> {
        check_tenant(tenant)?;
        if let Ok(mut tenants) = self.inner.write() {
            tenants
                .expected
                .retain(|_, since| since.elapsed() < HANDOVER_WINDOW);
            tenants.expected.insert(tenant.into(), Instant::now());
        }
        Ok(())
    }
}

impl KeyResolver for KeyMap {
    fn resolve(&self, query: &KeyQuery<'_>) -> Result<Arc<KeySet>, KeyError> {
        let tenant = self.tenant_of(query).ok_or(KeyError::Unknown)?;
        self.get(tenant).ok_or(KeyError::Unknown)
    }
}

impl SecretLearner for KeyMap {
    fn learn(&self, query: &KeyQuery<'_>, secret: Secret, scheme: &Scheme) -> bool {
        let Some(tenant) = self.tenant_of(query) else {
            return false;
        };
        let Ok(keys) = KeySet::builder()
            .tenant(tenant)
            .secret(secret)
            .build(scheme)
        else {
            return false;
        };
        let Ok(mut tenants) = self.inner.write() else {
            return false;
        };
        let announced = tenants
            .expected
            .remove(tenant)
            .is_some_and(|since| since.elapsed() < HANDOVER_WINDOW);
        if announced {
            tenants.keys.insert(tenant.into(), keys);
        }
        announced
    }
}

impl fmt::Debug for KeyMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenants = self.inner.read().map(|t| t.keys.len()).unwrap_or_default();
        f.debug_struct("KeyMap")
            .field("tenant_from", &self.from)
            .field("tenants", &tenants)
            .finish()
    }
}
