//! The bodies the tests sign, and the generators of each case's input.

use crate::request::{UrlSpec, url_spec};
use crate::shape::{Hs, Keys, Shape, Ts};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

/// Strings matching `pattern`, compiled once (a `&str` strategy compiles its regex for
/// every value it generates).
pub(crate) fn re(pattern: &str) -> proptest::string::RegexGeneratorStrategy<String> {
    proptest::string::string_regex(pattern).expect("a valid pattern")
}

/// An event id the body carries: text, or an integer (both are accepted).
#[derive(Debug, Clone)]
pub(crate) enum IdValue {
    Text(String),
    Int(i64),
}

impl IdValue {
    fn expected(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(n) => n.to_string(),
        }
    }

    fn json(&self) -> Value {
        match self {
            Self::Text(s) => Value::from(s.as_str()),
            Self::Int(n) => Value::from(*n),
        }
    }
}

/// How the body is made.
#[derive(Debug, Clone)]
pub(crate) enum BodySpec {
    /// Arbitrary bytes, almost never UTF-8.
    Raw(Vec<u8>),
    /// A JSON object of random members, with the preset's id field (if any) at a random
    /// position and maybe a second, later occurrence (the first one wins).
    Json {
        members: Vec<(String, Value)>,
        id: Option<(IdValue, Index)>,
        later_duplicate: Option<IdValue>,
        /// For an id at a nested path (`event.id`): the other members of the object
        /// holding it, the id's position among them, and whether look-alikes come first
        /// (the last key at the top level, the whole path one level down).
        nested: (Vec<(String, Value)>, Index, bool),
        /// The position of the timestamp field, for presets whose body carries it.
        ts_at: Index,
        pretty: bool,
    },
    /// An `application/x-www-form-urlencoded` body (Twilio): fields in the order sent,
    /// names repeated, each written in one of the ways senders encode forms.
    Form(Vec<FormField>),
}

/// One field of a form body: its name and value as decoded bytes (maybe not UTF-8).
#[derive(Debug, Clone)]
pub(crate) struct FormField {
    pub(crate) name: Vec<u8>,
    /// `None`: the name alone, without `=` (an empty value).
    pub(crate) value: Option<Vec<u8>>,
    pub(crate) style: FormStyle,
    /// An empty segment (`&&`) before the field, which parsers skip.
    pub(crate) empty_before: bool,
}

/// How a form field is written.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FormStyle {
    /// As browsers and SDKs write forms: `*-._` and alphanumerics kept, space as `+`,
    /// every other byte `%XX` in upper case.
    Standard,
    /// Every byte `%xx`, in lower case.
    LowerHex,
    /// Bytes as they are (non-ASCII and not UTF-8 included), but for `&`, `=`, `%` and
    /// `+`, which are escaped.
    Raw,
}

impl FormField {
    fn write(&self, out: &mut Vec<u8>) {
        if self.empty_before {
            out.push(b'&');
        }
        encode(&self.name, self.style, out);
        if let Some(value) = &self.value {
            out.push(b'=');
            encode(value, self.style, out);
        }
    }
}

fn encode(bytes: &[u8], style: FormStyle, out: &mut Vec<u8>) {
    const UPPER: &[u8; 16] = b"0123456789ABCDEF";
    const LOWER: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        let escaped = |out: &mut Vec<u8>, digits: &[u8; 16]| {
            out.extend_from_slice(&[
                b'%',
                digits[usize::from(b >> 4)],
                digits[usize::from(b & 15)],
            ]);
        };
        match style {
            FormStyle::Standard if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => {
                out.push(b);
            }
            FormStyle::Standard if b == b' ' => out.push(b'+'),
            FormStyle::Standard => escaped(out, UPPER),
            FormStyle::LowerHex => escaped(out, LOWER),
            FormStyle::Raw if b"&=%+".contains(&b) => escaped(out, UPPER),
            FormStyle::Raw => out.push(b),
        }
    }
}

/// `"key":value`, the value already JSON text.
fn member(key: &str, value: &str) -> String {
    format!("{}:{value}", serde_json::to_string(key).expect("key"))
}

fn json_text(value: &Value) -> String {
    serde_json::to_string(value).expect("value")
}

