//! The Redis the tests use: `HOOKSHIELD_REDIS_URL`, as `scripts/redis.sh start` prints it.
#![allow(dead_code, clippy::panic)]

/// The URL of the test Redis, or `None` (with a note) when none is configured. Under
/// `HOOKSHIELD_REQUIRE_REDIS=1` (set by `scripts/test.sh`, so by CI) a missing Redis
/// fails the test instead.
pub(crate) fn redis_url() -> Option<String> {
    match std::env::var("HOOKSHIELD_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("HOOKSHIELD_REQUIRE_REDIS").is_ok_and(|v| v == "1") => {
            panic!("HOOKSHIELD_REDIS_URL is not set: run the tests through scripts/test.sh")
        }
        _ => {
            eprintln!(
                "skipped: no Redis (run `eval \"$(scripts/redis.sh start)\"` or scripts/test.sh)"
            );
            None
        }
    }
}
