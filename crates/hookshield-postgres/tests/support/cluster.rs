//! A PostgreSQL cluster of a test's own, through `scripts/postgres.sh` with a name: started,
//! stopped and started again (same port, same data) under load, and deleted when dropped.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

/// A named cluster; deleted on drop.
#[derive(Debug)]
pub(crate) struct Cluster {
    name: String,
    url: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh")
}

fn run(verb: &str, name: &str) -> String {
    let output = Command::new("bash")
        .arg(script())
        .args([verb, name])
        .output()
        .expect("run scripts/postgres.sh");
    assert!(
        output.status.success(),
        "scripts/postgres.sh {verb} {name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

impl Cluster {
    /// Starts a fresh cluster named `name` (letters, digits, `-`, `_`).
    pub(crate) fn start(name: &str) -> Self {
        let printed = run("start", name);
        let url = printed
            .trim()
            .strip_prefix("export HOOKSHIELD_POSTGRES_URL=")
            .unwrap_or_else(|| panic!("unexpected output: {printed}"))
            .to_owned();
        Self {
            name: name.to_owned(),
            url,
        }
    }

    /// Its URL.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Stops the server (fast shutdown: sessions are cut), keeping its data.
    pub(crate) fn down(&self) {
        run("down", &self.name);
    }

    /// Starts it again, same port, same data.
    pub(crate) fn up(&self) {
        run("up", &self.name);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .args(["stop", &self.name])
            .output();
    }
}
