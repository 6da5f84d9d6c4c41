//! Slow and stalled clients against the real `hookshield listen` process over loopback TCP:
//! every read has a deadline, a stalled body costs the process bounded memory, and a
//! failing `accept` neither ends nor spins the server.
//!
//! The deadlines are set short on the command line (1–3 s) and the checks are "cut off
//! within the deadline plus a few seconds", so a loaded machine does not make them flaky.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    missing_docs
)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;

use std::time::{Duration, Instant};

use hookshield_core::{Secret, SignOptions, Signer, presets};

#[path = "../../../tests/support/response.rs"]
mod response;
mod support;

use response::{End, response};

use support::{BIN, Listener, PATH, listen_args};

const SECRET: &str = "slow-clients-secret";
/// What a deadline may overrun by on a loaded machine before a test fails.
const MARGIN: Duration = Duration::from_secs(4);

/// Starts `hookshield listen --preset civo` with `extra` flags; with `max_open_files`,
/// under that `ulimit -n` (through `sh`, which `exec`s it: the pid stays the listener's).
fn start(extra: &[&str], max_open_files: Option<u32>) -> Listener {
    let mut command = match max_open_files {
        None => Command::new(BIN),
        Some(limit) => {
            let mut sh = Command::new("sh");
            sh.arg("-c")
                .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
                .arg(BIN);
            sh
        }
    };
    command.args(listen_args("civo", &["--secret-env", "HS_SECRET"], extra));
    Listener::start(command, SECRET)
}

/// What the tests read of the listener process.
trait Process {
    fn pid(&self) -> u32;
    fn rss(&self) -> u64;
    fn cpu_ticks(&self) -> u64;
    fn still_running(&mut self) -> bool;
}

impl Process for Listener {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The process's resident memory, in bytes (`VmRSS` of `/proc/<pid>/status`).
    fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().strip_suffix("kB"))
            .map(|v| v.trim().parse().unwrap())
            .unwrap();
        kib * 1024
    }

    /// CPU time used by the process so far, in clock ticks (user + system).
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // Fields after the `(comm)`, which may hold spaces: state is field 3, utime 14,
        // stime 15.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after.split(' ').collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }

    fn still_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

