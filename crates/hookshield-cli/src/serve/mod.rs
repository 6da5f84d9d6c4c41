//! `hookshield serve --config FILE`: a verifying gateway. Each `[[route]]` of the file is a
//! path behind hookshield's layer (its preset or described scheme, keys from environment
//! variables or files, body limit and deadline, replay store, TTL and lease); what a route
//! verifies goes to its output (an upstream over HTTP, or a Redis stream), and the event's
//! id is committed only once the output has taken it. `--check` reads and checks the file
//! (presets, keys, URLs, timeouts) without serving.

mod config;
mod event_headers;
mod output;
mod route;
mod verifier;

use std::process::ExitCode;
use std::time::Duration;

use axum::Router;
use hookshield_axum::Server;

use self::config::{Config, ServerConfig};
use crate::UsageError;
use crate::admin::{Admin, Check};
use crate::args::ServeArgs;

pub(crate) use self::route::RouteState;

pub(crate) fn run(args: &ServeArgs) -> Result<ExitCode, UsageError> {
    let mut config = Config::load(&args.config)?;
    if let Some(addr) = args.addr {
        config.server.addr = addr;
    }
    if let Some(addr) = args.metrics_addr {
        config.server.metrics_addr = Some(addr);
    }
    let server = server(&config.server)
        .map_err(|UsageError(e)| UsageError(format!("{}: [server]: {e}", args.config.display())))?;
    // Why an output or a replay store failed: JSON lines on stderr, like the rejections;
    // debug-level detail stays off.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    // Before the receivers are built, so every metric they record is kept.
    let admin = match config.server.metrics_addr {
        Some(addr) if !args.check => Some((Admin::install()?, addr)),
        _ => None,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    // Redis connections run on the runtime: build inside it.
    let _entered = runtime.enter();
    let mut app = Router::new();
    let mut checks = Vec::new();
    let mut built = Vec::with_capacity(config.routes.len());
    for route in &config.routes {
        let at = |UsageError(e)| {
            UsageError(format!(
                "{}: route {:?}: {e}",
                args.config.display(),
                route.name
            ))
        };
        let route = route::build(route).map_err(at)?;
        if let Some(url) = &route.replay_redis {
            checks.push(Check::redis(&route.state.name, url).map_err(at)?);
        }
        checks.push(Check::Output(std::sync::Arc::clone(&route.state)));
        built.push(route);
    }
    if args.check {
        for route in &built {
            println!(
                "{}",
                serde_json::json!({
                    "route": &*route.state.name, "path": route.path, "scheme": route.scheme,
                    "output": route.state.output.kind(),
                })
            );
        }
        eprintln!(
            "hookshield: {}: {} route(s), configuration OK",
            args.config.display(),
            built.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for route in built {
        app = app.route(&route.path, route.router);
    }

    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.server.addr)
            .await
            .map_err(|e| {
                UsageError(format!(
                    "cannot listen on {} (the gateway's address): {e}",
                    config.server.addr
                ))
            })?;
        let addr = listener.local_addr()?;
        let announce = || {
            eprintln!("hookshield: serving on http://{addr}");
            for route in &config.routes {
                eprintln!(
                    "hookshield: route {:?}: {} → {}",
                    route.name,
                    route.path,
                    route.output.describe()
                );
            }
        };
        crate::stopping::serve(server, listener, app, admin, checks, announce).await?;
        eprintln!("hookshield: stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// The server with the file's deadlines and connection cap, each refused when zero.
fn server(config: &ServerConfig) -> Result<Server, UsageError> {
    let nonzero = |value: Option<Duration>, field: &str| match value {
        Some(d) if d.is_zero() => Err(UsageError(format!(
            "field `{field}`: must be longer than 0s"
        ))),
        other => Ok(other),
    };
    // A provider that hangs up (on its own timeout) does not cut a delivery off: it ends
    // and settles the event's id, so the provider's retry is then a duplicate.
    let mut server = Server::new().finish_abandoned_requests(true);
    if let Some(timeout) = nonzero(config.header_timeout, "header_timeout")? {
        server = server.header_read_timeout(timeout);
    }
    if let Some(timeout) = nonzero(config.idle_timeout, "idle_timeout")? {
        server = server.idle_timeout(timeout);
    }
    if let Some(timeout) = config.shutdown_timeout {
        server = server.shutdown_timeout(timeout);
    }
    match config.max_connections {
        Some(0) => return Err(UsageError("field `max_connections`: at least 1".to_owned())),
        Some(max) => server = server.max_connections(max),
        None => {}
    }
    Ok(server)
}
