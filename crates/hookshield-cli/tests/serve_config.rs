//! `hookshield serve --config`: a configuration is checked before anything is served;
//! each mistake exits 2 with a message that names the route and the field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod gateway;

use gateway::run_serve;

/// A sound route, to which each case adds one mistake.
const OUTPUT: &str = "[route.output]\ntype = \"http\"\nurl = \"http://127.0.0.1:9/up\"\n";

fn route(name: &str, path: &str, extra: &str) -> String {
    format!("[[route]]\nname = \"{name}\"\npath = \"{path}\"\n{extra}\n{OUTPUT}\n")
}

/// Runs `serve --check` on `config`; asserts it exits 2 and its message contains every
/// one of `needles`; returns the message.
async fn refused(config: &str, env: &[(&str, &str)], needles: &[&str]) -> String {
    let out = run_serve(config, &["--check"], env).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{config}\n{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr:?}");
    }
    stderr
}

#[tokio::test]
async fn the_example_config_checks_out() {
    let config = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/gateway.toml"
    ))
    .expect("examples/gateway.toml");
    let env = [
        ("GITHUB_WEBHOOK_SECRET", "gh"),
        (
            "STRIPE_WEBHOOK_SECRET",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ),
        ("TWILIO_AUTH_TOKEN", "tw"),
    ];
    let out = run_serve(&config, &["--check"], &env).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for route in ["github", "stripe", "twilio"] {
        assert!(
            stdout.contains(&format!("\"route\":\"{route}\"")),
            "{stdout}"
        );
    }
    assert!(stdout.contains("redis-stream"), "{stdout}");
}

#[tokio::test]
async fn an_unknown_preset_names_the_route() {
    let config = route(
        "billing",
        "/hooks/b",
        "preset = \"stripey\"\nsecret_env = \"STRIPE_SECRET\"",
    );
    refused(
        &config,
        &[],
        &["route \"billing\"", "field `preset`", "stripey"],
    )
    .await;
}

#[tokio::test]
async fn a_missing_environment_variable_names_the_route_and_the_variable() {
    let config = route(
        "gh",
        "/hooks/gh",
        "preset = \"github\"\nsecret_env = \"NOT_SET_ANYWHERE\"",
    );
    refused(
        &config,
        &[],
        &["route \"gh\"", "NOT_SET_ANYWHERE", "secret_env"],
    )
    .await;
}

#[tokio::test]
async fn an_unreadable_secret_file_names_the_route() {
    let config = route(
        "gh",
        "/hooks/gh",
        "preset = \"github\"\nsecret_file = \"/nonexistent/secret\"",
    );
    refused(&config, &[], &["route \"gh\"", "/nonexistent/secret"]).await;
}

#[tokio::test]
async fn two_routes_on_one_path_are_refused() {
    let config = format!(
        "{}{}",
        route(
            "a",
            "/hooks/x",
            "preset = \"github\"\nsecret_env = \"GH_SECRET\""
        ),
        route(
            "b",
            "/hooks/x",
            "preset = \"github\"\nsecret_env = \"GH_SECRET\""
        )
    );
    refused(
        &config,
        &[],
        &["route \"b\"", "field `path`", "route \"a\""],
    )
    .await;
}

#[tokio::test]
async fn a_literal_secret_is_refused_and_never_echoed() {
    let config = route(
        "gh",
        "/hooks/gh",
        "preset = \"github\"\nsecret = \"hunter2-very-secret\"",
    );
    let message = refused(
        &config,
        &[],
        &["route \"gh\"", "field `secret`", "secret_env"],
    )
    .await;
    assert!(!message.contains("hunter2"), "{message}");

    // A secret pasted where a variable's name goes is not a name: refused, not shown.
    let config = route(
        "gh",
        "/hooks/gh",
        "preset = \"github\"\nsecret_env = \"whsec_abc+/def==\"",
    );
    let message = refused(
        &config,
        &[],
        &[
            "route \"gh\"",
            "field `secret_env`",
            "not an environment variable name",
        ],
    )
    .await;
    assert!(!message.contains("whsec_abc"), "{message}");
}

#[tokio::test]
async fn other_mistakes_each_name_their_field() {
    let cases: &[(&str, &[&str])] = &[
        (
            "preset = \"github\"\nsecret_env = \"GH_SECRET\"\nttl = \"soon\"",
            &["ttl", "soon"],
        ),
        (
            "preset = \"github\"\nsecret_env = \"GH_SECRET\"\nreplay_store = \"postgres://x\"",
            &["field `replay_store`"],
        ),
        (
            "preset = \"twilio\"\nsecret_env = \"TWILIO_TOKEN\"",
            &["field `public_url`"],
        ),
        (
            "preset = \"github\"\nsecret_env = \"GH_SECRET\"\nbody_limit = 0",
            &["field `body_limit`"],
        ),
        (
            "preset = \"github\"\nsecret_env = \"GH_SECRET\"\nlease = \"5s\"",
            &["field `timeout`", "lease"],
        ),
        (
            "preset = \"github\"\nsecret_env = \"GH_SECRET\"\ncolour = \"blue\"",
            &["colour"],
        ),
        ("secret_env = \"GH_SECRET\"", &["field `preset`"]),
        (
            "preset = \"standard-webhooks\"\nsecret_env = \"GH_SECRET\"",
            &["GH_SECRET"],
        ),
    ];
    for (extra, needles) in cases {
        let config = route("r1", "/hooks/r", extra);
        let mut all = vec!["route \"r1\""];
        all.extend_from_slice(needles);
        refused(&config, &[], &all).await;
    }
    let upstreams: &[(&str, &[&str])] = &[
        (
            "type = \"http\"\nurl = \"https://example.com/up\"",
            &["field `url`", "http://"],
        ),
        (
            "type = \"http\"\nurl = \"http://127.0.0.1:9/\"\ntimeout = \"2m\"",
            &["field `timeout`"],
        ),
        ("type = \"kafka\"\nurl = \"x\"", &["kafka"]),
        (
            "type = \"redis-stream\"\nurl = \"http://127.0.0.1:6379\"\nstream = \"s\"",
            &["redis://"],
        ),
        (
            "type = \"redis-stream\"\nurl = \"redis://127.0.0.1:6379\"\nstream = \"s\"\nmaxlen = 0",
            &["maxlen"],
        ),
    ];
    for (output, needles) in upstreams {
        let config = format!(
            "[[route]]\nname = \"r2\"\npath = \"/r\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n[route.output]\n{output}\n"
        );
        let mut all = vec!["route \"r2\""];
        all.extend_from_slice(needles);
        refused(&config, &[], &all).await;
    }
    refused("[server]\naddr = \"127.0.0.1:0\"\n", &[], &["no [[route]]"]).await;
    refused("[[route]\n", &[], &["TOML"]).await;
}

