//! What the gateway's process tests share: a running `hookshield serve` (killed on drop),
//! an upstream that counts what reaches it, a signed-request client, and a `redis-server`
//! of a test's own (the Redis crate's test helper, so it can be killed and restarted).

#![allow(
    dead_code,
    unreachable_pub,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]

#[path = "../../../hookshield-redis/tests/support/server.rs"]
pub mod server;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use hookshield_core::{SignOptions, SignedHeaders, Signer, presets};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

pub const BIN: &str = env!("CARGO_BIN_EXE_hookshield");

/// Whether tests that need `redis-server` fail (rather than skip) without it: set by
/// `scripts/test.sh`, so by CI.
pub fn redis_required() -> bool {
    std::env::var("HOOKSHIELD_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}

/// The secrets every gateway test signs with, as the gateway reads them.
pub const SECRETS: &[(&str, &str)] = &[
    ("GH_SECRET", "gh-secret"),
    ("STRIPE_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    ("TWILIO_TOKEN", "twilio-token"),
];

/// A running `hookshield serve`: where it listens, its operator address, and its output.
pub struct Gateway {
    pub child: Child,
    pub addr: SocketAddr,
    pub metrics: Option<SocketAddr>,
    pub stdout: mpsc::UnboundedReceiver<String>,
    pub stderr: mpsc::UnboundedReceiver<String>,
    config: std::path::PathBuf,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_file(&self.config);
    }
}

static CONFIGS: AtomicUsize = AtomicUsize::new(0);

/// Writes `config` to a file of its own and returns its path.
pub fn config_file(config: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "hookshield-gateway-{}-{}.toml",
        std::process::id(),
        CONFIGS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, config).expect("write the config");
    path
}

/// Runs `hookshield serve --config <config> [args]` to its end (for `--check` and for
/// configurations that must be refused), with [`SECRETS`] plus `env` set.
pub async fn run_serve(config: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let path = config_file(config);
    let out = Command::new(BIN)
        .arg("serve")
        .arg("--config")
        .arg(&path)
        .args(args)
        .envs(SECRETS.iter().copied())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output();
    let out = tokio::time::timeout(Duration::from_secs(30), out)
        .await
        .expect("serve --check ends")
        .expect("run hookshield serve");
    let _ = std::fs::remove_file(&path);
    out
}

fn lines<R: tokio::io::AsyncRead + Unpin + Send + 'static>(
    read: R,
) -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(read).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Gateway {
    /// Starts `hookshield serve` on `config` (whose `[server]` should listen on port 0) and
    /// waits until it says where it serves.
    pub async fn start(config: &str) -> Self {
        Self::start_with(config, &[]).await
    }

    pub async fn start_with(config: &str, env: &[(&str, &str)]) -> Self {
        let path = config_file(config);
        let mut child = Command::new(BIN)
            .arg("serve")
            .arg("--config")
            .arg(&path)
            .envs(SECRETS.iter().copied())
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn hookshield serve");
        let stdout = lines(child.stdout.take().expect("stdout"));
        let mut stderr = lines(child.stderr.take().expect("stderr"));
        let mut metrics = None;
        let addr = loop {
            let line = tokio::time::timeout(Duration::from_secs(30), stderr.recv())
                .await
                .expect("serve printed its address in time")
                .unwrap_or_else(|| panic!("serve ended before serving"));
            if let Some(rest) = line.strip_prefix("hookshield: metrics on http://") {
                let addr = rest.split('/').next().expect("an address");
                metrics = Some(addr.parse().expect("the metrics address"));
            } else if let Some(rest) = line.strip_prefix("hookshield: serving on http://") {
                break rest.parse().expect("the gateway's address");
            }
        };
        Self {
            child,
            addr,
            metrics,
            stdout,
            stderr,
            config: path,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends SIGTERM (a graceful stop).
    pub fn terminate(&self) {
        let pid = self.child.id().expect("running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits (at most `within`) for the process to end.
    pub async fn wait(&mut self, within: Duration) -> ExitStatus {
        tokio::time::timeout(within, self.child.wait())
            .await
            .expect("the gateway ended in time")
            .expect("wait for the gateway")
    }

    /// `GET /metrics` on the operator address.
    pub async fn scrape(&self) -> String {
        let addr = self.metrics.expect("a metrics address");
        reqwest::get(format!("http://{addr}/metrics"))
            .await
            .expect("scrape")
            .text()
            .await
            .expect("metrics text")
    }
}

/// The value of the sample `name{labels}` in Prometheus text (labels in the order the
/// exporter writes them), or 0 when it is absent.
pub fn sample(text: &str, name_and_labels: &str) -> f64 {
    text.lines()
        .filter_map(|line| line.rsplit_once(' '))
        .find(|(key, _)| *key == name_and_labels)
        .map_or(0.0, |(_, value)| value.parse().expect("a number"))
}

/// What an upstream does with the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 200, and the event counts as delivered.
    Accept,
    /// 500: not delivered.
    Fail,
    /// Sleeps this many milliseconds, then accepts.
    Slow(u64),
    /// 307 to another host.
    Redirect,
}

/// An HTTP upstream on loopback that counts deliveries by `X-Hookshield-Event-Id`.
#[derive(Clone)]
pub struct Upstream {
    pub addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    delivered: Arc<Mutex<HashMap<String, usize>>>,
    /// Every request received, accepted or not.
    pub received: Arc<AtomicU64>,
    /// The headers and body of the last request accepted.
    pub last: Arc<Mutex<Option<(HeaderMap, Bytes, String)>>>,
}

impl Upstream {
    pub async fn start() -> Self {
        let upstream = Self {
            addr: "127.0.0.1:0".parse().unwrap(),
            mode: Arc::new(Mutex::new(Mode::Accept)),
            delivered: Arc::default(),
            received: Arc::default(),
            last: Arc::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = upstream.clone();
        let app = Router::new().fallback(
            move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move { state.receive(uri, headers, body).await }
            },
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, ..upstream }
    }

    async fn receive(
        &self,
        uri: axum::http::Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, &'static str) {
        self.received.fetch_add(1, Ordering::SeqCst);
        let mode = *self.mode.lock().unwrap();
        match mode {
            Mode::Fail => return (StatusCode::INTERNAL_SERVER_ERROR, "down"),
            Mode::Slow(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
            Mode::Redirect => return (StatusCode::TEMPORARY_REDIRECT, "elsewhere"),
            Mode::Accept => {}
        }
        let id = headers
            .get("x-hookshield-event-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("<none>")
            .to_owned();
        *self.delivered.lock().unwrap().entry(id).or_default() += 1;
        *self.last.lock().unwrap() = Some((headers, body, uri.to_string()));
        (StatusCode::OK, "<Response/>")
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many times the event `id` was accepted.
    pub fn delivered(&self, id: &str) -> usize {
        self.delivered.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    /// How many distinct events were accepted, and how many deliveries in all.
    pub fn totals(&self) -> (usize, usize) {
        let delivered = self.delivered.lock().unwrap();
        (delivered.len(), delivered.values().sum())
    }
}

/// A signer for one of the presets the tests use, with its secret from [`SECRETS`].
pub fn signer(preset: &str) -> Signer {
    let (builder, var) = match preset {
        "github" => (presets::github(), "GH_SECRET"),
        "stripe" => (presets::stripe(), "STRIPE_SECRET"),
        "twilio" => (presets::twilio(), "TWILIO_TOKEN"),
        other => panic!("no signer for {other}"),
    };
    let text = SECRETS.iter().find(|(k, _)| *k == var).unwrap().1;
    let secret = builder.clone().build().unwrap().parse_secret(text).unwrap();
    Signer::new(builder, secret).unwrap()
}

/// Signs `body` as `preset` would for event `id` (and `url`, for presets that sign it).
pub fn sign(preset: &str, id: &str, url: Option<&str>, body: &[u8]) -> SignedHeaders {
    let mut options = SignOptions::new().id(id);
    if let Some(url) = url {
        options = options.url(url);
    }
    signer(preset).sign(body, &options).unwrap()
}

/// An answer: status, `Retry-After` and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

/// POSTs `body` with `headers` to `url`.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    headers: &SignedHeaders,
    body: &[u8],
    content_type: &str,
) -> Result<Answer, reqwest::Error> {
    let mut request = client
        .post(url)
        .header("content-type", content_type)
        .body(body.to_vec());
    for (name, value) in headers.iter() {
        request = request.header(name, value);
    }
    let answer = request.send().await?;
    let status = answer.status().as_u16();
    let retry_after = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = answer.text().await?;
    Ok(Answer {
        status,
        retry_after,
        body,
    })
}

/// Sends `copies` copies of one signed request at once, each retried after a 409 (in
/// flight) until it gets another answer, as a provider would; returns every final answer.
pub async fn send_copies(
    url: &str,
    headers: &SignedHeaders,
    body: &[u8],
    content_type: &str,
    copies: usize,
) -> Vec<Answer> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..copies {
        let (client, url, headers, body) = (
            client.clone(),
            url.to_owned(),
            headers.clone(),
            body.to_vec(),
        );
        let content_type = content_type.to_owned();
        tasks.spawn(async move {
            loop {
                let answer = post(&client, &url, &headers, &body, &content_type)
                    .await
                    .expect("the gateway answered");
                if answer.status != 409 {
                    return answer;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
    }
    let mut answers = Vec::with_capacity(copies);
    while let Some(answer) = tasks.join_next().await {
        answers.push(answer.unwrap());
    }
    answers
}

/// `redis-cli`-free Redis access for assertions.
pub async fn redis(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .expect("connect to the test's Redis")
}

/// The entries of `stream` whose `id` field is `id`.
pub async fn stream_entries(url: &str, stream: &str, id: &str) -> Vec<HashMap<String, Vec<u8>>> {
    let mut connection = redis(url).await;
    let reply: Vec<(String, Vec<Vec<u8>>)> = redis::cmd("XRANGE")
        .arg(stream)
        .arg("-")
        .arg("+")
        .query_async(&mut connection)
        .await
        .unwrap();
    reply
        .into_iter()
        .map(|(_, flat)| {
            flat.chunks(2)
                .map(|pair| (String::from_utf8(pair[0].clone()).unwrap(), pair[1].clone()))
                .collect::<HashMap<_, _>>()
        })
        .filter(|fields| fields.get("id").map(Vec::as_slice) == Some(id.as_bytes()))
        .collect()
}