impl BodySpec {
    /// The body bytes, with the id at `path` (one or two keys) and the timestamp field
    /// `ts` if given, and the id the verifier should read.
    pub(crate) fn render(
        &self,
        path: Option<&str>,
        ts: Option<(&str, i64)>,
    ) -> (Vec<u8>, Option<String>) {
        match self {
            Self::Raw(bytes) => {
                assert!(ts.is_none(), "a raw body carries no timestamp field");
                (bytes.clone(), None)
            }
            Self::Form(fields) => {
                assert!(
                    path.is_none() && ts.is_none(),
                    "a form body carries no JSON field"
                );
                let mut out = Vec::new();
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b'&');
                    }
                    field.write(&mut out);
                }
                (out, None)
            }
            Self::Json {
                members,
                id,
                later_duplicate,
                nested: (inner_members, inner_at, decoys),
                ts_at,
                pretty,
            } => {
                let keys: Vec<&str> = path.map(|p| p.split('.').collect()).unwrap_or_default();
                assert!(keys.len() <= 2, "ids at most one level down are modelled");
                let top = keys.first().copied();
                let ts_field = ts.map(|(field, _)| field);
                let mut parts: Vec<String> = members
                    .iter()
                    .filter(|(k, _)| Some(k.as_str()) != top && Some(k.as_str()) != ts_field)
                    .map(|(k, v)| member(k, &json_text(v)))
                    .collect();
                // The value of the top-level member for an id: the id itself, or an object
                // holding it (among the other members when `inner`).
                let wrap = |value: &IdValue, inner: bool| match keys[..] {
                    [_, leaf] => {
                        let mut object: Vec<String> = if inner {
                            inner_members
                                .iter()
                                .filter(|(k, _)| k != leaf)
                                .map(|(k, v)| member(k, &json_text(v)))
                                .collect()
                        } else {
                            Vec::new()
                        };
                        let at = inner_at.index(object.len() + 1);
                        object.insert(at, member(leaf, &json_text(&value.json())));
                        format!("{{{}}}", object.join(","))
                    }
                    _ => json_text(&value.json()),
                };
                let mut expected = None;
                if let (Some(top), Some((value, at))) = (top, id) {
                    let at = at.index(parts.len() + 1);
                    parts.insert(at, member(top, &wrap(value, true)));
                    expected = Some(value.expected());
                    if let ([_, leaf], true) = (&keys[..], decoys) {
                        // Where the path does not lead: the last key at the top level, and
                        // the whole path one level down. Both come before the real one.
                        let decoy = json_text(&Value::from("decoy"));
                        parts.insert(0, member(leaf, &decoy));
                        let deeper = format!(
                            "{{{}}}",
                            member(top, &format!("{{{}}}", member(leaf, &decoy)))
                        );
                        parts.insert(0, member("data", &deeper));
                    }
                    if let Some(dup) = later_duplicate {
                        parts.push(member(top, &wrap(dup, false)));
                    }
                }
                if let Some((field, millis)) = ts {
                    let at = ts_at.index(parts.len() + 1);
                    parts.insert(at, member(field, &millis.to_string()));
                    if later_duplicate.is_some() {
                        // A later occurrence, out of any window: the first one wins.
                        parts.push(member(field, "0"));
                    }
                }
                let sep = if *pretty { ",\n  " } else { "," };
                let open = if *pretty { "{\n  " } else { "{" };
                let close = if *pretty { "\n}" } else { "}" };
                (
                    format!("{open}{}{close}", parts.join(sep)).into_bytes(),
                    expected,
                )
            }
        }
    }
}

/// Everything one case needs.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    pub(crate) key: Vec<u8>,
    pub(crate) other_key: Vec<u8>,
    pub(crate) unknown_key: Vec<u8>,
    pub(crate) body: BodySpec,
    pub(crate) header_id: String,
    pub(crate) other_id: String,
    pub(crate) secs: i64,
    pub(crate) nanos: u32,
    pub(crate) body_flip: (Index, u8),
    pub(crate) sig_pos: Index,
    pub(crate) sig_char: Index,
    pub(crate) sig_byte: ByteChange,
    pub(crate) ts_later: bool,
    /// Where the request goes, for presets that sign its URL or method.
    pub(crate) url: UrlSpec,
    /// A raw body sent to Twilio with `bodySHA256` in its URL (JSON bodies always are,
    /// form bodies never).
    pub(crate) hash_raw: bool,
    /// For presets that sign a token (Plaid): its key ids and times.
    pub(crate) token: Option<TokenSpec>,
}

