//! Where a layer-less extractor finds its verifier: [`StateVerifier`], taken from the
//! router's state with [`FromRef`].

use axum::extract::FromRef;
use hookshield_core::Verifier;

/// The [`Verifier`] the extractors use when no
/// [`WebhookLayer`](hookshield_tower::WebhookLayer) verified the request, taken from the
/// router's state with [`FromRef`]. Empty means "only behind the layer".
///
/// It comes for free from a state that *is* a `Verifier` (`.with_state(verifier)`) or `()`
/// (no state: layer only). An app state holds one as a field and derives `FromRef`:
///
/// ```
/// use axum::extract::FromRef;
/// use hookshield_axum::StateVerifier;
/// use hookshield_core::{presets, Verifier};
///
/// #[derive(Clone, FromRef)]
/// struct AppState {
///     db: String,
///     webhooks: StateVerifier,
/// }
///
/// let verifier = Verifier::builder(presets::github()).encoded_secret("s3cret").build()?;
/// let state = AppState { db: "postgres://…".into(), webhooks: verifier.into() };
/// // Behind the layer only:
/// let layered = AppState { db: "postgres://…".into(), webhooks: StateVerifier::none() };
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct StateVerifier(Option<Verifier>);

impl StateVerifier {
    /// No verifier: the extractors work only behind the layer.
    pub fn none() -> Self {
        Self(None)
    }

    /// The verifier, if any.
    pub fn get(&self) -> Option<&Verifier> {
        self.0.as_ref()
    }
}

impl From<Verifier> for StateVerifier {
    fn from(verifier: Verifier) -> Self {
        Self(Some(verifier))
    }
}

impl FromRef<Verifier> for StateVerifier {
    fn from_ref(verifier: &Verifier) -> Self {
        Self(Some(verifier.clone()))
    }
}

impl FromRef<()> for StateVerifier {
    fn from_ref((): &()) -> Self {
        Self(None)
    }
}
