//! The scheme the load servers verify: GitHub's preset, or, with `LOAD_SIGNED_ID=1`, the
//! same headers with the delivery id signed (`{id}.{body}`), so that the replay guard
//! keys each event by its id alone and computes no content digest.

use hookshield::{SchemeBuilder, presets};

/// GitHub's preset, or its signed-id variant when `LOAD_SIGNED_ID=1`.
pub(crate) fn load_scheme() -> SchemeBuilder {
    let signed_id = std::env::var("LOAD_SIGNED_ID").is_ok_and(|value| value == "1");
    if signed_id {
        presets::github().signed_content("{id}.{body}")
    } else {
        presets::github()
    }
}