/// What a signed token names, and when it is issued, beside the case's instant.
#[derive(Debug, Clone)]
pub(crate) struct TokenSpec {
    /// The `kid` of the case's key, of the other key (rotation) and of the unknown one.
    pub(crate) kid: String,
    pub(crate) other_kid: String,
    pub(crate) unknown_kid: String,
    /// An `iat` this many seconds from the case's instant (its whole second), within the
    /// window (or on its edges).
    pub(crate) skew: i64,
    /// An `iat` this many seconds beyond the window's edges.
    pub(crate) beyond: i64,
    /// The algorithm a forged header names instead of ES256.
    pub(crate) alg: String,
    /// Bytes appended to the body.
    pub(crate) appended: Vec<u8>,
}

/// How one byte of the signature header is replaced.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ByteChange {
    /// By this byte (or the next one, when it is the same).
    Any(u8),
    /// By the same letter in the other case (or the next byte, for a non-letter).
    SwapCase,
    /// By a space.
    Space,
}

impl ByteChange {
    pub(crate) fn apply(self, old: u8) -> u8 {
        let new = match self {
            Self::Any(b) => b,
            Self::SwapCase if old.is_ascii_lowercase() => old.to_ascii_uppercase(),
            Self::SwapCase => old.to_ascii_lowercase(),
            Self::Space => b' ',
        };
        if new == old { old.wrapping_add(1) } else { new }
    }
}

fn byte_change() -> impl Strategy<Value = ByteChange> {
    prop_oneof![
        2 => any::<u8>().prop_map(ByteChange::Any),
        1 => Just(ByteChange::SwapCase),
        1 => Just(ByteChange::Space),
    ]
}

/// A valid event id: 1 to 64 characters (at most 256 bytes), no control character, no
/// space or tab at either end (HTTP trims them, so the signer refuses such ids).
fn event_id() -> impl Strategy<Value = String> {
    prop_oneof![
        re("[A-Za-z0-9_.:-]{1,64}"),
        re("[^\\p{Cc}]{1,64}"),
        re("[ ]{0,2}[A-Za-z0-9]{1,8}[ \u{3000}]{0,2}"),
        re("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
    ]
    .prop_filter("padded", |id| {
        !id.is_empty() && id.trim_matches([' ', '\t']) == id
    })
}

fn id_value() -> impl Strategy<Value = IdValue> {
    prop_oneof![
        3 => event_id().prop_map(IdValue::Text),
        1 => any::<i64>().prop_map(IdValue::Int),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        // Discord's ping types (`"type":0`, `"type":1`), which random integers never hit.
        (0u8..=1).prop_map(Value::from),
        // Look-alikes of the id fields, nested where they do not count.
        Just(serde_json::json!({"id": "nested", "event_id": 1})),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object body; `with_id` places an id, `nested` fills the object holding an id
/// at a nested path.
fn json_body(with_id: bool, nested: bool) -> impl Strategy<Value = BodySpec> {
    let key = || prop_oneof![any::<String>(), re("[a-z_]{1,12}"), Just("type".to_owned())];
    (
        prop::collection::vec((key(), json_value()), 0..12),
        if with_id {
            (id_value(), any::<Index>()).prop_map(Some).boxed()
        } else {
            Just(None).boxed()
        },
        prop::option::weighted(0.2, id_value()),
        if nested {
            prop::collection::vec((key(), json_value()), 0..4).boxed()
        } else {
            Just(Vec::new()).boxed()
        },
        (any::<Index>(), any::<bool>(), any::<Index>(), any::<bool>()),
    )
        .prop_map(
            |(members, id, later_duplicate, inner_members, (inner_at, decoys, ts_at, pretty))| {
                BodySpec::Json {
                    members,
                    id,
                    later_duplicate,
                    nested: (inner_members, inner_at, decoys),
                    ts_at,
                    pretty,
                }
            },
        )
}

fn raw_body() -> impl Strategy<Value = BodySpec> {
    prop::collection::vec(any::<u8>(), 0..4096).prop_map(BodySpec::Raw)
}

/// Names Twilio sends (so that names repeat), and any bytes.
fn form_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "Body", "From", "To", "MediaUrl0", "CallSid", "Digits", "a", "A", "a b", "",
        ])
        .prop_map(|n| n.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..8),
        1 => re("\\PC{0,6}").prop_map(String::into_bytes),
    ]
}

