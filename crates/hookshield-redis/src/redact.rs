//! Redis URLs as `Debug` shows them, and as anything that names a Redis URL should:
//! without credentials.

/// What stands in for a hidden part of a URL, or for a whole URL that does not parse.
pub(crate) const REDACTED: &str = "REDACTED";

/// Query parameters whose values are never secret: the database and the protocol.
const PLAIN_PARAMETERS: [&str; 2] = ["db", "protocol"];

/// `url` with its credentials hidden: the username and password become one `REDACTED`
/// (`redis://REDACTED@host:6379/0`), the value of every query parameter but `db` and
/// `protocol` becomes `REDACTED` (a Unix socket's `user` and `pass`), and a fragment other
/// than `#insecure` becomes `#REDACTED`. A URL without credentials shows as it parses; one
/// that does not parse as a Redis URL shows as `REDACTED` alone.
pub fn redact_url(url: &str) -> String {
    let Some(mut parsed) = redis::parse_redis_url(url) else {
        return REDACTED.to_owned();
    };
    if (!parsed.username().is_empty() || parsed.password().is_some())
        && (parsed.set_password(None).is_err() || parsed.set_username(REDACTED).is_err())
    {
        return REDACTED.to_owned();
    }
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let value = if PLAIN_PARAMETERS.contains(&name.as_ref()) {
                    value.into_owned()
                } else {
                    REDACTED.to_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    if parsed
        .fragment()
        .is_some_and(|fragment| fragment != "insecure")
    {
        parsed.set_fragment(Some(REDACTED));
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn credentials_are_hidden() {
        for (url, shown) in [
            (
                "redis://user:pass@host:6379/0",
                "redis://REDACTED@host:6379/0",
            ),
            ("redis://:pass@host:6379/0", "redis://REDACTED@host:6379/0"),
            ("redis://user@host:6379/0", "redis://REDACTED@host:6379/0"),
            ("rediss://user:p%40ss@host/1", "rediss://REDACTED@host/1"),
            (
                "rediss://user:pass@host:6380/0#insecure",
                "rediss://REDACTED@host:6380/0#insecure",
            ),
            (
                "redis://host:6379/0?protocol=resp3&pass=secret",
                "redis://host:6379/0?protocol=resp3&pass=REDACTED",
            ),
            (
                "redis+unix:///run/redis.sock?db=2&user=u&pass=p",
                "redis+unix:///run/redis.sock?db=2&user=REDACTED&pass=REDACTED",
            ),
            ("redis://host:6379/0#secret", "redis://host:6379/0#REDACTED"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }

    #[test]
    fn a_url_without_credentials_is_shown_as_is() {
        for url in [
            "redis://127.0.0.1:6379/0",
            "redis://cache.internal",
            "rediss://[::1]:6380/3",
            "redis+unix:///run/redis.sock?db=1",
            "unix:///run/redis.sock",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    #[test]
    fn a_url_that_does_not_parse_is_hidden_whole() {
        for url in [
            "",
            "user:pass@host:6379",
            "http://user:pass@host",
            "redis://user:pass@[::1:6379",
            "redis://user:pass@host:port/0",
        ] {
            assert_eq!(redact_url(url), "REDACTED", "{url}");
        }
    }
}
