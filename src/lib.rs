#![doc = include_str!("../README.md")]
#![doc = "\n## Metrics\n\nFeature `metrics` (not on by default): every adapter counts \
    requests by outcome (`hookshield_requests_total`), times verification and handlers \
    (`hookshield_verify_seconds`, `hookshield_handler_seconds`) and gauges the events in \
    flight (`hookshield_in_flight`) through the [`metrics`](https://docs.rs/metrics) facade \
    crate: install any recorder. The names, labels and an example are in \
    `hookshield::metrics`; the `route` label is set with `Receiver::with_metrics_route`."]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(inline)]
pub use hookshield_core::*;

/// The tower layer: [`WebhookLayer`](hookshield_tower::WebhookLayer) and its service.
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower {
    #[doc(inline)]
    pub use hookshield_tower::*;
}

/// The axum extractors, [`VerifiedWebhook`](hookshield_axum::VerifiedWebhook) and
/// [`VerifiedJson`](hookshield_axum::VerifiedJson), and [`Server`](hookshield_axum::Server),
/// which serves a router with deadlines on every read (`axum::serve` has none).
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum {
    #[doc(inline)]
    pub use hookshield_axum::*;
}

/// The actix-web middleware and extractors:
/// [`WebhookMiddleware`](hookshield_actix::WebhookMiddleware),
/// [`VerifiedWebhook`](hookshield_actix::VerifiedWebhook),
/// [`VerifiedJson`](hookshield_actix::VerifiedJson).
#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix {
    #[doc(inline)]
    pub use hookshield_actix::*;
}

/// The Redis replay store: [`RedisStore`](hookshield_redis::RedisStore).
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis {
    #[doc(inline)]
    pub use hookshield_redis::*;
}

/// The PostgreSQL replay store and transactional inbox:
/// [`PgStore`](hookshield_postgres::PgStore), [`Inbox`](hookshield_postgres::Inbox).
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod postgres {
    #[doc(inline)]
    pub use hookshield_postgres::*;
}
