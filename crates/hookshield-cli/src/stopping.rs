//! How `serve` and `listen` stop: the first SIGTERM or Ctrl-C starts a graceful stop
//! (readiness turns 503, no new connection is accepted, the requests in hand finish within
//! the shutdown deadline); a second one ends the process at once.

use std::net::SocketAddr;

use axum::Router;
use hookshield_axum::Server;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::UsageError;
use crate::admin::{Admin, Check};

/// Where a server is in its life: serving, draining (a stop signal came), stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Serving,
    Draining,
    Stopped,
}

/// The phase, shared with the operator's endpoints.
#[derive(Debug)]
struct Lifecycle {
    phase: watch::Sender<Phase>,
}

impl Lifecycle {
    fn new() -> Self {
        Self {
            phase: watch::Sender::new(Phase::Serving),
        }
    }

    fn watch(&self) -> watch::Receiver<Phase> {
        self.phase.subscribe()
    }

    /// Completes on the first stop signal, having marked the server draining; from then
    /// on a second signal exits the process (status 130) without waiting.
    async fn stop_signal(&self) {
        hookshield_axum::shutdown_signal().await;
        self.phase.send_replace(Phase::Draining);
        eprintln!(
            "hookshield: stopping: finishing the requests in hand (a second signal stops at once)"
        );
        tokio::spawn(async {
            hookshield_axum::shutdown_signal().await;
            eprintln!("hookshield: stopped at once");
            std::process::exit(130);
        });
    }

    /// Marks the server stopped: the operator's endpoints end too.
    fn stopped(&self) {
        self.phase.send_replace(Phase::Stopped);
    }
}

/// Serves `app` on `listener` until the first stop signal (then as [`Server`] drains),
/// with the operator's endpoints at `admin`'s address, if any, for as long; `announce`
/// runs once both listen.
pub(crate) async fn serve(
    server: Server,
    listener: TcpListener,
    app: Router,
    admin: Option<(Admin, SocketAddr)>,
    checks: Vec<Check>,
    announce: impl FnOnce(),
) -> Result<(), UsageError> {
    let lifecycle = Lifecycle::new();
    let admin = match admin {
        Some((admin, addr)) => Some(admin.spawn(addr, checks, lifecycle.watch()).await?),
        None => None,
    };
    announce();
    server
        .serve_with_shutdown(listener, app, lifecycle.stop_signal())
        .await?;
    lifecycle.stopped();
    if let Some(admin) = admin {
        let _ = admin.await;
    }
    Ok(())
}
