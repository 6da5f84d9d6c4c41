//! HMAC-SHA256 with the RustCrypto crates directly, so the Zoom case computes its expected
//! `encryptedToken` without hookshield's code.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const_hex::encode(bytes)
}