/// The head of a `POST PATH` announcing `length` body bytes, with `headers`.
fn head(addr: SocketAddr, length: usize, headers: &[(String, String)], close: bool) -> Vec<u8> {
    let mut head = format!("POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {length}\r\n");
    if close {
        head.push_str("Connection: close\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Civo's headers for `body` as event `id`, signed with the listener's secret.
fn signed(body: &[u8], id: &str) -> Vec<(String, String)> {
    let signer = Signer::new(presets::civo(), Secret::from_text(SECRET).unwrap()).unwrap();
    signer
        .sign(body, &SignOptions::new().id(id))
        .unwrap()
        .into_vec()
}

/// Reads until the server answers or closes `stream`; panics if neither happens within
/// `within`. Returns how it ended and when, counted from `since`.
fn wait_end(stream: &mut TcpStream, since: Instant, within: Duration) -> (End, Duration) {
    let deadline = since + within;
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some((status, body)) = response(&raw) {
            return (End::Answered(status, body), since.elapsed());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "the connection is still open {within:?} later (read so far: {:?})",
            String::from_utf8_lossy(&raw)
        );
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break, // reset: closed
        }
    }
    let end = match response(&raw) {
        Some((status, body)) => End::Answered(status, body),
        None => End::Closed,
    };
    (end, since.elapsed())
}

/// Asserts the server cut the connection (closed it, or answered 408) no earlier than
/// `deadline` minus a little and no later than `deadline + MARGIN`.
#[track_caller]
fn assert_cut_off(end: &End, elapsed: Duration, deadline: Duration) {
    assert!(
        matches!(end, End::Closed | End::Answered(408, _)),
        "expected the connection cut off, got {end:?}"
    );
    assert!(
        elapsed + Duration::from_millis(250) >= deadline,
        "cut off after {elapsed:?}, before the {deadline:?} deadline"
    );
    assert!(
        elapsed <= deadline + MARGIN,
        "cut off after {elapsed:?}, deadline {deadline:?}"
    );
}

#[test]
fn a_client_stalled_mid_headers_is_cut_off_at_the_header_deadline() {
    let listener = start(&["--header-timeout", "1s", "--idle-timeout", "30s"], None);
    let start = Instant::now();
    let mut stream = TcpStream::connect(listener.addr).unwrap();
    stream
        .write_all(format!("POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Le").as_bytes())
        .unwrap();
    let (end, elapsed) = wait_end(&mut stream, start, Duration::from_secs(1) + MARGIN);
    eprintln!("mid-headers: {end:?} after {elapsed:?}");
    assert_cut_off(&end, elapsed, Duration::from_secs(1));
}

#[test]
fn a_connection_that_sends_nothing_is_cut_off_at_the_idle_deadline() {
    let listener = start(&["--header-timeout", "30s", "--idle-timeout", "1s"], None);
    let start = Instant::now();
    let mut stream = TcpStream::connect(listener.addr).unwrap();
    let (end, elapsed) = wait_end(&mut stream, start, Duration::from_secs(1) + MARGIN);
    eprintln!("silent: {end:?} after {elapsed:?}");
    assert_cut_off(&end, elapsed, Duration::from_secs(1));
}

#[test]
fn a_client_stalled_mid_body_gets_408_and_the_handler_never_runs() {
    let listener = start(&["--body-timeout", "1s"], None);
    let body = br#"{"event":"instance.created","resourceID":"slow-1"}"#;
    let headers = signed(body, "evt-slow-1");

    // Every byte but the last: the signature would match if the last one came.
    let start = Instant::now();
    let mut stream = TcpStream::connect(listener.addr).unwrap();
    stream
        .write_all(&head(listener.addr, body.len(), &headers, true))
        .unwrap();
    stream.write_all(&body[..body.len() - 1]).unwrap();
    let (end, elapsed) = wait_end(&mut stream, start, Duration::from_secs(1) + MARGIN);
    eprintln!("mid-body: {end:?} after {elapsed:?}");
    match &end {
        End::Answered(status, text) => {
            assert_eq!(*status, 408);
            assert_eq!(text, r#"{"error":"body_timeout"}"#);
        }
        End::Closed => panic!("closed without the 408 answer"),
    }
    assert_cut_off(&end, elapsed, Duration::from_secs(1));
    let rejection: serde_json::Value = serde_json::from_str(
        &listener
            .stderr
            .recv_timeout(Duration::from_secs(5))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(rejection["rejected"], "body_timeout");
    assert_eq!(rejection["status"], 408);

    // The same delivery, whole: handled once (its id was not reserved by the stalled copy).
    let mut stream = TcpStream::connect(listener.addr).unwrap();
    stream
        .write_all(&head(listener.addr, body.len(), &headers, true))
        .unwrap();
    stream.write_all(body).unwrap();
    let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10));
    assert!(matches!(end, End::Answered(204, _)), "{end:?}");
    let event: serde_json::Value = serde_json::from_str(
        &listener
            .stdout
            .recv_timeout(Duration::from_secs(5))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(event["event_id"], "evt-slow-1");
    // And that was the handler's only run.
    assert!(
        listener
            .stdout
            .recv_timeout(Duration::from_millis(300))
            .is_err()
    );
}

/// Sends a whole (unsigned: answered 401) request on a kept-alive connection, then waits
/// for the server to close it; answers how long after the answer it did.
fn idle_after_one_request(listener: &Listener, within: Duration) -> (End, Duration) {
    let mut stream = TcpStream::connect(listener.addr).unwrap();
    stream
        .write_all(&head(listener.addr, 2, &[], false))
        .unwrap();
    stream.write_all(b"{}").unwrap();
    let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10));
    assert!(matches!(end, End::Answered(401, _)), "{end:?}");
    let answered = Instant::now();
    wait_end(&mut stream, answered, within)
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let listener = start(&["--header-timeout", "30s", "--idle-timeout", "1s"], None);
    let (end, elapsed) = idle_after_one_request(&listener, Duration::from_secs(1) + MARGIN);
    eprintln!("idle keep-alive (idle 1s, header 30s): {end:?} after {elapsed:?}");
    assert!(matches!(end, End::Closed), "{end:?}");
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
}

/// hyper starts the header clock when it starts waiting for the next request, so the
/// header deadline closes an idle kept-alive connection too.
#[test]
fn the_header_deadline_also_closes_an_idle_keep_alive_connection() {
    let listener = start(&["--header-timeout", "1s", "--idle-timeout", "30s"], None);
    let (end, elapsed) = idle_after_one_request(&listener, Duration::from_secs(1) + MARGIN);
    eprintln!("idle keep-alive (idle 30s, header 1s): {end:?} after {elapsed:?}");
    assert!(matches!(end, End::Closed), "{end:?}");
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
}

#[test]
fn zero_deadlines_and_no_connections_are_usage_errors() {
    for flags in [
        ["--header-timeout", "0s"],
        ["--idle-timeout", "0s"],
        ["--body-timeout", "0s"],
        ["--max-connections", "0"],
    ] {
        let out = Command::new(BIN)
            .args(["listen", "--preset", "civo", "--secret-env", "HS_SECRET"])
            .args(["--addr", "127.0.0.1:0"])
            .args(flags)
            .env("HS_SECRET", SECRET)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(flags[0]), "{flags:?}: {stderr}");
    }
}

const MIB: usize = 1024 * 1024;
const STALLED: usize = 128;

