//! Framework-agnostic webhook verification: did this provider really send these exact
//! bytes, recently, and which event is it?
//!
//! The core of [hookshield](https://github.com/hookshield/hookshield). It knows no web
//! framework: headers are read through [`HeaderLookup`] (implemented for `http::HeaderMap`
//! with the `http` feature, and for slices of `(name, value)` pairs), bodies are `&[u8]`.
//!
//! - [`Secret`]: key bytes that zeroize on drop and never print.
//! - [`Scheme`] / [`SchemeBuilder`]: a provider's signing scheme, composed from an
//!   [`Algorithm`], a signed-content template, an [`Encoding`], a header layout, and where
//!   the event id and timestamp come from. [`presets`] has thirty-two: Civo, HCP, GitHub,
//!   Stripe, Slack, Shopify, Standard Webhooks/Svix, Paddle, Linear, PagerDuty, Calendly,
//!   Intercom, Bitbucket, GitLab, Vercel, Sentry, Typeform, Clerk, Resend, Twilio, Square,
//!   HubSpot, Meta, Dropbox, Okta, Zoom, Twitch, Discord, SendGrid, Asana, Plaid and
//!   shared tokens ([`presets::ALL`] lists them with their aliases).
//! - [`PublicKey`] / [`PrivateKey`]: Ed25519 and ECDSA P-256 keys, for providers that sign
//!   with a private key (Discord, SendGrid, Standard Webhooks `v1a`, Plaid's ES256 tokens).
//! - [`KeySet`], [`KeyResolver`], [`KeyMap`] and [`CachedKeys`]: keys chosen per request
//!   (many tenants on one route, keys by id, keys fetched from elsewhere with a cache and a
//!   deadline), each tenant's event ids remembered apart.
//! - [`RequestContext`] and [`PublicUrl`]: the method, path and query of a request and the
//!   public URL it was sent to, for schemes that sign them (Twilio, Square, HubSpot:
//!   [`Verifier::verify_request`]) and for `GET` challenges.
//! - [`Handshake`] and [`Challenge`]: a provider's endpoint check (an unsigned `GET`
//!   challenge, or a signed request), answered before the handler and never remembered.
//! - [`Verifier`]: one scheme, one or more active secrets (rotation), a [`TimestampWindow`]
//!   and a [`Clock`]; answers [`Verified`] or a [`VerifyError`] whose [`ErrorKind`] maps to
//!   an HTTP status and error code.
//! - [`Signer`]: the headers a provider would send, for tests and senders.
//! - [`Receiver`]: the whole receiving pipeline the adapters share: body limit, body
//!   deadline ([`DEFAULT_BODY_TIMEOUT`]) and [`BodyBudget`], verifier, handshakes, replay
//!   guard.
//! - [`replay`]: the replay guard over a [`ReplayStore`](replay::ReplayStore), with the
//!   in-memory [`MemoryStore`](replay::MemoryStore): each event reaches the handler once.
//! - [`Rejection`]: how an adapter answers a request it refuses (status, stable code, body,
//!   `Retry-After`); every refusal also emits a `tracing` event, target
//!   [`REJECTION_TARGET`] (`hookshield::rejection`), with fields `scheme`, `code`, `status`
//!   and `reason`, and never a secret, signature or body byte.
//!
//! The source is laid out as the pipeline runs: `request/` (method, URL, query and form),
//! `scheme/` (what a provider sends, its handshakes),
//! `presets/` (one file per provider, with its published vectors), `verify/` (signature,
//! timestamp window, body fields), `replay/` (the guard and its stores), `receiver/` (the
//! pipeline the adapters share), `sign.rs`, and `error/`.
//!
//! # Features
//!
//! - `receiver` (default): [`Receiver`], [`replay`] and the in-memory
//!   [`MemoryStore`](replay::MemoryStore); pulls in tokio, hashbrown, bytes and moka (for
//!   the key cache). Without it, [`Verifier`] and [`Signer`] need none of them.
//! - `moka`: `replay::MokaStore`, the replay store on a moka cache.
//! - `http`: [`HeaderLookup`] for `http::HeaderMap` (http 1.x).
//! - `conformance`: `replay::conformance`, the checks every replay store must pass, and the
//!   `replay_store_conformance!` test macro.
//! - `metrics` (implies `receiver`): the [`Receiver`] counts requests by outcome, times
//!   verification and handlers, and gauges the events in flight, through the `metrics`
//!   facade crate; the `metrics` module lists the names and labels.
//!
//! ```
//! use hookshield_core::{presets, ErrorKind, Secret, SignOptions, Signer, Verifier};
//! use time::{Duration, OffsetDateTime};
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let verifier = Verifier::builder(presets::standard_webhooks()).encoded_secret(secret).build()?;
//!
//! // What the provider sends (here produced by the signer).
//! let key = verifier.scheme().parse_secret(secret)?;
//! let body = br#"{"type":"invoice.paid"}"#;
//! let now = OffsetDateTime::now_utc();
//! let headers = Signer::new(presets::standard_webhooks(), key)?
//!     .sign(body, &SignOptions::new().id("msg_1").timestamp(now))?;
//!
//! let verified = verifier.verify(&headers, body).expect("valid");
//! assert_eq!(verified.event_id(), "msg_1");
//!
//! // A replay ten minutes later is refused.
//! let err = verifier.verify_at(&headers, body, now + Duration::minutes(10)).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::TimestampOutOfWindow);
//! assert_eq!(err.status(), 401);
//! # Ok::<(), hookshield_core::ConfigError>(())
//! ```
//!
//! # Signed-content templates
//!
//! [`SchemeBuilder::signed_content`] takes a template: `{body}` (the raw body, exactly
//! once), `{t}` or `{timestamp}` (the timestamp exactly as received), `{id}` (the event id
//! exactly as received); anything else is literal, with `{{` and `}}` for braces. The MAC
//! is fed part by part: the body is never copied.
//!
//! # Body fields and timestamps
//!
//! An id or timestamp read from the JSON body ([`SchemeBuilder::id_field`],
//! [`SchemeBuilder::timestamp_field`]) is named by its path of keys joined with dots:
//! `event_id`, or PagerDuty's `event.id`. Only after the signature matched is the body
//! read, in one pass that enters only the objects on the paths and stops once the fields
//! are found. Timestamps are Unix seconds, Unix milliseconds or RFC 3339 date-times
//! ([`TimestampUnit`]). A request without an event id is identified by a SHA-256 digest of
//! its signed content, or of its body alone for providers that sign each retry afresh
//! ([`IdDigest`]).
//!
//! # Hostile input
//!
//! No input panics. Headers hookshield reads must appear once ([`headers`] explains why);
//! values over 8 KiB, more than [`MAX_SIGNATURES`] signatures (a listed signature that
//! does not decode is skipped; a header where none decodes is malformed), timestamps that
//! are not plain unsigned integers or RFC 3339 date-times as the scheme says, ids over
//! [`MAX_ID_LEN`] bytes or with control characters are refused with typed errors. Bodies
//! need not be UTF-8.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
pub mod headers;
mod keys;
#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub mod metrics;
pub mod presets;
#[cfg(feature = "receiver")]
#[cfg_attr(docsrs, doc(cfg(feature = "receiver")))]
mod receiver;
#[cfg(feature = "receiver")]
#[cfg_attr(docsrs, doc(cfg(feature = "receiver")))]
pub mod replay;
mod request;
mod scheme;
mod secret;
mod sign;
mod verify;

