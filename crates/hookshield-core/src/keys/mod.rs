//! Keys beside shared secrets: public keys to verify with, private keys to sign with, and
//! keys chosen per request (many tenants on one route, keys by id).

#[cfg(feature = "receiver")]
pub(crate) mod cached;
pub(crate) mod key_set;
pub(crate) mod private_key;
pub(crate) mod public_key;
pub(crate) mod resolver;