/// 128 connections each stop one byte short of a 1 MiB body (the body limit): the
/// process must not grow by more than 32 MiB over its idle size while they are stalled,
/// nor after the body deadline has cut them off.
#[test]
fn stalled_one_mib_bodies_do_not_grow_the_process() {
    let body_timeout = Duration::from_secs(3);
    let listener = start(&["--body-timeout", "3s"], None);

    // Warm up (threads, allocator arenas) with a few whole requests, then take the idle size.
    for _ in 0..4 {
        let mut stream = TcpStream::connect(listener.addr).unwrap();
        let mut request = head(listener.addr, 2, &[], true);
        request.extend_from_slice(b"{}");
        stream.write_all(&request).unwrap();
        let (end, _) = wait_end(&mut stream, Instant::now(), Duration::from_secs(10));
        assert!(matches!(end, End::Answered(401, _)), "{end:?}");
    }
    std::thread::sleep(Duration::from_millis(300));
    let idle = listener.rss();

    let headers = signed(b"never complete", "evt-stalled");
    let filler = vec![b'x'; MIB - 1];
    let started = Instant::now();
    let mut streams: Vec<(TcpStream, usize)> = (0..STALLED)
        .map(|_| {
            let mut stream = TcpStream::connect(listener.addr).unwrap();
            stream
                .write_all(&head(listener.addr, MIB, &headers, true))
                .unwrap();
            stream.set_nonblocking(true).unwrap();
            (stream, 0)
        })
        .collect();
    // Push the 1 MiB - 1 bytes of each body, round robin, for at most 10 s: what the
    // server does not read stays in the kernel's socket buffers.
    let push_until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < push_until {
        let mut pending = false;
        for (stream, sent) in &mut streams {
            if *sent == filler.len() {
                continue;
            }
            pending = true;
            let end = (*sent + 64 * 1024).min(filler.len());
            match stream.write(&filler[*sent..end]) {
                Ok(n) => *sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("write: {e}"),
            }
        }
        if !pending {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let pushed: usize = streams.iter().map(|(_, sent)| sent).sum();
    std::thread::sleep(Duration::from_millis(500));
    let stalled = listener.rss();

    // Every stalled body is answered 408 (or its connection closed) by its deadline.
    let mut answered = 0;
    let mut closed = 0;
    for (stream, _) in &mut streams {
        stream.set_nonblocking(false).unwrap();
        let (end, _) = wait_end(
            stream,
            started,
            Duration::from_secs(10) + body_timeout + MARGIN,
        );
        match end {
            End::Answered(408, _) => answered += 1,
            End::Closed => closed += 1,
            other => panic!("a stalled body was answered {other:?}"),
        }
    }
    let cut_off_after = started.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let after = listener.rss();
    drop(streams);

    let mib = |bytes: u64| bytes as f64 / MIB as f64;
    eprintln!(
        "RSS idle {:.1} MiB, {STALLED} stalled bodies ({:.1} MiB sent) {:.1} MiB (+{:.1}), \
         after the deadline {:.1} MiB (+{:.1}); {answered} answered 408, {closed} closed, \
         all within {cut_off_after:?}",
        mib(idle),
        pushed as f64 / MIB as f64,
        mib(stalled),
        mib(stalled.saturating_sub(idle)),
        mib(after),
        mib(after.saturating_sub(idle)),
    );
    let limit = 32 * MIB as u64;
    assert!(
        stalled.saturating_sub(idle) <= limit,
        "grew {:.1} MiB while the bodies were stalled",
        mib(stalled - idle)
    );
    assert!(
        after.saturating_sub(idle) <= limit,
        "grew {:.1} MiB after the deadline",
        mib(after - idle)
    );
}

/// With few file descriptors, `accept` fails (EMFILE) while connections are open: the
/// server must neither exit nor spin, and must serve again once they are gone.
#[test]
fn accept_errors_neither_end_nor_spin_the_server() {
    let mut listener = start(
        &["--header-timeout", "30s", "--idle-timeout", "30s"],
        Some(32),
    );
    // More connections than descriptors: the kernel queues them, `accept` runs out.
    let streams: Vec<TcpStream> = (0..48)
        .map(|_| TcpStream::connect(listener.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let open = std::fs::read_dir(format!("/proc/{}/fd", listener.pid()))
        .unwrap()
        .count();
    eprintln!("descriptors open in the listener: {open} (limit 32)");
    assert!(
        open >= 30,
        "accept never ran out of descriptors ({open} open)"
    );
    let before = listener.cpu_ticks();
    std::thread::sleep(Duration::from_secs(2));
    let used = listener.cpu_ticks() - before;
    eprintln!("CPU ticks over 2 s while accept fails: {used}");
    // A spinning accept loop burns ~200 ticks (a whole core) in 2 s.
    assert!(used < 60, "{used} CPU ticks in 2 s: the accept loop spins");
    assert!(listener.still_running(), "the server exited");

    drop(streams);
    // The server serves again (after at most a short back-off).
    let start = Instant::now();
    let mut stream = TcpStream::connect(listener.addr).unwrap();
    let mut request = head(listener.addr, 2, &[], true);
    request.extend_from_slice(b"{}");
    stream.write_all(&request).unwrap();
    let (end, elapsed) = wait_end(&mut stream, start, Duration::from_secs(10));
    eprintln!("served again after {elapsed:?}: {end:?}");
    assert!(matches!(end, End::Answered(401, _)), "{end:?}");
}
