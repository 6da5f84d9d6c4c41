//! Receive webhooks safely.
//!
//! `hookshield` checks HMAC signatures in constant time on the raw bytes, refuses stale
//! timestamps and identifies each event so it is handled once. This facade re-exports
//! [`hookshield_core`]; the tower, axum and actix-web adapters and the Redis replay store
//! become features of it.
//!
//! ```
//! use hookshield::{presets, Secret, SignOptions, Signer, Verifier};
//!
//! let secret = Secret::from_text("It's a Secret to Everybody")?;
//! let verifier = Verifier::builder(presets::github()).secret(secret.clone()).build()?;
//! let headers = Signer::new(presets::github(), secret)?.sign(b"Hello, World!", &SignOptions::new())?;
//! assert!(verifier.verify(&headers, b"Hello, World!").is_ok());
//! # Ok::<(), hookshield::ConfigError>(())
//! ```

#[doc(inline)]
pub use hookshield_core::*;