pub use error::{ConfigError, ErrorKind, REJECTION_TARGET, Reason, Rejection, VerifyError};
pub use headers::HeaderLookup;
#[cfg(feature = "receiver")]
pub use keys::cached::{CachedKeys, CachedKeysBuilder, FetchError, KeyFetcher};
pub use keys::key_set::{KeySet, KeySetBuilder, MAX_TENANT_LEN};
pub use keys::private_key::{PrivateKey, WHSK_PREFIX};
pub use keys::public_key::{PublicKey, WHPK_PREFIX};
pub use keys::resolver::{
    HANDOVER_WINDOW, KeyError, KeyFetch, KeyMap, KeyQuery, KeyResolver, SecretLearner,
};
#[cfg(feature = "receiver")]
pub use receiver::{
    BodyBudget, BodyHold, BodyJoin, DEFAULT_BODY_BUDGET, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT,
    DEFAULT_RETRY_AFTER, DUPLICATE_BODY, Receiver, Step, read_within, verify_standalone,
};
pub use request::{PublicUrl, RequestContext};
pub use scheme::Scheme;
pub use scheme::algorithm::Algorithm;
pub use scheme::builder::SchemeBuilder;
pub use scheme::encoding::Encoding;
pub use scheme::handshake::{Challenge, HANDSHAKE_HEADERS, Handshake, HandshakeReply};
pub use scheme::signature_header::MAX_SIGNATURES;
pub use scheme::value_source::{IdDigest, ValueSource};
pub use secret::{Secret, SecretFormat};
pub use sign::{SignOptions, SignedHeaders, Signer};
pub use verify::clock::{Clock, FixedClock, SystemClock};
pub use verify::verified::{IdOrigin, Verified};
pub use verify::verifier::{
    MAX_ID_LEN, MAX_PUBLIC_CANDIDATES, MAX_SECRETS, Verifier, VerifierBuilder,
};
pub use verify::window::{TimestampUnit, TimestampWindow};
