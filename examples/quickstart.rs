//! hookshield quickstart: sign and verify Civo, HCP and Standard Webhooks events the way the
//! providers send them, and watch tampered, stale and wrongly-signed ones being refused.
//!
//! Run with `cargo run --example quickstart`. It prints one row per case and exits with
//! status 1 if any outcome differs from what is expected.
#![allow(clippy::print_stdout)]

use std::process::ExitCode;

use hookshield::{
    ConfigError, ErrorKind, SchemeBuilder, Secret, SignOptions, SignedHeaders, Signer, Verifier,
    presets,
};
use time::{Duration, OffsetDateTime};

/// One request and the outcome hookshield must give it.
struct Case {
    name: &'static str,
    verifier: Verifier,
    headers: SignedHeaders,
    body: Vec<u8>,
    at: OffsetDateTime,
    expected: Result<&'static str, ErrorKind>,
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("configuration error: {err}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, ConfigError> {
    let now = OffsetDateTime::now_utc();
    let civo_body = br#"{"event":"instance.created","resourceID":"a4c8e1f2"}"#.to_vec();
    let hcp_body = br#"{"event_id":"vault.event:Xr8vQ2","event_action":"create","event_source":"hashicorp.vault","resource_id":"vault-1","event_payload":{}}"#.to_vec();
    let sw_body = br#"{"type":"invoice.paid","data":{"amount":4200}}"#.to_vec();

    let civo = Pair::new(presets::civo, "civo-secret-from-the-dashboard")?;
    let hcp = Pair::new(presets::hcp, "hcp-webhook-token")?;
    let sw = Pair::new(
        presets::standard_webhooks,
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    )?;
    let intruder = Pair::new(presets::civo, "not-the-real-secret")?;

    let civo_id = "6b1c4c4e-5f6e-4a4e-9a4e-2f0c9d3b1a7e";
    let at_now = SignOptions::new().timestamp(now);
    let civo_headers = civo.signer.sign(&civo_body, &at_now.clone().id(civo_id))?;
    let sw_headers = sw.signer.sign(
        &sw_body,
        &at_now.clone().id("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
    )?;
    let stale = sw.signer.sign(
        &sw_body,
        &SignOptions::new()
            .timestamp(now - Duration::minutes(10))
            .id("msg_old"),
    )?;
    let mut tampered = civo_body.clone();
    tampered.extend_from_slice(b" ");

    let cases = [
        Case::new(
            "Civo event",
            &civo,
            civo_headers.clone(),
            civo_body.clone(),
            now,
            Ok(civo_id),
        ),
        Case::new(
            "Civo event, body tampered",
            &civo,
            civo_headers,
            tampered,
            now,
            Err(ErrorKind::SignatureMismatch),
        ),
        Case::new(
            "Civo event signed with the wrong secret",
            &civo,
            intruder
                .signer
                .sign(&civo_body, &at_now.clone().id(civo_id))?,
            civo_body,
            now,
            Err(ErrorKind::SignatureMismatch),
        ),
        Case::new(
            "HCP event",
            &hcp,
            hcp.signer.sign(&hcp_body, &at_now)?,
            hcp_body,
            now,
            Ok("vault.event:Xr8vQ2"),
        ),
        Case::new(
            "Standard Webhooks event",
            &sw,
            sw_headers.clone(),
            sw_body.clone(),
            now,
            Ok("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
        ),
        Case::new(
            "Standard Webhooks, replayed 10 min later",
            &sw,
            sw_headers,
            sw_body.clone(),
            now + Duration::minutes(10),
            Err(ErrorKind::TimestampOutOfWindow),
        ),
        Case::new(
            "Standard Webhooks, signed 10 min ago",
            &sw,
            stale,
            sw_body,
            now,
            Err(ErrorKind::TimestampOutOfWindow),
        ),
    ];

    println!(
        "{:<42} {:<8} {:<52} {}",
        "case", "status", "outcome", "as expected"
    );
    let mut all_good = true;
    for case in &cases {
        let (status, outcome, good) = case.run();
        all_good &= good;
        println!(
            "{:<42} {status:<8} {outcome:<52} {}",
            case.name,
            if good { "yes" } else { "NO" }
        );
    }
    println!();
    println!(
        "{}",
        if all_good {
            "all cases behaved as expected"
        } else {
            "SOME CASES DIFFERED"
        }
    );
    Ok(all_good)
}

/// A provider's verifier and signer sharing one secret.
struct Pair {
    verifier: Verifier,
    signer: Signer,
}

impl Pair {
    fn new(preset: fn() -> SchemeBuilder, secret_text: &str) -> Result<Self, ConfigError> {
        let verifier = Verifier::builder(preset())
            .encoded_secret(secret_text)
            .build()?;
        let secret: Secret = verifier.scheme().parse_secret(secret_text)?;
        Ok(Self {
            signer: Signer::new(preset(), secret)?,
            verifier,
        })
    }
}

impl Case {
    fn new(
        name: &'static str,
        pair: &Pair,
        headers: SignedHeaders,
        body: Vec<u8>,
        at: OffsetDateTime,
        expected: Result<&'static str, ErrorKind>,
    ) -> Self {
        Self {
            name,
            verifier: pair.verifier.clone(),
            headers,
            body,
            at,
            expected,
        }
    }

    /// Verifies, and says the HTTP status, the outcome and whether it is the expected one.
    fn run(&self) -> (u16, String, bool) {
        match (
            self.verifier.verify_at(&self.headers, &self.body, self.at),
            self.expected,
        ) {
            (Ok(verified), expected) => {
                let good = expected == Ok(verified.event_id());
                (200, format!("verified, id {}", verified.event_id()), good)
            }
            (Err(err), expected) => (
                err.status(),
                format!("refused: {}", err.code()),
                expected == Err(err.kind()),
            ),
        }
    }
}
