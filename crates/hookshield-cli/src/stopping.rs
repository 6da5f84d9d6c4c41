//! How `serve` and `listen` stop: the first SIGTERM or Ctrl-C starts a graceful stop
//! (readiness turns 503, no new connection is accepted, the requests in hand finish within
//! the shutdown deadline); a second one ends the process at once.

use tokio::sync::watch;

/// Where a server is in its life: serving, draining (a stop signal came), stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Serving,
    Draining,
    Stopped,
}

/// The phase, shared with the operator's endpoints.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    phase: watch::Sender<Phase>,
}

impl Lifecycle {
    pub(crate) fn new() -> Self {
        Self {
            phase: watch::Sender::new(Phase::Serving),
        }
    }

    pub(crate) fn watch(&self) -> watch::Receiver<Phase> {
        self.phase.subscribe()
    }

    /// Completes on the first stop signal, having marked the server draining; from then
    /// on a second signal exits the process (status 130) without waiting.
    pub(crate) async fn stop_signal(&self) {
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
    pub(crate) fn stopped(&self) {
        self.phase.send_replace(Phase::Stopped);
    }
}
