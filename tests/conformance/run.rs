//! Runs cases: sends each step's request over real HTTP to a fresh server of an adapter,
//! compares what came back with what the step expects, and checks the handler's runs and
//! bytes at the end.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::Method;
use tokio::sync::Semaphore;

use crate::case::{COPIES, Case, RELEASE_WITHIN, Request};
use crate::expect::{Answer, Observed, duplicate, handled, in_flight, matches};
use crate::routed::{Adapter, Running};
use crate::support::{Headers, Reply, client, post_chunked, post_declared, try_send};

/// Sends one step's request to the server at `addr` (`url`) and says what came back.
async fn execute(addr: SocketAddr, url: String, send: Request) -> Observed {
    match send {
        Request::Post { headers, body } => match try_send(&client(), &url, &headers, body).await {
            Ok(reply) => Observed::Answer(Answer::from_reply(&reply)),
            Err(error) => Observed::NoAnswer(format!("{error:?}")),
        },
        Request::Chunked { headers, chunks } => {
            let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            Observed::Answer(Answer::from_raw(
                &post_chunked(addr, &headers, &chunks).await,
            ))
        }
        Request::Declared {
            headers,
            declared,
            sent,
        } => {
            let within = Duration::from_secs(3);
            let reply = post_declared(addr, &headers, declared, &sent, within).await;
            Observed::Answer(Answer::from_raw(&reply))
        }
        Request::Concurrent { headers, body } => concurrent(&url, &headers, &body).await,
        Request::GiveUp {
            headers,
            body,
            after,
        } => {
            let impatient = reqwest::Client::builder().timeout(after).build().unwrap();
            let result = try_send(&impatient, &url, &headers, body).await;
            drop(impatient);
            match result {
                Ok(reply) => Observed::Answer(Answer::from_reply(&reply)),
                Err(error) if error.is_timeout() => Observed::NoAnswer("timeout".to_owned()),
                Err(error) => Observed::NoAnswer(format!("{error:?}")),
            }
        }
        Request::To {
            method,
            target,
            headers,
            body,
        } => {
            let url = format!("http://{addr}{target}");
            match send_to(&client(), method, &url, &headers, body).await {
                Ok(reply) => Observed::Answer(Answer::from_reply(&reply)),
                Err(error) => Observed::NoAnswer(format!("{error:?}")),
            }
        }
        Request::UntilHandled { headers, body } => {
            let deadline = Instant::now() + RELEASE_WITHIN;
            loop {
                let answer = match try_send(&client(), &url, &headers, body.clone()).await {
                    Ok(reply) => Answer::from_reply(&reply),
                    Err(error) => return Observed::NoAnswer(format!("{error:?}")),
                };
                if answer != in_flight() || Instant::now() > deadline {
                    return Observed::Answer(answer);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// Sends `COPIES` copies at once and tallies the answers.
async fn concurrent(url: &str, headers: &Headers, body: &[u8]) -> Observed {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(COPIES)
        .build()
        .unwrap();
    let start = Arc::new(Semaphore::new(0));
    let tasks: Vec<_> = (0..COPIES)
        .map(|_| {
            let (client, url, headers, body) = (
                client.clone(),
                url.to_owned(),
                headers.clone(),
                body.to_vec(),
            );
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                // Released all at once.
                drop(start.acquire().await.unwrap());
                try_send(&client, &url, &headers, body).await
            })
        })
        .collect();
    start.add_permits(COPIES);
    let (mut handled_, mut in_flight_, mut duplicates, mut others) = (0, 0, 0, Vec::new());
    for task in tasks {
        match task.await.unwrap() {
            Ok(reply) => {
                let answer = Answer::from_reply(&reply);
                if answer == handled() {
                    handled_ += 1;
                } else if answer == in_flight() {
                    in_flight_ += 1;
                } else if answer == duplicate() {
                    duplicates += 1;
                } else {
                    others.push(answer);
                }
            }
            Err(error) => others.push(Answer::new(0, "", None, format!("{error}").as_bytes())),
        }
    }
    Observed::Concurrent {
        handled: handled_,
        in_flight: in_flight_,
        duplicates,
        others,
    }
}

/// Sends `body` with `method` and `headers` to `url` and reads the whole answer.
async fn send_to(
    client: &reqwest::Client,
    method: Method,
    url: &str,
    headers: &Headers,
    body: Vec<u8>,
) -> Result<Reply, reqwest::Error> {
    let mut request = client.request(method, url);
    if !body.is_empty() {
        request = request.body(body);
    }
    crate::support::read_reply(request, headers).await
}

/// Runs `case` against a fresh server of `adapter`; answers the mismatches and a
/// transcript of what was observed.
pub(crate) async fn run_case(adapter: Adapter, case: &Case) -> (Vec<String>, Vec<Observed>) {
    let server: Running = adapter.start(&case.serve);
    let (addr, url) = (server.addr, crate::support::url(server.addr));
    let mut failures = Vec::new();
    let mut transcript = Vec::new();
    for (n, step) in case.steps.iter().enumerate() {
        // In a task of its own, so that a panicking helper is a mismatch, not the end.
        let observed = match tokio::spawn(execute(addr, url.clone(), step.send.clone())).await {
            Ok(observed) => observed,
            Err(error) => Observed::Failed(panic_message(error)),
        };
        if !matches(&step.expect, &observed) {
            failures.push(format!(
                "{} | {} | step {}: expected {:?}\n      observed {:?}",
                case.name,
                adapter.name(),
                n + 1,
                step.expect,
                observed
            ));
        }
        transcript.push(observed);
    }
    let runs = server.handler.calls.get();
    if runs != case.runs {
        failures.push(format!(
            "{} | {} | the handler ran {runs} times, expected {}",
            case.name,
            adapter.name(),
            case.runs
        ));
    }
    if let Some(expected) = &case.bodies {
        let got: Vec<Vec<u8>> = server
            .handler
            .bodies
            .all()
            .iter()
            .map(|b| b.to_vec())
            .collect();
        if &got != expected {
            failures.push(format!(
                "{} | {} | the handler got other bytes: {got:?}, expected {expected:?}",
                case.name,
                adapter.name()
            ));
        }
    }
    drop(server);
    (failures, transcript)
}

fn panic_message(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned()),
        Err(error) => error.to_string(),
    }
}

/// What [`run_all`] saw: the mismatches, and per adapter (in order) its name and the
/// transcript of every case.
pub(crate) type Outcome = (Vec<String>, Vec<(&'static str, Vec<Vec<Observed>>)>);

/// Runs every case on every adapter: the adapters side by side, each through the whole
/// table, case after case.
pub(crate) async fn run_all(adapters: Vec<Adapter>, cases: Vec<Case>) -> Outcome {
    let cases = Arc::new(cases);
    let runs: Vec<_> = adapters
        .into_iter()
        .map(|adapter| {
            let cases = Arc::clone(&cases);
            tokio::spawn(async move {
                let mut failures = Vec::new();
                let mut transcripts = Vec::new();
                for case in cases.iter() {
                    let (mut failed, transcript) = run_case(adapter, case).await;
                    failures.append(&mut failed);
                    transcripts.push(transcript);
                }
                (adapter.name(), failures, transcripts)
            })
        })
        .collect();
    let mut failures = Vec::new();
    let mut transcripts = Vec::new();
    for run in runs {
        let (name, mut failed, transcript) = run.await.unwrap();
        failures.append(&mut failed);
        transcripts.push((name, transcript));
    }
    (failures, transcripts)
}

/// Fails with every mismatch of `failures`, if any.
#[track_caller]
pub(crate) fn assert_alike(failures: &[String], cases: usize, adapters: usize) {
    assert!(
        failures.is_empty(),
        "{} mismatches across {cases} cases x {adapters} adapters:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
