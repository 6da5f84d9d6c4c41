//! What the peer benchmarks share: the signed requests, and `webhook-verify`'s set-up.

use std::sync::Arc;

use hookshield_core::{SchemeBuilder, Secret, SignOptions, Signer, Verifier};
use time::OffsetDateTime;
use webhook_verify::{Clock, CustomScheme, Encoding, HashAlg, VerifyOptions};

pub(crate) const FIXED_NOW: i64 = 1_700_000_000;
pub(crate) const ID: &str = "msg_2Lb3Jd4wNfD9uRkq0F6pXyZtHc";
pub(crate) const TEXT_SECRET: &str = "whsec_bench_secret_0123456789abcdef";
pub(crate) const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// `webhook-verify`'s clock, fixed at the signing time.
pub(crate) struct FixedClock(u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

pub(crate) fn wv_options(now: OffsetDateTime) -> VerifyOptions {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(now.unix_timestamp().try_into().unwrap()));
    VerifyOptions::default().with_clock(Some(clock))
}

pub(crate) struct Signed {
    pub(crate) verifier: Verifier,
    pub(crate) key: Secret,
    pub(crate) headers: Vec<(String, String)>,
}

pub(crate) fn sign(
    scheme: fn() -> SchemeBuilder,
    secret: &str,
    body: &[u8],
    now: OffsetDateTime,
) -> Signed {
    let verifier = Verifier::builder(scheme())
        .encoded_secret(secret)
        .build()
        .unwrap();
    let key = verifier.scheme().parse_secret(secret).unwrap();
    let headers = Signer::new(scheme(), key.clone())
        .unwrap()
        .sign(body, &SignOptions::new().timestamp(now).id(ID))
        .unwrap()
        .into_vec();
    verifier.verify_at(&headers, body, now).unwrap();
    Signed {
        verifier,
        key,
        headers,
    }
}

/// Civo and HCP (hex HMAC of the body in one header) as `webhook-verify` can express them: a
/// `Provider::Custom` (its `signed_string` returns an owned copy of the signed bytes).
pub(crate) fn custom(hash: HashAlg, signature_header: &'static str) -> CustomScheme {
    CustomScheme {
        hash,
        signature_header,
        timestamp_header: None,
        encoding: Encoding::Hex,
        prefix: None,
        signed_string: |_, body| body.to_vec(),
    }
}
