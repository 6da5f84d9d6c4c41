//! What the CLI's process tests share: a running `hookshield listen`, killed on drop.

// Each test binary uses a different part of it.
#![allow(dead_code, unreachable_pub, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_hookshield");
/// The path every test listener serves.
pub const PATH: &str = "/hooks/in";

/// A running `hookshield listen`: its URL and address, and its output line by line.
pub struct Listener {
    pub child: Child,
    pub url: String,
    pub addr: SocketAddr,
    pub stdout: mpsc::Receiver<String>,
    pub stderr: mpsc::Receiver<String>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines `read` produces, as they come.
pub fn lines<R: std::io::Read + Send + 'static>(read: R) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(read).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// The arguments of `hookshield listen` for `preset` on a free loopback port at [`PATH`],
/// the secret named by `secret_args` (`--secret-env HS_SECRET`, `--secret-file …`).
pub fn listen_args<'a>(
    preset: &'a str,
    secret_args: &[&'a str],
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["listen", "--preset", preset];
    args.extend_from_slice(secret_args);
    args.extend_from_slice(&["--addr", "127.0.0.1:0", "--path", PATH]);
    args.extend_from_slice(extra);
    args
}

/// `command` (a `hookshield listen`), started with `HS_SECRET=secret` and its output piped.
pub fn spawn(mut command: Command, secret: &str) -> Child {
    command
        .env("HS_SECRET", secret)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hookshield listen")
}

impl Listener {
    /// Starts `command` (a `hookshield listen`) and waits for the line that says where
    /// it listens.
    pub fn start(command: Command, secret: &str) -> Self {
        let mut child = spawn(command, secret);
        let stdout = lines(child.stdout.take().expect("stdout"));
        let stderr = lines(child.stderr.take().expect("stderr"));
        let first = stderr
            .recv_timeout(Duration::from_secs(20))
            .expect("listen printed its address");
        let url = first
            .strip_prefix("hookshield: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        let addr = url
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix(PATH))
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("unexpected URL {url:?}"));
        Self {
            child,
            url,
            addr,
            stdout,
            stderr,
        }
    }
}
