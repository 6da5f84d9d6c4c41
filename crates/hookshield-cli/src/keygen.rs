//! `hookshield keygen`: a fresh key pair in the provider's formats, for presets that sign
//! with one: Discord (hex seed, hex public key), SendGrid (PKCS#8 PEM, base64 DER
//! SubjectPublicKeyInfo as its dashboard shows it), Standard Webhooks `v1a` (`whsk_…`,
//! `whpk_…`).
//!
//! A preset that signs with a shared secret is a usage error: its secret is whatever the
//! provider shows (or any text, for a test), and there is no pair to make.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use hookshield_core::{Algorithm, PrivateKey, presets};
use zeroize::Zeroizing;

use crate::UsageError;
use crate::args::KeygenArgs;
use crate::secret_source::{key_pair, key_pair_presets};

/// Where the private key goes.
const PRIVATE_FOR: &str = "the sender: hookshield sign or send --private-key-env VAR \
                           (or --private-key-file PATH); keep it secret";

/// Where the public key goes.
const PUBLIC_FOR: &str = "the receiver: hookshield verify or listen --secret-env VAR \
                          (or --secret-file PATH)";

/// Room for the largest output (a P-256 PEM and its public key), so that the buffer
/// holding the private key is never reallocated and left behind unwiped.
const OUTPUT_CAPACITY: usize = 4096;

/// A fresh key pair, in the provider's text forms.
struct Pair {
    algorithm: Algorithm,
    /// The version tag of the entries the key signs, for a scheme that signs with secrets
    /// too (`v1a`).
    entries: Option<String>,
    private: Zeroizing<String>,
    public: String,
    fingerprint: String,
}

pub(crate) fn run(args: &KeygenArgs) -> Result<ExitCode, UsageError> {
    let scheme = presets::by_name(&args.preset)?.build()?;
    let name = scheme.name();
    let Some((algorithm, entries)) = key_pair(&scheme) else {
        return Err(UsageError(format!(
            "--preset {name} signs with a shared secret, not a key pair: there is nothing to \
             generate (give sign, send, verify and listen the secret the provider shows, with \
             --secret-env VAR); keygen makes key pairs for {}",
            key_pair_presets()
        )));
    };
    let key = PrivateKey::generate(algorithm)?;
    // The scheme's public-key entries are Standard Webhooks' `v1a`: its own forms.
    let standard = entries.and_then(|_| key.to_standard_webhooks());
    let (private, public) = match standard {
        Some(pair) => pair,
        None => (key.to_text(), key.public_key().to_text()),
    };
    let pair = Pair {
        algorithm,
        entries: entries.map(str::to_owned),
        private,
        public,
        fingerprint: key.public_key().fingerprint(),
    };
    let mut stdout = std::io::stdout();
    let written = if args.json {
        stdout.write_all(&json(name, &pair)?)
    } else {
        stdout.write_all(text(name, &pair)?.as_bytes())
    };
    written.map_err(|e| UsageError(format!("cannot write to standard output: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// The pair as text: a heading, then each key under the line that says where it goes.
fn text(name: &str, pair: &Pair) -> Result<Zeroizing<String>, UsageError> {
    let mut out = Zeroizing::new(String::with_capacity(OUTPUT_CAPACITY));
    let signs = pair
        .entries
        .as_deref()
        .map(|version| format!(", for {version} signatures"))
        .unwrap_or_default();
    writeln!(
        out,
        "# {name}: a fresh {} key pair{signs} (public key {})",
        pair.algorithm, pair.fingerprint
    )?;
    writeln!(out, "# Private key, for {PRIVATE_FOR}:")?;
    writeln!(out, "{}", pair.private.trim_end())?;
    writeln!(out, "# Public key, for {PUBLIC_FOR}:")?;
    writeln!(out, "{}", pair.public)?;
    Ok(out)
}

/// The pair as one JSON object, and a newline.
fn json(name: &str, pair: &Pair) -> Result<Zeroizing<Vec<u8>>, UsageError> {
    let algorithm = pair.algorithm.to_string();
    // Borrowed strings: the private key is copied into the wiped output buffer only.
    let object: BTreeMap<&str, Option<&str>> = BTreeMap::from([
        ("preset", Some(name)),
        ("algorithm", Some(algorithm.as_str())),
        ("entries", pair.entries.as_deref()),
        ("private_key", Some(pair.private.as_str())),
        ("private_key_for", Some(PRIVATE_FOR)),
        ("public_key", Some(pair.public.as_str())),
        ("public_key_for", Some(PUBLIC_FOR)),
        ("fingerprint", Some(pair.fingerprint.as_str())),
    ]);
    let mut out = Zeroizing::new(Vec::with_capacity(OUTPUT_CAPACITY));
    serde_json::to_writer(&mut *out, &object)?;
    out.push(b'\n');
    Ok(out)
}
