#![doc = include_str!("../README.md")]

#[doc(inline)]
pub use hookshield_core::*;

/// The tower layer: [`WebhookLayer`](hookshield_tower::WebhookLayer) and its service.
#[cfg(feature = "tower")]
pub mod tower {
    #[doc(inline)]
    pub use hookshield_tower::*;
}

/// The axum extractors, [`VerifiedWebhook`](hookshield_axum::VerifiedWebhook) and
/// [`VerifiedJson`](hookshield_axum::VerifiedJson).
#[cfg(feature = "axum")]
pub mod axum {
    #[doc(inline)]
    pub use hookshield_axum::*;
}