fn form_value() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        3 => re("[ -~]{0,24}").prop_map(|v| Some(v.into_bytes())),
        // The same value twice under one name counts once.
        1 => Just(Some(b"same".to_vec())),
        1 => prop::collection::vec(any::<u8>(), 0..16).prop_map(Some),
        1 => re("\\PC{0,8}").prop_map(|v| Some(v.into_bytes())),
        1 => Just(None),
    ]
}

fn form_body() -> impl Strategy<Value = BodySpec> {
    let style = prop_oneof![
        3 => Just(FormStyle::Standard),
        1 => Just(FormStyle::LowerHex),
        1 => Just(FormStyle::Raw),
    ];
    let field = (form_name(), form_value(), style, prop::bool::weighted(0.1)).prop_map(
        |(name, value, style, empty_before)| FormField {
            name,
            value,
            style,
            empty_before,
        },
    );
    prop::collection::vec(field, 0..24).prop_map(BodySpec::Form)
}

/// Raw bytes only where the preset needs no body field: a required id, or the timestamp.
fn body(shape: Shape) -> BoxedStrategy<BodySpec> {
    if shape.signs_form() {
        // Twilio: forms, JSON (its hash in the URL) and any bytes (read as a form, or
        // hashed).
        return prop_oneof![
            3 => form_body(),
            1 => json_body(false, false),
            1 => raw_body(),
        ]
        .boxed();
    }
    let nested = shape.body_id.is_some_and(|(path, _)| path.contains('.'));
    let needs_json = matches!(shape.timestamp, Ts::BodyMillis(_));
    if shape.handshake == Some(Hs::Discord) {
        // Discord's pings, and bodies that look like them, beside its events.
        let events = prop_oneof![
            json_body(true, nested),
            json_body(false, nested),
            raw_body()
        ];
        let pings = prop_oneof![json_body(true, nested), json_body(false, nested)];
        return prop_oneof![2 => events, 1 => ping_like(pings)].boxed();
    }
    match shape.body_id {
        Some((_, true)) => json_body(true, nested).boxed(),
        Some((_, false)) if needs_json => {
            prop_oneof![json_body(true, nested), json_body(false, nested)].boxed()
        }
        Some((_, false)) => prop_oneof![
            json_body(true, nested),
            json_body(false, nested),
            raw_body()
        ]
        .boxed(),
        None if needs_json => json_body(false, false).boxed(),
        None => prop_oneof![3 => raw_body(), 1 => json_body(false, false)].boxed(),
    }
}

/// A JSON body led by what makes a Discord ping, or nearly: a `type` (0, 1, or 1 written
/// as a string, as a float, or 2), maybe a `token` (text, or null), maybe an `event` (an
/// object as webhook events carry, or text).
fn ping_like(body: impl Strategy<Value = BodySpec>) -> impl Strategy<Value = BodySpec> {
    let kind = prop::sample::select(vec![
        Value::from(0),
        Value::from(1),
        Value::from("1"),
        Value::from(1.0),
        Value::from(2),
    ]);
    let token = prop::option::of(prop::sample::select(vec![Value::from("tok"), Value::Null]));
    let event = prop::option::of(prop::sample::select(vec![
        serde_json::json!({"type": "APPLICATION_AUTHORIZED", "data": {}}),
        Value::from("APPLICATION_AUTHORIZED"),
    ]));
    (body, kind, token, event).prop_map(|(mut body, kind, token, event)| {
        if let BodySpec::Json { members, .. } = &mut body {
            let lead = std::iter::once(("type".to_owned(), kind))
                .chain(token.map(|t| ("token".to_owned(), t)))
                .chain(event.map(|e| ("event".to_owned(), e)));
            members.splice(0..0, lead);
        }
        body
    })
}