#[tokio::test]
async fn credentials_in_urls_are_not_shown() {
    let config = "[[route]]\nname = \"s\"\npath = \"/s\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
                  replay_store = \"mysql://user:pa55word@db/x\"\n\
                  [route.output]\ntype = \"http\"\nurl = \"http://127.0.0.1:9/\"\n";
    let message = refused(config, &[], &["route \"s\"", "field `replay_store`"]).await;
    assert!(!message.contains("pa55word"), "{message}");

    // Credentials in an upstream URL would travel with every event: refused, not shown.
    let config = "[[route]]\nname = \"u\"\npath = \"/u\"\npreset = \"github\"\nsecret_env = \"GH_SECRET\"\n\
                  [route.output]\ntype = \"http\"\nurl = \"http://user:pa55word@127.0.0.1:9/\"\n";
    let message = refused(config, &[], &["route \"u\"", "field `url`", "credentials"]).await;
    assert!(!message.contains("pa55word"), "{message}");
}

#[tokio::test]
async fn paths_a_provider_cannot_call_or_axum_cannot_route_are_refused() {
    for path in [
        "/:id",
        "/hooks/:tenant",
        "/a b",
        "/\u{e9}",
        "/x\ty",
        "hooks",
        "/{id}",
        "/*rest",
    ] {
        let config = route("p", path, "preset = \"github\"\nsecret_env = \"GH_SECRET\"")
            .replace(&format!("path = \"{path}\""), &format!("path = {path:?}"));
        refused(&config, &[], &["route \"p\"", "field `path`"]).await;
    }
}

#[tokio::test]
async fn no_mistake_shows_what_may_be_a_secret() {
    let pasted = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let cases = [
        // A secret where a variable's name goes, or a file's.
        format!("preset = \"stripe\"\nsecret_env = \"{pasted}\""),
        format!("preset = \"stripe\"\nsecret_file = \"{pasted}\""),
        format!("preset = \"meta\"\nsecret_env = \"GH_SECRET\"\nhandshake_token_env = \"{pasted}\""),
        // Credentials in a public URL.
        "preset = \"twilio\"\nsecret_env = \"TWILIO_TOKEN\"\npublic_url = \"https://user:whsec_PUBPASS@hooks.example.com\"".to_owned(),
    ];
    for extra in &cases {
        let message = refused(&route("s", "/s", extra), &[], &["route \"s\""]).await;
        assert!(!message.contains("whsec_"), "{message}");
    }
    // TOML that does not parse: the line is not echoed, only where it is.
    for text in [
        format!("[[route]]\nsecret_env = {pasted}\n"),
        "[[route]]\nurl = \"http://u:whsec_PASSWORD16@127.0.0.1:1\n".to_owned(),
    ] {
        let message = refused(&text, &[], &["not valid TOML", "line 2"]).await;
        assert!(!message.contains("whsec_"), "{message}");
    }
}

#[tokio::test]
async fn each_field_is_named_in_its_own_mistake() {
    let cases: &[(&str, &[&str])] = &[
        (
            "preset = \"github\"\nsecret_file = \"/nonexistent/secret\"",
            &["field `secret_file`"],
        ),
        (
            "preset = \"meta\"\nsecret_env = \"GH_SECRET\"\nhandshake_token_env = \"NOT_SET_X\"",
            &["field `handshake_token_env`", "NOT_SET_X"],
        ),
        (
            "preset = \"meta\"\nsecret_env = \"GH_SECRET\"\nhandshake_token_env = \"lower\"",
            &["field `handshake_token_env`"],
        ),
        (
            "preset = \"github\"\nsecret_env = [\"GH_SECRET\", 5]",
            &["secret_env", "a string or an array of strings"],
        ),
    ];
    for (extra, needles) in cases {
        let mut all = vec!["route \"f\""];
        all.extend_from_slice(needles);
        refused(&route("f", "/f", extra), &[], &all).await;
    }
}

#[tokio::test]
async fn a_relative_secret_file_is_read_beside_the_config() {
    let dir = std::env::temp_dir().join(format!("hookshield-rel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("gh.secret"), "gh-secret\n").unwrap();
    let config = dir.join("gateway.toml");
    std::fs::write(
        &config,
        route(
            "rel",
            "/rel",
            "preset = \"github\"\nsecret_file = \"./gh.secret\"",
        ),
    )
    .unwrap();
    // Run from elsewhere: the file is still found.
    let out = tokio::process::Command::new(gateway::BIN)
        .args(["serve", "--check", "--config"])
        .arg(&config)
        .current_dir("/")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
