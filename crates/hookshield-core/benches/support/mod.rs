//! What the verify benchmarks share (`benches/verify.rs` here and the peer benchmark in
//! `crates/hookshield-bench-peers`, which includes this file by path): the body sizes, the
//! bodies, and the bare-HMAC floor every figure is divided by.

use std::hint::black_box;

use hmac::{KeyInit, Mac};

/// The body sizes every figure is measured at.
pub(crate) const SIZES: [usize; 4] = [256, 1024, 16 * 1024, 1024 * 1024];

/// A JSON body of exactly `size` bytes with `id` in `id_field` as its first member, as
/// providers send it (Stripe's `id`, HCP's `event_id`). A dotted field nests the id in
/// objects, each the first member of its parent (PagerDuty's `event.id`).
pub(crate) fn body(size: usize, id_field: &str, id: &str) -> Vec<u8> {
    let keys: Vec<&str> = id_field.split('.').collect();
    let open: String = keys.iter().map(|k| format!("{{\"{k}\":")).collect();
    let close = "}".repeat(keys.len().saturating_sub(1));
    let head = format!("{open}\"{id}\"{close},\"data\":\"");
    let tail = "\"}";
    let fill = size.saturating_sub(head.len().saturating_add(tail.len()));
    let mut body = head.into_bytes();
    body.extend(std::iter::repeat_n(b'x', fill));
    body.extend_from_slice(tail.as_bytes());
    body
}

/// The floor: what a hand-written receiver does at the least — key an HMAC from the
/// secret, feed it the signed bytes, finalize.
pub(crate) fn floor<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> impl Fn() + use<M> {
    let key = key.to_vec();
    let parts: Vec<Vec<u8>> = parts.iter().map(|p| p.to_vec()).collect();
    move || {
        let mut mac = <M as KeyInit>::new_from_slice(&key).unwrap();
        for part in &parts {
            mac.update(part);
        }
        black_box(mac.finalize().into_bytes());
    }
}
