//! What the CLI's process tests share: a one-shot run of the binary, and a running
//! `hookshield listen`, killed on drop.

// Each test binary uses a different part of it.
#![allow(dead_code, unreachable_pub, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_hookshield");
/// The path every test listener serves.
pub const PATH: &str = "/hooks/in";

/// Environment variables for one run.
pub type Env<'a> = &'a [(&'a str, &'a str)];

/// Runs the binary with `env` set and `body` on standard input, to its end. A child that
/// does not read its standard input (a body given by `--body-file`, a usage error) may
/// close it first: that is not a failure of the run.
pub fn run(args: &[&str], env: Env<'_>, body: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hookshield");
    let written = child.stdin.take().expect("stdin").write_all(body);
    if let Err(error) = written {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write the body"
        );
    }
    child.wait_with_output().expect("hookshield ran")
}

/// `-H <line>` for every line of `signed` (what `sign` prints), for `verify`.
pub fn header_flags(signed: &str) -> impl Iterator<Item = &str> {
    signed.lines().flat_map(|line| ["-H", line])
}

/// The standard output of a run, as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// A fresh key pair from `hookshield keygen --preset PRESET --json`: the private key
/// (for `--private-key-env`) and the public key (for `--secret-env`).
pub fn keygen(preset: &str) -> (String, String) {
    let out = run(&["keygen", "--preset", preset, "--json"], &[], b"");
    assert!(
        out.status.success(),
        "keygen {preset}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pair: serde_json::Value = serde_json::from_slice(&out.stdout).expect("keygen JSON");
    let text = |field: &str| {
        pair[field]
            .as_str()
            .unwrap_or_else(|| panic!("keygen {preset}: no {field}"))
            .to_owned()
    };
    (text("private_key"), text("public_key"))
}

/// A temporary file holding `bytes`, named after the test process and `name`.
pub fn body_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("hookshield-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("write the body file");
    path
}

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

/// An HTTP answer read off the wire: status, headers (names lower-cased) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `GET target` with `headers` to `addr` over a fresh connection (closed after the
/// answer) and reads the answer, every read bounded by a 10 s timeout.
pub fn http_get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Answer {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .expect("write timeout");
    let mut head = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("an answer head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The next JSON line of `rx` (a listener's output), skipping plain-text notes, waiting
/// at most 10 s for each.
pub fn next_json(rx: &mpsc::Receiver<String>) -> serde_json::Value {
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a line within 10 s");
        if line.starts_with('{') {
            return serde_json::from_str(&line).expect("a JSON line");
        }
    }
}