fn key(shape: Shape) -> BoxedStrategy<Vec<u8>> {
    match shape.keys {
        Keys::Shared => {}
        // Any 32 bytes are an Ed25519 seed.
        Keys::Ed25519 => return prop::collection::vec(any::<u8>(), 32).boxed(),
        // A P-256 scalar is in [1, n - 1], n = 0xffffffff00000000ffff…: every 32 bytes
        // but zero and a few of those starting with four 0xff bytes. Those are left out
        // (so shrinking never reaches an invalid key).
        Keys::P256 => {
            return prop::collection::vec(any::<u8>(), 32)
                .prop_filter("a P-256 scalar", |k| {
                    k.iter().any(|b| *b != 0) && k[..4] != [0xff; 4]
                })
                .boxed();
        }
    }
    if shape.is_token() {
        re("[!-~]{1,64}").prop_map(String::into_bytes).boxed()
    } else {
        // Past the block size of SHA-512 (128) too, where HMAC hashes the key first.
        prop::collection::vec(any::<u8>(), 1..=200)
            // A key of only spaces, tabs and line breaks is refused as blank.
            .prop_filter("not blank", |k| {
                !k.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            })
            .boxed()
    }
}

/// A key id: Plaid's are UUIDs; any text is written as a JSON string (quotes, backslashes
/// and control characters escaped).
fn key_id() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => re("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        1 => re("[A-Za-z0-9._~-]{1,24}"),
        1 => re("[a\"\\\\/\\x00-\\x1f\\x7f]{1,16}"),
        1 => re("\\PC{1,32}"),
    ]
}

/// The token of a preset that signs one (window: its `iat` window, in seconds), else none.
fn token(shape: Shape) -> BoxedStrategy<Option<TokenSpec>> {
    let Ts::TokenClaim { window } = shape.timestamp else {
        return Just(None).boxed();
    };
    let alg = prop::sample::select(vec![
        "none", "HS256", "HS512", "RS256", "PS256", "ES384", "ES512", "ES256K", "EdDSA", "es256",
        "ES256 ", " ES256", "ES256\0", "",
    ]);
    (
        (key_id(), key_id(), key_id()),
        prop_oneof![-window..=window, Just(-window), Just(window)],
        prop_oneof![1i64..=3, 1i64..=1_000_000_000],
        alg,
        prop::collection::vec(any::<u8>(), 1..4),
    )
        .prop_filter("key ids must differ", |((a, b, c), ..)| {
            a != b && a != c && b != c
        })
        .prop_map(
            |((kid, other_kid, unknown_kid), skew, beyond, alg, appended)| {
                Some(TokenSpec {
                    kid,
                    other_kid,
                    unknown_kid,
                    skew,
                    beyond,
                    alg: alg.to_owned(),
                    appended,
                })
            },
        )
        .boxed()
}

/// The key as HMAC sees it: zero-padded to the block size, so trailing zeros do not count.
/// (Private keys are all 32 bytes long: two differ here exactly when they differ.)
fn effective(key: &[u8]) -> &[u8] {
    let len = key.len() - key.iter().rev().take_while(|b| **b == 0).count();
    &key[..len]
}

pub(crate) fn input(name: &str) -> impl Strategy<Value = Input> {
    let shape = Shape::of(name);
    (
        (key(shape), key(shape), key(shape)),
        body(shape),
        (event_id(), event_id()),
        // Up to the last second of year 9999 (minus one, so `+1` stays a valid date).
        (
            prop_oneof![1i64..=4_102_444_800, 1i64..=253_402_300_798],
            0u32..1_000_000_000,
        ),
        ((any::<Index>(), 0u8..8), any::<Index>(), any::<Index>()),
        (byte_change(), any::<bool>(), url_spec(), any::<bool>()),
        token(shape),
    )
        .prop_filter("secrets must differ", |((a, b, c), ..)| {
            let (a, b, c) = (effective(a), effective(b), effective(c));
            a != b && a != c && b != c
        })
        .prop_map(
            |(
                (key, other_key, unknown_key),
                body,
                (header_id, other_id),
                (secs, nanos),
                (body_flip, sig_pos, sig_char),
                (sig_byte, ts_later, url, hash_raw),
                token,
            )| Input {
                key,
                other_key,
                unknown_key,
                body,
                header_id,
                other_id,
                secs,
                nanos,
                body_flip,
                sig_pos,
                sig_char,
                sig_byte,
                ts_later,
                url,
                hash_raw,
                token,
            },
        )
}
