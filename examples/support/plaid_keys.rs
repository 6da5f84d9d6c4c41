//! Plaid's webhook verification keys, fetched by key id (`kid`) from
//! `/webhook_verification_key/get` and cached by hookshield's `CachedKeys`; and a stub of
//! that endpoint, so the example and the tests run without Plaid.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use hookshield::{FetchError, KeyFetcher, KeyQuery, KeySet, PublicKey, Scheme};
use serde::Deserialize;

/// The longest a key request may take (hookshield's own deadline applies as well).
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Fetches Plaid's keys: `POST {base}/webhook_verification_key/get` with the app's
/// client id and secret and the token's `kid`.
pub(crate) struct PlaidKeys {
    client: reqwest::Client,
    base: String,
    client_id: String,
    api_secret: String,
    scheme: Scheme,
}

#[derive(Deserialize)]
struct KeyResponse {
    key: Jwk,
}

#[derive(Deserialize)]
struct Jwk {
    alg: String,
    crv: String,
    x: String,
    y: String,
    expired_at: Option<i64>,
}

impl PlaidKeys {
    /// `base`: `https://production.plaid.com` (or the sandbox), or a stub's URL.
    pub(crate) fn new(
        base: &str,
        client_id: &str,
        api_secret: &str,
    ) -> Result<Self, Box<dyn Error>> {
        Ok(Self {
            client: reqwest::Client::builder()
                .timeout(FETCH_TIMEOUT)
                // The API secret goes in the body: never follow a redirect with it.
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            api_secret: api_secret.to_owned(),
            scheme: hookshield::presets::plaid().build()?,
        })
    }
}

impl KeyFetcher for PlaidKeys {
    fn cache_key(&self, query: &KeyQuery<'_>) -> Option<String> {
        query.key_id().map(str::to_owned)
    }

    async fn fetch(&self, kid: &str) -> Result<Option<Arc<KeySet>>, FetchError> {
        let request = serde_json::json!({
            "client_id": self.client_id,
            "secret": self.api_secret,
            "key_id": kid,
        });
        let response = self
            .client
            .post(format!("{}/webhook_verification_key/get", self.base))
            .header("content-type", "application/json")
            .body(request.to_string())
            .send()
            .await?;
        match response.status().as_u16() {
            // Plaid answers 400 (INVALID_WEBHOOK_VERIFICATION_KEY_ID) for an unknown kid.
            400 | 404 => return Ok(None),
            200 => {}
            status => return Err(format!("key endpoint answered {status}").into()),
        }
        let body: KeyResponse = serde_json::from_slice(&response.bytes().await?)?;
        let jwk = body.key;
        if jwk.alg != "ES256" || jwk.crv != "P-256" {
            return Ok(None);
        }
        // A key Plaid has rotated out no longer verifies anything.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if jwk.expired_at.is_some_and(|at| at <= now) {
            return Ok(None);
        }
        // No tenant: a retry signed with Plaid's next key is still the same event.
        let keys = KeySet::builder()
            .public_key(PublicKey::p256_jwk(&jwk.x, &jwk.y)?)
            .build(&self.scheme)?;
        Ok(Some(keys))
    }
}

/// A stub of Plaid's key endpoint: answers the JWK of each key id it was given, after
/// `delay`; `up` false answers 503.
pub(crate) mod stub {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use axum::Router;
    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::routing::post;

    /// What the stub serves, changeable while it runs.
    #[derive(Clone, Default)]
    pub(crate) struct KeyServer {
        keys: Arc<Mutex<HashMap<String, (String, String)>>>,
        down: Arc<AtomicBool>,
        delay_ms: Arc<AtomicU64>,
        /// How many key requests reached the stub.
        pub(crate) hits: Arc<AtomicUsize>,
    }

    impl KeyServer {
        /// Serves the P-256 `key` as `kid`.
        pub(crate) fn add(&self, kid: &str, key: &hookshield::PublicKey) {
            if let Some(xy) = key.jwk_coordinates() {
                self.keys
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(kid.to_owned(), xy);
            }
        }

        pub(crate) fn set_down(&self, down: bool) {
            self.down.store(down, Ordering::SeqCst);
        }

        #[allow(
            dead_code,
            reason = "the key-server tests slow it down; the example does not"
        )]
        pub(crate) fn set_delay(&self, delay: Duration) {
            self.delay_ms.store(
                u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                Ordering::SeqCst,
            );
        }

        pub(crate) fn router(&self) -> Router {
            Router::new()
                .route("/webhook_verification_key/get", post(answer))
                .with_state(self.clone())
        }
    }

    async fn answer(
        State(server): State<KeyServer>,
        body: axum::body::Bytes,
    ) -> (StatusCode, String) {
        server.hits.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(
            server.delay_ms.load(Ordering::SeqCst),
        ))
        .await;
        if server.down.load(Ordering::SeqCst) {
            return (StatusCode::SERVICE_UNAVAILABLE, String::new());
        }
        let kid = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("key_id")?.as_str().map(str::to_owned))
            .unwrap_or_default();
        let found = server
            .keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&kid)
            .cloned();
        match found {
            Some((x, y)) => (
                StatusCode::OK,
                serde_json::json!({
                    "key": { "alg": "ES256", "crv": "P-256", "kid": kid, "kty": "EC", "use": "sig",
                             "x": x, "y": y, "created_at": 1_560_466_143, "expired_at": null },
                    "request_id": "stub"
                })
                .to_string(),
            ),
            None => (
                StatusCode::BAD_REQUEST,
                r#"{"error_code":"INVALID_WEBHOOK_VERIFICATION_KEY_ID"}"#.to_owned(),
            ),
        }
    }
}
