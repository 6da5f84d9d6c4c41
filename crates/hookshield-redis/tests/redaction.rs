//! Credentials in the Redis URL never show: not in `{:?}` / `{:#?}` of the builder or the
//! store, not in the Display or Debug of the errors they answer (a malformed URL, a server
//! that cannot be reached, a server that refuses the credentials).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::time::Duration;

use hookshield_core::replay::{ReplayKey, ReplayStore, StoreError};
use hookshield_redis::RedisStore;

/// A username and a password no other text in the output can contain by chance.
const USER: &str = "hsuser7f3a";
const PASSWORD: &str = "hspass9c1d";

/// Panics when `text` shows the username or the password, in clear or percent-encoded.
#[track_caller]
fn assert_no_credentials(what: &str, text: &str) {
    for secret in [USER, PASSWORD, "hs%70ass", "hs%75ser"] {
        assert!(
            !text
                .to_ascii_lowercase()
                .contains(&secret.to_ascii_lowercase()),
            "{what} shows {secret:?}: {text}"
        );
    }
}

/// The builder's and the store's `{:?}` and `{:#?}` for `url`; answers the builder's.
async fn debug_of(url: &str) -> String {
    let builder = RedisStore::builder(url).key_prefix("redaction");
    let shown = format!("{builder:?}");
    assert_no_credentials("the builder's {:?}", &shown);
    assert_no_credentials("the builder's {:#?}", &format!("{builder:#?}"));
    match builder.build() {
        Ok(store) => {
            assert_no_credentials("the store's {:?}", &format!("{store:?}"));
            assert_no_credentials("the store's {:#?}", &format!("{store:#?}"));
        }
        Err(error) => assert_error_hides_credentials("build", &error),
    }
    shown
}

#[track_caller]
fn assert_error_hides_credentials(what: &str, error: &StoreError) {
    assert_no_credentials(&format!("{what}: the error's Display"), &error.to_string());
    assert_no_credentials(
        &format!("{what}: the error's {{:?}}"),
        &format!("{error:?}"),
    );
    assert_no_credentials(
        &format!("{what}: the error's {{:#?}}"),
        &format!("{error:#?}"),
    );
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        assert_no_credentials(&format!("{what}: a cause's Display"), &cause.to_string());
        source = cause.source();
    }
}

#[tokio::test]
async fn debug_redacts_username_and_password() {
    let shown = debug_of(&format!("redis://{USER}:{PASSWORD}@127.0.0.1:6379/0")).await;
    assert!(
        shown.contains(r#"url: "redis://REDACTED@127.0.0.1:6379/0""#),
        "{shown}"
    );
    // A password alone, a username alone: both hidden the same way.
    let shown = debug_of(&format!("redis://:{PASSWORD}@127.0.0.1:6379/0")).await;
    assert!(
        shown.contains("redis://REDACTED@127.0.0.1:6379/0"),
        "{shown}"
    );
    let shown = debug_of(&format!("redis://{USER}@cache.internal:6380/2")).await;
    assert!(
        shown.contains("redis://REDACTED@cache.internal:6380/2"),
        "{shown}"
    );
    // Percent-encoded credentials.
    let shown = debug_of("redis://hs%75ser7f3a:hs%70ass9c1d@[::1]:6379").await;
    assert!(shown.contains("redis://REDACTED@[::1]:6379"), "{shown}");
}

#[tokio::test]
async fn debug_redacts_credentials_in_query_parameters() {
    // A Unix socket takes its credentials as `user` and `pass` parameters.
    let shown = debug_of(&format!(
        "redis+unix:///run/redis.sock?db=3&user={USER}&pass={PASSWORD}"
    ))
    .await;
    assert!(
        shown.contains("redis+unix:///run/redis.sock?db=3&user=REDACTED&pass=REDACTED"),
        "{shown}"
    );
}

#[tokio::test]
async fn debug_shows_a_url_without_credentials_as_is() {
    for url in [
        "redis://127.0.0.1:6379/0",
        "redis://cache.internal:6380",
        "redis+unix:///run/redis.sock?db=1",
    ] {
        let shown = debug_of(url).await;
        assert!(shown.contains(&format!("url: {url:?}")), "{shown}");
    }
}

#[tokio::test]
async fn debug_fully_redacts_a_url_it_cannot_parse() {
    for url in [
        format!("redis://{USER}:{PASSWORD}@[::1:6379/0"),
        format!("{USER}:{PASSWORD}@127.0.0.1:6379"),
        format!("http://{USER}:{PASSWORD}@127.0.0.1:6379"),
        format!("redis://{USER}:{PASSWORD}@127.0.0.1:notaport"),
    ] {
        let shown = debug_of(&url).await;
        assert!(shown.contains(r#"url: "REDACTED""#), "{url}: {shown}");
    }
}

#[tokio::test]
async fn build_errors_do_not_show_credentials() {
    for url in [
        format!("redis://{USER}:{PASSWORD}@127.0.0.1:6379/notadb"),
        format!("redis://{USER}:{PASSWORD}@0.0.0.0:6379/0"),
        format!("redis://{USER}:{PASSWORD}@127.0.0.1:6379/0?protocol=9"),
        format!("ftp://{USER}:{PASSWORD}@127.0.0.1:6379/0"),
    ] {
        let error = RedisStore::builder(&url).build().expect_err(&url);
        assert_error_hides_credentials(&url, &error);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_errors_do_not_show_credentials() {
    // Nothing listens on this port: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://{USER}:{PASSWORD}@127.0.0.1:{port}/0");
    let store = RedisStore::builder(&url)
        .timeout(Duration::from_millis(200))
        .connect_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = store
        .reserve(ReplayKey::new("redaction", "evt-1"), Duration::from_secs(5))
        .await
        .expect_err("no server");
    assert_error_hides_credentials("refused", &error);
    assert_no_credentials("the store's {:?}", &format!("{store:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_refusing_the_credentials_does_not_show_them() {
    let Some(url) = support::redis_url() else {
        return;
    };
    // The test Redis has no such user: AUTH fails.
    let url = url.replacen("redis://", &format!("redis://{USER}:{PASSWORD}@"), 1);
    let store = RedisStore::builder(&url)
        .key_prefix(&support::unique_prefix("redaction"))
        .build()
        .unwrap();
    let error = store
        .reserve(ReplayKey::new("redaction", "evt-1"), Duration::from_secs(5))
        .await
        .expect_err("unknown user");
    assert_error_hides_credentials("wrong credentials", &error);
}
