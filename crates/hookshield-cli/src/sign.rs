//! `hookshield sign`.

use std::process::ExitCode;

use hookshield_core::{SignOptions, SignedHeaders, Signer};

use crate::UsageError;
use crate::args::{Common, PrivateKeyArgs, SignArgs};
use crate::request_url::{self, FullUrl};
use crate::secret_source;

pub(crate) fn run(args: &SignArgs) -> Result<ExitCode, UsageError> {
    let (signer, body) = prepare(&args.common, &args.private_key, &args.method)?;
    let scheme = signer.scheme();
    let url = match &args.url {
        Some(url) => Some(FullUrl::parse(url, "--url")?.to_url()),
        None if scheme.signs_url() => {
            return Err(request_url::url_required(
                &args.common.scheme.preset,
                "--url",
                "https://… (the full URL the provider calls)",
            ));
        }
        None => None,
    };
    let content_type = request_url::content_type(args.content_type.as_deref(), scheme);
    let signed_url = url
        .as_deref()
        .map(|url| request_url::with_body_hash(&signer, url, &body, content_type));
    let request = Request {
        url: signed_url.as_deref(),
        method: &args.method,
    };
    let headers = sign(&signer, &args.common, args.id.as_deref(), &body, request)?;
    for (name, value) in headers.iter() {
        println!("{name}: {value}");
    }
    // Twilio signs a JSON body by its hash in the URL: the request goes to that URL.
    if let (Some(given), Some(signed)) = (&args.url, &signed_url)
        && given != signed
        && scheme.signs_url()
    {
        eprintln!("hookshield: signed URL: {signed}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The request a body is signed for: the full URL and the method, used by presets that
/// sign them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub(crate) url: Option<&'a str>,
    pub(crate) method: &'a str,
}

/// The signer for the preset (its secrets and private keys), and the body of a request
/// with `method`.
pub(crate) fn prepare(
    common: &Common,
    private_key: &PrivateKeyArgs,
    method: &str,
) -> Result<(Signer, Vec<u8>), UsageError> {
    let signer = secret_source::signer(&common.scheme, private_key)?;
    let body = common.body_for(method)?;
    Ok((signer, body))
}

/// The headers a provider would send with `body` for `request`.
pub(crate) fn sign(
    signer: &Signer,
    common: &Common,
    id: Option<&str>,
    body: &[u8],
    request: Request<'_>,
) -> Result<SignedHeaders, UsageError> {
    let mut options = SignOptions::new();
    if let Some(at) = common.instant()? {
        options = options.timestamp(at);
    }
    if let Some(id) = id {
        options = options.id(id);
    }
    // Only schemes that sign the request read the URL and method.
    if signer.scheme().signs_request() {
        options = options.method(request.method);
        if let Some(url) = request.url {
            options = options.url(url);
        }
    }
    Ok(signer.sign(body, &options)?)
}
