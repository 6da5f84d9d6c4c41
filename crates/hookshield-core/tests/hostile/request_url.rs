//! Schemes that sign the request's URL (Twilio, Square, HubSpot): every part of the URL
//! tampered with, HubSpot's decoded escapes, Twilio's form bodies and `bodySHA256`,
//! forwarded headers trusted or not, and verification without the request.

use hookshield_core::{IdOrigin, Reason as R};

use crate::support::{
    Case, Cases, Expect, Pairs,
    Preset::{self, Hubspot, Square, Twilio},
    Setup, accept, accept_baseline, digest, hmac_b64, plus, reject, sign_request, sign_request_at,
    url_with_body_hash, with,
};

/// The public URL every request is sent to.
const PUBLIC: &str = "https://hooks.example.com";
const TW_TARGET: &str = "/twilio?foo=1&bar=2";
const FORM: &[u8] =
    b"CallSid=CA123&From=%2B14158675309&To=%2B18005551212&Body=Hello+world&MediaUrl0=";
const JSON: &[u8] = br#"{"property":"value","boolean":true}"#;
const SQ_TARGET: &str = "/square/679a4f3a";
const SQ_BODY: &[u8] =
    br#"{"merchant_id":"MLEFBHHSJGVHD","type":"payment.created","event_id":"ac3ac95b-f97d"}"#;
/// HubSpot decodes `%40` and `%3A` before signing, and keeps `%20`.
const HS_TARGET: &str = "/hubspot?to=a%40b.c&at=10%3A00&q=x%20y";
const HS_BODY: &[u8] = br#"[{"eventId":1,"subscriptionId":2,"portalId":3,"attemptNumber":0}]"#;

fn url(target: &str) -> String {
    format!("{PUBLIC}{target}")
}

/// Twilio's headers signed by hand: base64 HMAC-SHA1 of the URL and the canonical form
/// (`canonical`, written as Twilio's docs describe), id `msg_1`.
fn twilio_by_hand(url: &str, canonical: &[u8]) -> Pairs {
    use base64::Engine as _;
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(Twilio.key().expose()).unwrap();
    mac.update(url.as_bytes());
    mac.update(canonical);
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    vec![
        ("I-Twilio-Idempotency-Token".to_owned(), b"msg_1".to_vec()),
        ("X-Twilio-Signature".to_owned(), signature.into_bytes()),
    ]
}

/// `headers` and `body` received by `preset` as `method target`, by a verifier with `setup`.
fn received(
    name: &'static str,
    preset: Preset,
    (method, target): (&str, &str),
    headers: Pairs,
    body: &[u8],
    setup: Setup,
    expect: Expect,
) -> Case {
    Case::new(name, preset, headers, body, expect)
        .at(method, target)
        .setup(setup)
}

/// This topic's cases, in catalogue order.
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = Cases::new();
    twilio_url(&mut cases);
    twilio_forms(&mut cases);
    twilio_body_hash(&mut cases);
    forwarded(&mut cases);
    square(&mut cases);
    hubspot(&mut cases);
    cases.into_vec()
}

