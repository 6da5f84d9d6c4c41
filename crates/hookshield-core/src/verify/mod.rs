//! Verifying a request: the [`Verifier`](crate::Verifier) checks the signature against every
//! active secret in constant time, reads the event id and timestamp (from headers or the
//! JSON body), checks the timestamp against the [`TimestampWindow`](crate::TimestampWindow)
//! with a [`Clock`](crate::Clock), and answers [`Verified`](crate::Verified).

pub(crate) mod body_fields;
pub(crate) mod clock;
pub(crate) mod request_inputs;
pub(crate) mod short_text;
pub(crate) mod signature_bytes;
pub(crate) mod signed_token;
pub(crate) mod verified;
pub(crate) mod verifier;
pub(crate) mod window;