/// Twilio: the URL it called, byte for byte, but the default port either way.
fn twilio_url(cases: &mut Cases) {
    let signed = sign_request(Twilio, "POST", &url(TW_TARGET), FORM);
    let public = || Setup::public(PUBLIC);
    let post = |target| ("POST", target);
    for (name, setup, (method, target), expect) in [
        (
            "twilio: form body, valid baseline",
            public(),
            post(TW_TARGET),
            accept_baseline(),
        ),
        (
            "twilio: received as GET (the method is not signed)",
            public(),
            ("GET", TW_TARGET),
            accept_baseline(),
        ),
        (
            "twilio: public URL with http for https",
            Setup::public("http://hooks.example.com"),
            post(TW_TARGET),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: public URL with another host",
            Setup::public("https://hooks.example.org"),
            post(TW_TARGET),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: public URL with the default port written (Twilio's SDKs accept it)",
            Setup::public("https://hooks.example.com:443"),
            post(TW_TARGET),
            accept_baseline(),
        ),
        (
            "twilio: public URL with another port",
            Setup::public("https://hooks.example.com:8443"),
            post(TW_TARGET),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: public URL with the http port for https",
            Setup::public("https://hooks.example.com:80"),
            post(TW_TARGET),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: public URL with a path prefix the provider did not call",
            Setup::public("https://hooks.example.com/api"),
            post(TW_TARGET),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: public URL with a trailing slash (dropped)",
            Setup::public("https://hooks.example.com/"),
            post(TW_TARGET),
            accept_baseline(),
        ),
        (
            "twilio: another path",
            public(),
            post("/twilio2?foo=1&bar=2"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: path in another case",
            public(),
            post("/Twilio?foo=1&bar=2"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: trailing slash added to the path",
            public(),
            post("/twilio/?foo=1&bar=2"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: query value changed",
            public(),
            post("/twilio?foo=1&bar=3"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: query reordered",
            public(),
            post("/twilio?bar=2&foo=1"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: query dropped",
            public(),
            post("/twilio"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: query parameter added",
            public(),
            post("/twilio?foo=1&bar=2&admin=1"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: query escaped differently (%31 for 1)",
            public(),
            post("/twilio?foo=%31&bar=2"),
            reject(R::SignatureMismatch),
        ),
        (
            "twilio: a fragment appended",
            public(),
            post("/twilio?foo=1&bar=2#x"),
            reject(R::SignatureMismatch),
        ),
    ] {
        cases.push(received(
            name,
            Twilio,
            (method, target),
            signed.clone(),
            FORM,
            setup,
            expect,
        ));
    }
    // Verified without the request: the app's wiring, not the request, is wrong.
    cases.push(
        Case::new(
            "twilio: verify() without the request is a configuration error (500)",
            Twilio,
            signed.clone(),
            FORM,
            reject(R::NoRequestContext),
        )
        .setup(Setup::public(PUBLIC)),
    );
    cases.push(received(
        "twilio: unsigned request",
        Twilio,
        post(TW_TARGET),
        Vec::new(),
        FORM,
        Setup::public(PUBLIC),
        reject(R::MissingSignature),
    ));
    cases.push(received(
        "twilio: signature repeated",
        Twilio,
        post(TW_TARGET),
        plus(
            signed.clone(),
            "x-twilio-signature",
            crate::support::get_str(&signed, "X-Twilio-Signature"),
        ),
        FORM,
        Setup::public(PUBLIC),
        reject(R::RepeatedHeader),
    ));
    cases.push(received(
        "twilio: signature in hex rather than base64",
        Twilio,
        post(TW_TARGET),
        with(signed, "X-Twilio-Signature", "ab".repeat(20)),
        FORM,
        Setup::public(PUBLIC),
        reject(R::SignatureEncoding),
    ));
}

/// Twilio's form bodies: fields sorted and decoded before signing, bounded in number.
fn twilio_forms(cases: &mut Cases) {
    let target_url = url(TW_TARGET);
    let signed = sign_request(Twilio, "POST", &target_url, FORM);
    let twilio = |name, headers: Pairs, body: &[u8], expect| {
        received(
            name,
            Twilio,
            ("POST", TW_TARGET),
            headers,
            body,
            Setup::public(PUBLIC),
            expect,
        )
    };
    for (name, body, expect) in [
        (
            "twilio form: fields reordered",
            &b"To=%2B18005551212&Body=Hello+world&MediaUrl0=&CallSid=CA123&From=%2B14158675309"[..],
            accept_baseline(),
        ),
        (
            "twilio form: a field repeated with the same value (counted once)",
            b"CallSid=CA123&From=%2B14158675309&To=%2B18005551212&Body=Hello+world&MediaUrl0=&Body=Hello+world",
            accept_baseline(),
        ),
        (
            "twilio form: a field repeated with another value",
            b"CallSid=CA123&From=%2B14158675309&To=%2B18005551212&Body=Hello+world&MediaUrl0=&Body=Bye",
            reject(R::SignatureMismatch),
        ),
        (
            "twilio form: empty segments (skipped)",
            b"&&CallSid=CA123&From=%2B14158675309&&To=%2B18005551212&Body=Hello+world&MediaUrl0=&",
            accept_baseline(),
        ),
        (
            "twilio form: + and %20 are the same space, `x` and `x=` the same field",
            b"CallSid=CA123&From=%2B14158675309&To=%2B18005551212&Body=Hello%20world&MediaUrl0",
            accept_baseline(),
        ),
        (
            "twilio form: a + left raw in a number is a space",
            b"CallSid=CA123&From=+14158675309&To=%2B18005551212&Body=Hello+world&MediaUrl0=",
            reject(R::SignatureMismatch),
        ),
        (
            "twilio form: a field dropped",
            b"CallSid=CA123&From=%2B14158675309&To=%2B18005551212&Body=Hello+world",
            reject(R::SignatureMismatch),
        ),
        (
            "twilio form: a field added",
            b"CallSid=CA123&From=%2B14158675309&To=%2B18005551212&Body=Hello+world&MediaUrl0=&Price=0",
            reject(R::SignatureMismatch),
        ),
        (
            "twilio form: a value moved to another name",
            b"CallSid=CA123&From=%2B18005551212&To=%2B14158675309&Body=Hello+world&MediaUrl0=",
            reject(R::SignatureMismatch),
        ),
        // Twilio writes name and value with no separator: the boundary is not signed.
        (
            "twilio form: the name/value boundary moved (BodyH=ello), as Twilio signs",
            b"CallSid=CA123&From=%2B14158675309&To=%2B18005551212&BodyH=ello+world&MediaUrl0=",
            accept_baseline(),
        ),
        (
            "twilio form: a JSON body under a form signature",
            JSON,
            reject(R::SignatureMismatch),
        ),
    ] {
        cases.push(twilio(name, signed.clone(), body, expect));
    }

    // Field limits: 1024 fields are read, 1025 are refused before any MAC is computed.
    let fields = |n: usize| {
        (0..n)
            .map(|i| format!("f{i}=v"))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes()
    };
    let most = fields(1024);
    cases.push(twilio(
        "twilio form: 1024 fields, signed",
        sign_request(Twilio, "POST", &target_url, &most),
        &most,
        accept_baseline(),
    ));
    cases.push(twilio(
        "twilio form: 1025 fields",
        signed.clone(),
        &fields(1025),
        reject(R::FormSyntax),
    ));
    cases.push(twilio(
        "twilio form: 100 000 empty-named fields",
        signed.clone(),
        "=&".repeat(100_000).as_bytes(),
        reject(R::FormSyntax),
    ));
    let separators = "&".repeat(100_000);
    cases.push(twilio(
        "twilio form: 100 000 separators and no field",
        sign_request(Twilio, "POST", &target_url, separators.as_bytes()),
        separators.as_bytes(),
        accept_baseline(),
    ));

    // Escapes and bytes that are not UTF-8, signed as they decode.
    for (name, body) in [
        (
            "twilio form: invalid percent escapes kept as written, signed",
            &b"Body=%zz%&To=%2&From=%%41"[..],
        ),
        (
            "twilio form: escapes of bytes that are not UTF-8, signed",
            b"Body=%ff%fe&From=%C3%28",
        ),
        (
            "twilio form: raw bytes that are not UTF-8, signed",
            b"Body=\xff\xfe\x00&\xc3(=1",
        ),
        (
            "twilio form: escaped separators inside values, signed",
            b"Body=a%26b%3Dc&To=%2B1",
        ),
    ] {
        cases.push(twilio(
            name,
            sign_request(Twilio, "POST", &target_url, body),
            body,
            accept_baseline(),
        ));
    }
    let invalid = sign_request(Twilio, "POST", &target_url, b"Body=%ff");
    cases.push(twilio(
        "twilio form: one byte that is not UTF-8 for another (both U+FFFD, as Twilio's SDKs read forms)",
        invalid.clone(),
        b"Body=%fe",
        accept_baseline(),
    ));
    cases.push(twilio(
        "twilio form: U+FFFD itself for a byte that is not UTF-8",
        invalid,
        b"Body=%EF%BF%BD",
        accept_baseline(),
    ));
    cases.push(twilio(
        "twilio form: an escaped letter for the letter",
        sign_request(Twilio, "POST", &target_url, b"Body=Hi"),
        b"Body=%48%69",
        accept_baseline(),
    ));

    // One huge field: no limit but the body's, and every byte counts.
    let huge = format!("Body={}", "x".repeat(256 * 1024)).into_bytes();
    let huge_signed = sign_request(Twilio, "POST", &target_url, &huge);
    cases.push(twilio(
        "twilio form: one 256 KiB field, signed",
        huge_signed.clone(),
        &huge,
        accept_baseline(),
    ));
    let mut changed = huge.clone();
    *changed.last_mut().unwrap() = b'y';
    cases.push(twilio(
        "twilio form: one 256 KiB field, last byte changed",
        huge_signed,
        &changed,
        reject(R::SignatureMismatch),
    ));
}

/// Twilio's JSON bodies: `bodySHA256` in the URL, the URL alone signed, the body checked
/// against the hash after the signature.
fn twilio_body_hash(cases: &mut Cases) {
    let hashed_url = url_with_body_hash(Twilio, &url(TW_TARGET), JSON);
    let hashed = hashed_url.strip_prefix(PUBLIC).unwrap().to_owned();
    let hash = hashed.rsplit_once('=').unwrap().1.to_owned();
    let signed = sign_request(Twilio, "POST", &hashed_url, JSON);
    let other_body = br#"{"property":"value","boolean":false}"#;
    let twilio = |name, target: &str, headers: Pairs, body: &[u8], expect| {
        received(
            name,
            Twilio,
            ("POST", target),
            headers,
            body,
            Setup::public(PUBLIC),
            expect,
        )
    };
    // Signed for `target`, sent to it with `body`.
    let signed_for = |target: &str, body: &[u8]| sign_request(Twilio, "POST", &url(target), body);

    cases.push(twilio(
        "twilio json: bodySHA256 matches",
        &hashed,
        signed.clone(),
        JSON,
        accept_baseline(),
    ));
    cases.push(twilio(
        "twilio json: body changed, hash and signature kept",
        &hashed,
        signed.clone(),
        other_body,
        reject(R::BodyHashMismatch),
    ));
    cases.push(twilio(
        "twilio json: a form body under a hashed URL",
        &hashed,
        signed.clone(),
        FORM,
        reject(R::BodyHashMismatch),
    ));
    cases.push(twilio(
        "twilio json: empty body under a hashed URL",
        &hashed,
        signed.clone(),
        b"",
        reject(R::BodyHashMismatch),
    ));
    cases.push(twilio(
        "twilio json: bodySHA256 removed from the URL",
        TW_TARGET,
        signed.clone(),
        JSON,
        reject(R::SignatureMismatch),
    ));
    cases.push(twilio(
        "twilio json: bodySHA256 repeated with the same value",
        &format!("{hashed}&bodySHA256={hash}"),
        signed.clone(),
        JSON,
        reject(R::BodyHashMismatch),
    ));
    // The signer refuses such URLs: signed by hand, over the URL alone.
    let twice = format!("{hashed}&bodySHA256={hash}");
    cases.push(twilio(
        "twilio json: bodySHA256 repeated, signed so",
        &twice,
        twilio_by_hand(&url(&twice), b""),
        JSON,
        reject(R::BodyHashMismatch),
    ));
    let other_first = format!(
        "{TW_TARGET}&bodySHA256={}&bodySHA256={hash}",
        "0".repeat(64)
    );
    cases.push(twilio(
        "twilio json: bodySHA256 repeated, a wrong one first, signed so",
        &other_first,
        twilio_by_hand(&url(&other_first), b""),
        JSON,
        reject(R::BodyHashMismatch),
    ));
    let upper = format!("{TW_TARGET}&bodySHA256={}", hash.to_ascii_uppercase());
    cases.push(twilio(
        "twilio json: bodySHA256 in upper case after signing",
        &upper,
        signed.clone(),
        JSON,
        reject(R::SignatureMismatch),
    ));
    cases.push(twilio(
        "twilio json: bodySHA256 in upper case, signed so (hex in either case)",
        &upper,
        signed_for(&upper, JSON),
        JSON,
        accept_baseline(),
    ));
    let of_other = url_with_body_hash(Twilio, &url(TW_TARGET), other_body);
    let of_other = of_other.strip_prefix(PUBLIC).unwrap();
    cases.push(twilio(
        "twilio json: bodySHA256 of another body, signed",
        of_other,
        signed_for(of_other, JSON),
        JSON,
        reject(R::BodyHashMismatch),
    ));
    for (name, value) in [
        ("twilio json: empty bodySHA256, signed", String::new()),
        (
            "twilio json: bodySHA256 truncated, signed",
            hash[..63].to_owned(),
        ),
        (
            "twilio json: bodySHA256 with a byte more, signed",
            format!("{hash}0"),
        ),
        (
            "twilio json: bodySHA256 in base64, signed",
            "CqH3Y02au7Ndtcmi3+lBbkFQKyg6gMfPGWMmMvlmZiA=".to_owned(),
        ),
        ("twilio json: bodySHA256 not hex, signed", "z".repeat(64)),
    ] {
        let target = format!("{TW_TARGET}&bodySHA256={value}");
        cases.push(twilio(
            name,
            &target,
            signed_for(&target, JSON),
            JSON,
            reject(R::BodyHashMismatch),
        ));
    }
    // The parameter is read from the decoded query, as Twilio's SDKs read it.
    let escaped_name = format!("{TW_TARGET}&body%53HA256={hash}");
    cases.push(twilio(
        "twilio json: the parameter's name escaped, signed (the same parameter)",
        &escaped_name,
        signed_for(&escaped_name, JSON),
        JSON,
        accept_baseline(),
    ));
    cases.push(twilio(
        "twilio json: the parameter's name escaped after signing",
        &escaped_name,
        signed.clone(),
        JSON,
        reject(R::SignatureMismatch),
    ));
    let no_query = url_with_body_hash(Twilio, &url("/twilio"), JSON);
    let no_query = no_query.strip_prefix(PUBLIC).unwrap();
    cases.push(twilio(
        "twilio json: bodySHA256 as the only parameter",
        no_query,
        signed_for(no_query, JSON),
        JSON,
        accept_baseline(),
    ));
    // The signature of an empty form posted to the root covers the URL `…/` alone: a
    // bare query received is the root's, so it is part of the URL.
    let root = sign_request(Twilio, "POST", &url("/"), b"");
    let evil = br#"{"transfer":"all"}"#;
    let evil_hash = url_with_body_hash(Twilio, "", evil);
    cases.push(twilio(
        "twilio json: the root's signature with a bare ?bodySHA256= of another body",
        &evil_hash,
        root.clone(),
        evil,
        reject(R::SignatureMismatch),
    ));
    cases.push(twilio(
        "twilio json: the root's signature with /?bodySHA256= of another body",
        &format!("/{evil_hash}"),
        root.clone(),
        evil,
        reject(R::SignatureMismatch),
    ));
    // A target without its leading `/` keeps its query in the signed URL, so the hash it
    // names is never read from outside what was signed.
    cases.push(twilio(
        "twilio json: the root's signature with x?bodySHA256= of another body",
        &format!("x{evil_hash}"),
        root,
        evil,
        reject(R::SignatureMismatch),
    ));
    cases.push(
        Case::new(
            "twilio json: verify() without the request",
            Twilio,
            signed,
            JSON,
            reject(R::NoRequestContext),
        )
        .setup(Setup::public(PUBLIC)),
    );
}

/// The URL from forwarded headers: read only when trusted, and then strictly.
fn forwarded(cases: &mut Cases) {
    let signed = sign_request(Twilio, "POST", &url(TW_TARGET), FORM);
    let trusted = || Setup::trusting(None);
    let host = || with(signed.clone(), "Host", "hooks.example.com");
    let proxied = || with(host(), "X-Forwarded-Proto", "https");
    let xf = |pairs: &[(&str, &[u8])]| pairs.iter().fold(proxied(), |h, (k, v)| plus(h, k, v));
    let rows: Vec<(&'static str, Setup, Pairs, Expect)> = vec![
        (
            "forwarded: Host and X-Forwarded-Proto, trusted, no public URL",
            trusted(),
            proxied(),
            accept_baseline(),
        ),
        (
            "forwarded: Host alone, trusted (http assumed)",
            trusted(),
            host(),
            reject(R::SignatureMismatch),
        ),
        (
            "forwarded: nothing says the host, no public URL",
            trusted(),
            signed.clone(),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Proto alone, no Host, no public URL",
            trusted(),
            with(signed.clone(), "X-Forwarded-Proto", "https"),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: Host repeated, no public URL",
            trusted(),
            plus(proxied(), "host", "evil.example"),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Proto repeated",
            trusted(),
            plus(proxied(), "x-forwarded-proto", "https"),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Proto gopher",
            trusted(),
            with(host(), "X-Forwarded-Proto", "gopher"),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Proto javascript:",
            trusted(),
            with(host(), "X-Forwarded-Proto", "javascript:"),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Proto in upper case",
            trusted(),
            with(host(), "X-Forwarded-Proto", "HTTPS"),
            accept_baseline(),
        ),
        (
            "forwarded: X-Forwarded-Proto list, the first one counts",
            trusted(),
            with(host(), "X-Forwarded-Proto", "https, http"),
            accept_baseline(),
        ),
        (
            "forwarded: X-Forwarded-Proto list, a bad first one",
            trusted(),
            with(host(), "X-Forwarded-Proto", "ftp, https"),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Port 0",
            trusted(),
            xf(&[("X-Forwarded-Port", b"0")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Port 99999",
            trusted(),
            xf(&[("X-Forwarded-Port", b"99999")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Port +443",
            trusted(),
            xf(&[("X-Forwarded-Port", b"+443")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Port 000443 (six digits)",
            trusted(),
            xf(&[("X-Forwarded-Port", b"000443")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Port 443 (the default port, a Twilio variant)",
            trusted(),
            xf(&[("X-Forwarded-Port", b"443")]),
            accept_baseline(),
        ),
        (
            "forwarded: X-Forwarded-Port 8443",
            trusted(),
            xf(&[("X-Forwarded-Port", b"8443")]),
            reject(R::SignatureMismatch),
        ),
        (
            "forwarded: X-Forwarded-Port empty (absent)",
            trusted(),
            xf(&[("X-Forwarded-Port", b"")]),
            accept_baseline(),
        ),
        (
            "forwarded: X-Forwarded-Prefix without a leading slash",
            trusted(),
            xf(&[("X-Forwarded-Prefix", b"hooks")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Prefix with a query",
            trusted(),
            xf(&[("X-Forwarded-Prefix", b"/hooks?admin=1")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Prefix with a space",
            trusted(),
            xf(&[("X-Forwarded-Prefix", b"/ho oks")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Prefix the provider did not call",
            trusted(),
            xf(&[("X-Forwarded-Prefix", b"/hooks")]),
            reject(R::SignatureMismatch),
        ),
        (
            "forwarded: X-Forwarded-Prefix / (nothing)",
            trusted(),
            xf(&[("X-Forwarded-Prefix", b"/")]),
            accept_baseline(),
        ),
        (
            "forwarded: X-Forwarded-Host with a space",
            trusted(),
            xf(&[("X-Forwarded-Host", b"hooks example.com")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Host with a user",
            trusted(),
            xf(&[("X-Forwarded-Host", b"user@hooks.example.com")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Host with a path",
            trusted(),
            xf(&[("X-Forwarded-Host", b"hooks.example.com/x")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Host with port 0",
            trusted(),
            xf(&[("X-Forwarded-Host", b"hooks.example.com:0")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Host not UTF-8",
            trusted(),
            xf(&[("X-Forwarded-Host", b"hooks.\xe9xample.com")]),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: X-Forwarded-Host of another host",
            trusted(),
            xf(&[("X-Forwarded-Host", b"evil.example")]),
            reject(R::SignatureMismatch),
        ),
        (
            "forwarded: X-Forwarded-Host wins over Host",
            trusted(),
            with(
                with(proxied(), "Host", "127.0.0.1:8080"),
                "X-Forwarded-Host",
                "hooks.example.com",
            ),
            accept_baseline(),
        ),
        (
            "forwarded: Forwarded with quoted values",
            trusted(),
            with(
                signed.clone(),
                "Forwarded",
                r#"for="192.0.2.60:4711";proto="https";host="hooks.example.com""#,
            ),
            accept_baseline(),
        ),
        (
            "forwarded: Forwarded, the first element counts",
            trusted(),
            with(
                signed.clone(),
                "Forwarded",
                "for=192.0.2.60;proto=https;host=hooks.example.com, for=10.0.0.1;proto=http;host=evil.example",
            ),
            accept_baseline(),
        ),
        (
            "forwarded: Forwarded wins over X-Forwarded-Host",
            trusted(),
            with(
                with(signed.clone(), "X-Forwarded-Host", "evil.example"),
                "Forwarded",
                "proto=https;host=hooks.example.com",
            ),
            accept_baseline(),
        ),
        (
            "forwarded: Forwarded repeated",
            trusted(),
            plus(
                with(
                    signed.clone(),
                    "Forwarded",
                    "proto=https;host=hooks.example.com",
                ),
                "forwarded",
                "proto=https;host=hooks.example.com",
            ),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: Forwarded with a bad proto",
            trusted(),
            with(
                signed.clone(),
                "Forwarded",
                "proto=gopher;host=hooks.example.com",
            ),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: Forwarded host with an escaped quote",
            trusted(),
            with(
                signed.clone(),
                "Forwarded",
                r#"proto=https;host="hooks.example.com\"x""#,
            ),
            reject(R::ForwardedSyntax),
        ),
        (
            "forwarded: Forwarded host of another host",
            trusted(),
            with(signed.clone(), "Forwarded", "proto=https;host=evil.example"),
            reject(R::SignatureMismatch),
        ),
        (
            "forwarded: Forwarded without pairs (Host stands)",
            trusted(),
            with(proxied(), "Forwarded", "garbage;;,=,"),
            accept_baseline(),
        ),
        // With a public URL and trust, forwarded headers still win.
        (
            "forwarded: X-Forwarded-Host of another host, trusted, public URL set",
            Setup::trusting(Some(PUBLIC)),
            with(signed.clone(), "X-Forwarded-Host", "evil.example"),
            reject(R::SignatureMismatch),
        ),
        (
            "forwarded: X-Forwarded-Proto http, trusted, public URL set",
            Setup::trusting(Some(PUBLIC)),
            with(signed.clone(), "X-Forwarded-Proto", "http"),
            reject(R::SignatureMismatch),
        ),
        (
            "forwarded: nothing forwarded, trusted, public URL set",
            Setup::trusting(Some(PUBLIC)),
            signed.clone(),
            accept_baseline(),
        ),
        // Untrusted: ignored, however broken.
        (
            "forwarded: untrusted X-Forwarded-Host of another host (ignored)",
            Setup::public(PUBLIC),
            with(signed.clone(), "X-Forwarded-Host", "evil.example"),
            accept_baseline(),
        ),
        (
            "forwarded: untrusted X-Forwarded-Proto repeated and gopher (ignored)",
            Setup::public(PUBLIC),
            plus(
                with(signed.clone(), "X-Forwarded-Proto", "gopher"),
                "x-forwarded-proto",
                "http",
            ),
            accept_baseline(),
        ),
        (
            "forwarded: untrusted X-Forwarded-Port 99999 and prefix without slash (ignored)",
            Setup::public(PUBLIC),
            with(
                with(signed.clone(), "X-Forwarded-Port", "99999"),
                "X-Forwarded-Prefix",
                "hooks",
            ),
            accept_baseline(),
        ),
        (
            "forwarded: untrusted Forwarded of another host (ignored)",
            Setup::public(PUBLIC),
            with(signed.clone(), "Forwarded", "proto=http;host=evil.example"),
            accept_baseline(),
        ),
    ];
    for (name, setup, headers, expect) in rows {
        cases.push(received(
            name,
            Twilio,
            ("POST", TW_TARGET),
            headers,
            FORM,
            setup,
            expect,
        ));
    }
    // The prefix a proxy strips, told by the proxy.
    let prefixed = sign_request(Twilio, "POST", &url(&format!("/hooks{TW_TARGET}")), FORM);
    cases.push(received(
        "forwarded: X-Forwarded-Prefix the provider called",
        Twilio,
        ("POST", TW_TARGET),
        with(
            with(
                with(prefixed, "Host", "hooks.example.com"),
                "X-Forwarded-Proto",
                "https",
            ),
            "X-Forwarded-Prefix",
            "/hooks/",
        ),
        FORM,
        trusted(),
        accept_baseline(),
    ));
}

/// Square: the notification URL as registered, byte for byte; no port variants.
fn square(cases: &mut Cases) {
    let signed = sign_request(Square, "POST", &url(SQ_TARGET), SQ_BODY);
    let ok = || accept("ac3ac95b-f97d", IdOrigin::Body);
    for (name, setup, (method, target), body, expect) in [
        (
            "square: valid baseline",
            Setup::public(PUBLIC),
            ("POST", SQ_TARGET),
            SQ_BODY,
            ok(),
        ),
        (
            "square: received as PUT (the method is not signed)",
            Setup::public(PUBLIC),
            ("PUT", SQ_TARGET),
            SQ_BODY,
            ok(),
        ),
        (
            "square: http for https",
            Setup::public("http://hooks.example.com"),
            ("POST", SQ_TARGET),
            SQ_BODY,
            reject(R::SignatureMismatch),
        ),
        (
            "square: the default port written (no variants)",
            Setup::public("https://hooks.example.com:443"),
            ("POST", SQ_TARGET),
            SQ_BODY,
            reject(R::SignatureMismatch),
        ),
        (
            "square: host in another case (kept as written)",
            Setup::public("https://Hooks.example.com"),
            ("POST", SQ_TARGET),
            SQ_BODY,
            reject(R::SignatureMismatch),
        ),
        (
            "square: trailing slash",
            Setup::public(PUBLIC),
            ("POST", "/square/679a4f3a/"),
            SQ_BODY,
            reject(R::SignatureMismatch),
        ),
        (
            "square: query added",
            Setup::public(PUBLIC),
            ("POST", "/square/679a4f3a?x=1"),
            SQ_BODY,
            reject(R::SignatureMismatch),
        ),
        (
            "square: empty query added",
            Setup::public(PUBLIC),
            ("POST", "/square/679a4f3a?"),
            SQ_BODY,
            reject(R::SignatureMismatch),
        ),
        (
            "square: the path's last byte escaped",
            Setup::public(PUBLIC),
            ("POST", "/square/679a4f3%61"),
            SQ_BODY,
            reject(R::SignatureMismatch),
        ),
        (
            "square: body changed",
            Setup::public(PUBLIC),
            ("POST", SQ_TARGET),
            br#"{"merchant_id":"MLEFBHHSJGVHD","type":"payment.created","event_id":"ac3ac95b-f97e"}"#,
            reject(R::SignatureMismatch),
        ),
        (
            "square: no public URL, Host and proto trusted",
            Setup::trusting(None),
            ("POST", SQ_TARGET),
            SQ_BODY,
            ok(),
        ),
    ] {
        let headers = if name.contains("trusted") {
            with(
                with(signed.clone(), "Host", "hooks.example.com"),
                "X-Forwarded-Proto",
                "https",
            )
        } else {
            signed.clone()
        };
        cases.push(received(
            name,
            Square,
            (method, target),
            headers,
            body,
            setup,
            expect,
        ));
    }
    cases.push(
        Case::new(
            "square: verify() without the request",
            Square,
            signed,
            SQ_BODY,
            reject(R::NoRequestContext),
        )
        .setup(Setup::public(PUBLIC)),
    );
}

/// HubSpot v3: method, URL with `:/?@!$'()*,;` decoded, body and a timestamp in ms.
fn hubspot(cases: &mut Cases) {
    let signed = sign_request(Hubspot, "POST", &url(HS_TARGET), HS_BODY);
    let public = || Setup::public(PUBLIC);
    for (name, (method, target), expect) in [
        ("hubspot: valid baseline", ("POST", HS_TARGET), digest()),
        (
            "hubspot: %40 received decoded",
            ("POST", "/hubspot?to=a@b.c&at=10%3A00&q=x%20y"),
            digest(),
        ),
        (
            "hubspot: %3A received decoded",
            ("POST", "/hubspot?to=a%40b.c&at=10:00&q=x%20y"),
            digest(),
        ),
        (
            "hubspot: %3a in lower case",
            ("POST", "/hubspot?to=a%40b.c&at=10%3a00&q=x%20y"),
            digest(),
        ),
        (
            "hubspot: / and ? escaped (decoded before signing)",
            ("POST", "/hubspot%3Fto=a%40b.c&at=10%3A00&q=x%20y"),
            digest(),
        ),
        (
            "hubspot: %20 received as + (not decoded)",
            ("POST", "/hubspot?to=a%40b.c&at=10%3A00&q=x+y"),
            reject(R::SignatureMismatch),
        ),
        (
            "hubspot: %40 escaped twice (%2540)",
            ("POST", "/hubspot?to=a%2540b.c&at=10%3A00&q=x%20y"),
            reject(R::SignatureMismatch),
        ),
        (
            "hubspot: an escape HubSpot keeps, decoded (%7E for ~)",
            ("POST", "/hubspot?to=a%40b.c&at=10%3A00&q=x%20y%7E"),
            reject(R::SignatureMismatch),
        ),
        (
            "hubspot: another escape in place of %40 (%4b)",
            ("POST", "/hubspot?to=a%4b.c&at=10%3A00&q=x%20y"),
            reject(R::SignatureMismatch),
        ),
        (
            "hubspot: query value changed",
            ("POST", "/hubspot?to=b%40b.c&at=10%3A00&q=x%20y"),
            reject(R::SignatureMismatch),
        ),
        (
            "hubspot: trailing slash",
            ("POST", "/hubspot/?to=a%40b.c&at=10%3A00&q=x%20y"),
            reject(R::SignatureMismatch),
        ),
        (
            "hubspot: method in lower case",
            ("post", HS_TARGET),
            reject(R::SignatureMismatch),
        ),
        (
            "hubspot: another method",
            ("PUT", HS_TARGET),
            reject(R::SignatureMismatch),
        ),
    ] {
        cases.push(received(
            name,
            Hubspot,
            (method, target),
            signed.clone(),
            HS_BODY,
            public(),
            expect,
        ));
    }
    let escaped_path = sign_request(Hubspot, "POST", &url("/hub%2Fspot"), HS_BODY);
    cases.push(received(
        "hubspot: an escaped / in the path is a / (HubSpot decodes it)",
        Hubspot,
        ("POST", "/hub/spot"),
        escaped_path,
        HS_BODY,
        public(),
        digest(),
    ));
    for (name, offset, expect) in [
        ("hubspot: signed 300 s ago", -300, digest()),
        (
            "hubspot: signed 301 s ago",
            -301,
            reject(R::TimestampTooOld),
        ),
        (
            "hubspot: signed 301 s ahead",
            301,
            reject(R::TimestampTooNew),
        ),
    ] {
        cases.push(received(
            name,
            Hubspot,
            ("POST", HS_TARGET),
            sign_request_at(Hubspot, "POST", &url(HS_TARGET), HS_BODY, offset),
            HS_BODY,
            public(),
            expect,
        ));
    }
    // A timestamp in seconds, signed as sent: read as milliseconds, it is 1970.
    let seconds = crate::support::NOW.to_string();
    let decoded = "https://hooks.example.com/hubspot?to=a@b.c&at=10:00&q=x%20y";
    let mac = hmac_b64(
        Hubspot,
        &[b"POST", decoded.as_bytes(), HS_BODY, seconds.as_bytes()],
    );
    let by_hand: Pairs = vec![
        ("X-HubSpot-Signature-v3".to_owned(), mac.into_bytes()),
        (
            "X-HubSpot-Request-Timestamp".to_owned(),
            seconds.into_bytes(),
        ),
    ];
    cases.push(received(
        "hubspot: timestamp in seconds, signed so",
        Hubspot,
        ("POST", HS_TARGET),
        by_hand,
        HS_BODY,
        public(),
        reject(R::TimestampTooOld),
    ));
    cases.push(received(
        "hubspot: timestamp header missing",
        Hubspot,
        ("POST", HS_TARGET),
        crate::support::without(signed.clone(), "X-HubSpot-Request-Timestamp"),
        HS_BODY,
        public(),
        reject(R::MissingTimestamp),
    ));
    cases.push(received(
        "hubspot: timestamp moved by 1 ms",
        Hubspot,
        ("POST", HS_TARGET),
        with(
            signed.clone(),
            "X-HubSpot-Request-Timestamp",
            (crate::support::NOW * 1000 + 1).to_string(),
        ),
        HS_BODY,
        public(),
        reject(R::SignatureMismatch),
    ));
    cases.push(
        Case::new(
            "hubspot: verify() without the request",
            Hubspot,
            signed,
            HS_BODY,
            reject(R::NoRequestContext),
        )
        .setup(public()),
    );
}
