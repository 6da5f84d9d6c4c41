//! The wire format of each preset as this test models it: where the signature, the
//! timestamp and the event id travel, what the MAC (or the private key's signature)
//! covers, and which signed bodies are handshakes.

use crate::body::BodySpec;
use hookshield_core::IdOrigin;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Lower-case hex, as the signer writes it.
pub(crate) const HEX: &[u8] = b"0123456789abcdef";
/// The standard base64 alphabet (padding excluded).
pub(crate) const BASE64: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// The URL-safe base64 alphabet (RFC 4648 §5), as JOSE writes each part of a token.
pub(crate) const BASE64URL: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Printable ASCII: the alphabet of the shared tokens generated here.
pub(crate) const GRAPHIC: &[u8] =
    b"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// Where a preset's signed timestamp travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ts {
    None,
    /// A header of its own, in seconds.
    Header(&'static str),
    /// A header of its own, in milliseconds (HubSpot's `X-HubSpot-Request-Timestamp`).
    HeaderMillis(&'static str),
    /// A header of its own, an RFC 3339 date-time with the fraction of a second the
    /// provider has (Twitch's `Twitch-Eventsub-Message-Timestamp`).
    HeaderRfc3339(&'static str),
    /// This parameter of a `k=v` signature header (Stripe's `t`, Paddle's `ts`), in
    /// seconds, written before the signatures.
    Param(&'static str),
    /// This top-level JSON body field, in milliseconds (Linear's `webhookTimestamp`):
    /// covered by the body's MAC, and never written by the signer.
    BodyMillis(&'static str),
    /// The `iat` claim of a signed token (Plaid's), in seconds, accepted `window` seconds
    /// either way (the provider's own window): no header of its own.
    TokenClaim {
        window: i64,
    },
}

/// How the signature header value is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The shared token itself, compared as is: nothing is signed.
    Token,
    /// One MAC after this case-insensitive prefix (maybe empty).
    Single(&'static str),
    /// `k=v` items separated by `pair`, one MAC per secret under `key` (case-sensitive),
    /// after the timestamp parameter if any.
    KeyValue { pair: char, key: &'static str },
    /// Space-separated `v1,<mac>` entries, one per secret.
    Versioned,
    /// An ES256 JWT (JWS compact form: base64url header, claims and signature joined by
    /// dots; see `token`) whose header names the key (`kid`) and whose claims sign the
    /// time (`iat`) and the body's SHA-256: the signature covers the claims, not the body.
    Jwt,
}

impl Ts {
    /// The header the timestamp travels in, when it has one of its own.
    pub(crate) fn header(self) -> Option<&'static str> {
        match self {
            Self::Header(name) | Self::HeaderMillis(name) | Self::HeaderRfc3339(name) => Some(name),
            Self::None | Self::Param(_) | Self::BodyMillis(_) | Self::TokenClaim { .. } => None,
        }
    }
}

/// How a preset that signs the request's URL reads it (from the providers' docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UrlShape {
    /// The query parameter that carries the hex SHA-256 of a body that is not a form
    /// (Twilio's `bodySHA256`): the URL alone is then signed, and the body must match it.
    pub(crate) body_hash: Option<&'static str>,
    /// A signature over the URL with the scheme's default port written out, or left out,
    /// is as good (Twilio's SDKs accept both).
    pub(crate) port_variants: bool,
    /// The characters whose percent-escapes are decoded before signing (HubSpot v3).
    pub(crate) unescape: Option<&'static str>,
}

/// A provider's endpoint check, as the preset answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hs {
    Hcp,
    WebhookValidate,
    Slack,
    Meta,
    Dropbox,
    Okta,
    Zoom,
    Twitch,
    /// Discord's signed pings (`"type":1` and `"type":0`), answered after verification.
    Discord,
    /// A secret handed over in an unsigned `POST` with this header (Asana's).
    SecretHandover(&'static str),
}

/// What the provider signs with, and the receiver verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keys {
    /// A secret both sides hold (an HMAC key, or the token itself).
    Shared,
    /// An Ed25519 key pair: the provider signs with the private key (its 32-byte seed
    /// here), the receiver verifies with the public key.
    Ed25519,
    /// An ECDSA P-256 key pair (SHA-256, the signature DER-encoded, or JOSE `r || s` in a
    /// signed token); the private key is its 32-byte scalar here.
    P256,
}

/// An event id header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdHeader {
    pub(crate) name: &'static str,
    /// Part of the signed content.
    pub(crate) signed: bool,
    /// Without it the request is refused; otherwise a digest stands in.
    pub(crate) required: bool,
}

/// An id header that is required and not signed (Civo, GitHub, Shopify).
const fn unsigned(name: &'static str) -> Option<IdHeader> {
    Some(IdHeader {
        name,
        signed: false,
        required: true,
    })
}

/// An id header that is neither required nor signed (Linear, GitLab).
const fn optional(name: &'static str) -> Option<IdHeader> {
    Some(IdHeader {
        name,
        signed: false,
        required: false,
    })
}

/// A signed (so required) id header (the Standard Webhooks family).
const fn signed(name: &'static str) -> Option<IdHeader> {
    Some(IdHeader {
        name,
        signed: true,
        required: true,
    })
}

/// What the test needs to know of a preset's wire format (kept independent of `src/`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub(crate) name: &'static str,
    /// The header the signature (or token) travels in, as the signer names it.
    pub(crate) sig_header: &'static str,
    pub(crate) layout: Layout,
    /// The alphabet of the encoded MAC (or of the token).
    pub(crate) alphabet: &'static [u8],
    /// What the MAC covers, `{t}`, `{id}` and `{body}` standing for the signed timestamp
    /// as sent, the event id and the body, `{method}` and `{url}` for the request's method
    /// and full URL, `{form}` for the body's form fields as Twilio signs them; empty for a
    /// shared token.
    pub(crate) content: &'static str,
    /// The event id is the JSON body field at this path (keys joined with dots: the first
    /// occurrence of each key wins); `true` when required.
    pub(crate) body_id: Option<(&'static str, bool)>,
    /// The event id is this header.
    pub(crate) id_header: Option<IdHeader>,
    pub(crate) timestamp: Ts,
    /// The digest that stands in for a missing id covers the body alone (Calendly), not
    /// the signed content without the id.
    pub(crate) digest_of_body: bool,
    /// Secrets written as this prefix + base64 of the key (`whsec_`).
    pub(crate) secret_prefix: Option<&'static str>,
    /// The signer's header names start with the first prefix; the verifier reads the
    /// same names under the second one too.
    pub(crate) aliases: Option<(&'static str, &'static str)>,
    /// How the URL is read, for presets whose content has `{url}`.
    pub(crate) url: Option<UrlShape>,
    pub(crate) handshake: Option<Hs>,
    pub(crate) keys: Keys,
    /// Malformed signature, timestamp and id headers are answered as signatures that do
    /// not match, 401 (Discord probes endpoints with them and wants a 401).
    pub(crate) malformed_unauthorized: bool,
}

impl Shape {
    pub(crate) fn of(name: &str) -> Self {
        let base = Shape {
            name: "",
            sig_header: "",
            layout: Layout::Single(""),
            alphabet: HEX,
            content: "{body}",
            body_id: None,
            id_header: None,
            timestamp: Ts::None,
            digest_of_body: false,
            secret_prefix: None,
            aliases: None,
            url: None,
            handshake: None,
            keys: Keys::Shared,
            malformed_unauthorized: false,
        };
        let token = Shape {
            layout: Layout::Token,
            alphabet: GRAPHIC,
            content: "",
            ..base
        };
        let svix = Shape {
            sig_header: "svix-signature",
            layout: Layout::Versioned,
            alphabet: BASE64,
            content: "{id}.{t}.{body}",
            id_header: signed("svix-id"),
            timestamp: Ts::Header("svix-timestamp"),
            secret_prefix: Some("whsec_"),
            aliases: Some(("svix-", "webhook-")),
            ..base
        };
        match name {
            "civo" => Shape {
                name: "civo",
                sig_header: "X-Civo-Signature",
                id_header: unsigned("X-Civo-Event"),
                ..base
            },
            "hcp" => Shape {
                name: "hcp",
                sig_header: "X-HCP-Webhook-Signature",
                body_id: Some(("event_id", true)),
                handshake: Some(Hs::Hcp),
                ..base
            },
            "shared-token" => Shape {
                name: "shared-token",
                sig_header: "X-Webhook-Secret",
                handshake: Some(Hs::WebhookValidate),
                ..token
            },
            "github" => Shape {
                name: "github",
                sig_header: "X-Hub-Signature-256",
                layout: Layout::Single("sha256="),
                id_header: unsigned("X-GitHub-Delivery"),
                ..base
            },
            "stripe" => Shape {
                name: "stripe",
                sig_header: "Stripe-Signature",
                layout: Layout::KeyValue {
                    pair: ',',
                    key: "v1",
                },
                content: "{t}.{body}",
                body_id: Some(("id", true)),
                timestamp: Ts::Param("t"),
                ..base
            },
            "slack" => Shape {
                name: "slack",
                sig_header: "X-Slack-Signature",
                layout: Layout::Single("v0="),
                content: "v0:{t}:{body}",
                body_id: Some(("event_id", false)),
                timestamp: Ts::Header("X-Slack-Request-Timestamp"),
                handshake: Some(Hs::Slack),
                ..base
            },
            "shopify" => Shape {
                name: "shopify",
                sig_header: "X-Shopify-Hmac-Sha256",
                alphabet: BASE64,
                id_header: unsigned("X-Shopify-Webhook-Id"),
                ..base
            },
            "standard-webhooks" => Shape {
                name: "standard-webhooks",
                sig_header: "webhook-signature",
                id_header: signed("webhook-id"),
                timestamp: Ts::Header("webhook-timestamp"),
                aliases: Some(("webhook-", "svix-")),
                ..svix
            },
            "paddle" => Shape {
                name: "paddle",
                sig_header: "Paddle-Signature",
                layout: Layout::KeyValue {
                    pair: ';',
                    key: "h1",
                },
                content: "{t}:{body}",
                body_id: Some(("event_id", true)),
                timestamp: Ts::Param("ts"),
                ..base
            },
            "linear" => Shape {
                name: "linear",
                sig_header: "Linear-Signature",
                id_header: optional("Linear-Delivery"),
                timestamp: Ts::BodyMillis("webhookTimestamp"),
                ..base
            },
            "pagerduty" => Shape {
                name: "pagerduty",
                sig_header: "X-PagerDuty-Signature",
                layout: Layout::KeyValue {
                    pair: ',',
                    key: "v1",
                },
                body_id: Some(("event.id", true)),
                ..base
            },
            "calendly" => Shape {
                name: "calendly",
                sig_header: "Calendly-Webhook-Signature",
                layout: Layout::KeyValue {
                    pair: ',',
                    key: "v1",
                },
                content: "{t}.{body}",
                timestamp: Ts::Param("t"),
                digest_of_body: true,
                ..base
            },
            "intercom" => Shape {
                name: "intercom",
                sig_header: "X-Hub-Signature",
                layout: Layout::Single("sha1="),
                body_id: Some(("id", true)),
                ..base
            },
            "bitbucket" => Shape {
                name: "bitbucket",
                sig_header: "X-Hub-Signature",
                layout: Layout::Single("sha256="),
                ..base
            },
            "gitlab" => Shape {
                name: "gitlab",
                sig_header: "X-Gitlab-Token",
                id_header: optional("Idempotency-Key"),
                ..token
            },
            "vercel" => Shape {
                name: "vercel",
                sig_header: "x-vercel-signature",
                body_id: Some(("id", true)),
                ..base
            },
            "sentry" => Shape {
                name: "sentry",
                sig_header: "Sentry-Hook-Signature",
                ..base
            },
            "typeform" => Shape {
                name: "typeform",
                sig_header: "Typeform-Signature",
                layout: Layout::Single("sha256="),
                alphabet: BASE64,
                body_id: Some(("event_id", true)),
                ..base
            },
            "clerk" => Shape {
                name: "clerk",
                ..svix
            },
            "resend" => Shape {
                name: "resend",
                ..svix
            },
            // https://www.twilio.com/docs/usage/webhooks/webhooks-security
            "twilio" => Shape {
                name: "twilio",
                sig_header: "X-Twilio-Signature",
                alphabet: BASE64,
                content: "{url}{form}",
                id_header: optional("I-Twilio-Idempotency-Token"),
                digest_of_body: true,
                url: Some(UrlShape {
                    body_hash: Some("bodySHA256"),
                    port_variants: true,
                    unescape: None,
                }),
                ..base
            },
            // https://developer.squareup.com/docs/webhooks/step3validate
            "square" => Shape {
                name: "square",
                sig_header: "x-square-hmacsha256-signature",
                alphabet: BASE64,
                content: "{url}{body}",
                body_id: Some(("event_id", true)),
                url: Some(UrlShape {
                    body_hash: None,
                    port_variants: false,
                    unescape: None,
                }),
                ..base
            },
            // https://developers.hubspot.com/docs/api/webhooks/validating-requests (v3)
            "hubspot" => Shape {
                name: "hubspot",
                sig_header: "X-HubSpot-Signature-v3",
                alphabet: BASE64,
                content: "{method}{url}{body}{t}",
                timestamp: Ts::HeaderMillis("X-HubSpot-Request-Timestamp"),
                digest_of_body: true,
                url: Some(UrlShape {
                    body_hash: None,
                    port_variants: false,
                    unescape: Some(crate::request::HUBSPOT_DECODED),
                }),
                ..base
            },
            "meta" => Shape {
                name: "meta",
                sig_header: "X-Hub-Signature-256",
                layout: Layout::Single("sha256="),
                handshake: Some(Hs::Meta),
                ..base
            },
            "dropbox" => Shape {
                name: "dropbox",
                sig_header: "X-Dropbox-Signature",
                handshake: Some(Hs::Dropbox),
                ..base
            },
            "okta" => Shape {
                name: "okta",
                sig_header: "Authorization",
                body_id: Some(("eventId", true)),
                handshake: Some(Hs::Okta),
                ..token
            },
            "zoom" => Shape {
                name: "zoom",
                sig_header: "x-zm-signature",
                layout: Layout::Single("v0="),
                content: "v0:{t}:{body}",
                timestamp: Ts::Header("x-zm-request-timestamp"),
                digest_of_body: true,
                handshake: Some(Hs::Zoom),
                ..base
            },
            "twitch" => Shape {
                name: "twitch",
                sig_header: "Twitch-Eventsub-Message-Signature",
                layout: Layout::Single("sha256="),
                content: "{id}{t}{body}",
                id_header: signed("Twitch-Eventsub-Message-Id"),
                timestamp: Ts::HeaderRfc3339("Twitch-Eventsub-Message-Timestamp"),
                handshake: Some(Hs::Twitch),
                ..base
            },
            // https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
            "discord" => Shape {
                name: "discord",
                sig_header: "X-Signature-Ed25519",
                content: "{t}{body}",
                body_id: Some(("id", false)),
                timestamp: Ts::Header("X-Signature-Timestamp"),
                digest_of_body: true,
                handshake: Some(Hs::Discord),
                keys: Keys::Ed25519,
                malformed_unauthorized: true,
                ..base
            },
            // https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
            "sendgrid" => Shape {
                name: "sendgrid",
                sig_header: "X-Twilio-Email-Event-Webhook-Signature",
                alphabet: BASE64,
                content: "{t}{body}",
                timestamp: Ts::Header("X-Twilio-Email-Event-Webhook-Timestamp"),
                digest_of_body: true,
                keys: Keys::P256,
                ..base
            },
            // https://developers.asana.com/docs/webhooks-guide
            "asana" => Shape {
                name: "asana",
                sig_header: "X-Hook-Signature",
                digest_of_body: true,
                handshake: Some(Hs::SecretHandover("X-Hook-Secret")),
                ..base
            },
            // https://plaid.com/docs/api/webhooks/webhook-verification/
            "plaid" => Shape {
                name: "plaid",
                sig_header: "Plaid-Verification",
                layout: Layout::Jwt,
                alphabet: BASE64URL,
                // Through the claims: `iat` and the body's hash.
                content: "{t}{body}",
                timestamp: Ts::TokenClaim { window: 300 },
                digest_of_body: true,
                keys: Keys::P256,
                ..base
            },
            other => panic!("preset {other:?} has no shape in this test: add one"),
        }
    }

    pub(crate) fn is_token(&self) -> bool {
        self.layout == Layout::Token
    }

    /// Whether the header carries a signed token (Plaid's JWT) rather than a signature.
    pub(crate) fn signs_token(&self) -> bool {
        self.layout == Layout::Jwt
    }

    /// Whether the MAC covers the body's form fields rather than its bytes (Twilio).
    pub(crate) fn signs_form(&self) -> bool {
        self.content.contains("{form}")
    }

    /// Whether the MAC covers the request's method.
    pub(crate) fn signs_method(&self) -> bool {
        self.content.contains("{method}")
    }

    /// The answer (status, body) a verified request with `body` gets as a signed
    /// handshake, as the provider's docs describe it; `None` for an event. Of the
    /// handshakes a generated body can be, only Discord's pings (a `type` of 0 or 1).
    pub(crate) fn signed_handshake(&self, body: &[u8]) -> Option<(u16, String)> {
        match self.handshake {
            Some(Hs::Discord) => discord_ping(body),
            _ => None,
        }
    }

    /// Whether the provider signs with a private key and the receiver holds its public key.
    pub(crate) fn is_public_key(&self) -> bool {
        self.keys != Keys::Shared
    }

    pub(crate) fn is_base64(&self) -> bool {
        self.alphabet == BASE64
    }

    /// Whether the header carries one signature per secret while a secret is rotated.
    pub(crate) fn is_list(&self) -> bool {
        matches!(self.layout, Layout::KeyValue { .. } | Layout::Versioned)
    }

    /// The case-insensitive prefix of a single-signature layout.
    pub(crate) fn prefix(&self) -> &'static str {
        match self.layout {
            Layout::Single(prefix) => prefix,
            _ => "",
        }
    }

    /// Where the body puts the timestamp (Linear), and its value.
    fn body_timestamp(&self, millis: i64) -> Option<(&'static str, i64)> {
        match self.timestamp {
            Ts::BodyMillis(field) => Some((field, millis)),
            _ => None,
        }
    }

    /// The body bytes, timestamped `millis` if the body carries the timestamp, and the
    /// id the verifier should read from it.
    pub(crate) fn render(&self, body: &BodySpec, millis: i64) -> (Vec<u8>, Option<String>) {
        body.render(self.body_id.map(|(f, _)| f), self.body_timestamp(millis))
    }

    /// The byte range of the encoded MAC (or token) in the signature header value,
    /// padding excluded.
    pub(crate) fn mac_range(&self, value: &[u8]) -> std::ops::Range<usize> {
        let start = match self.layout {
            Layout::Token | Layout::Jwt => 0,
            Layout::Single(prefix) => {
                assert!(value.starts_with(prefix.as_bytes()), "{}", self.name);
                prefix.len()
            }
            Layout::KeyValue { pair, key } => {
                let first = format!("{key}=");
                let later = format!("{pair}{key}=");
                if value.starts_with(first.as_bytes()) {
                    first.len()
                } else {
                    value
                        .windows(later.len())
                        .position(|w| w == later.as_bytes())
                        .unwrap_or_else(|| panic!("{} header has a {key}", self.name))
                        + later.len()
                }
            }
            Layout::Versioned => {
                assert!(value.starts_with(b"v1,"));
                3
            }
        };
        let pad = value.iter().rev().take_while(|b| **b == b'=').count();
        let end = if self.is_base64() {
            value.len() - pad
        } else {
            value.len()
        };
        start..end
    }

    /// The id a verified request gets: the id header's when one was sent, else the body's
    /// id, else a digest of the signed content without the id (`ts` as sent), or of the
    /// body alone.
    pub(crate) fn expected_id(
        &self,
        ts: &str,
        body: &[u8],
        header_id: Option<&str>,
        body_id: Option<String>,
    ) -> (String, IdOrigin) {
        match (header_id, body_id) {
            (Some(id), _) => (id.to_owned(), IdOrigin::Header),
            (None, Some(id)) => (id, IdOrigin::Body),
            (None, None) => {
                assert!(
                    self.body_id.is_none_or(|(_, required)| !required)
                        && self.id_header.is_none_or(|h| !h.required),
                    "{} needs its id",
                    self.name
                );
                let digest = if self.digest_of_body || self.is_token() {
                    sha256_hex(&[body])
                } else {
                    // The request's method and URL are left out (one event may reach two
                    // URLs), and form fields stand as the body's bytes.
                    let content = self
                        .content
                        .replace("{t}", ts)
                        .replace("{id}", "")
                        .replace("{method}", "")
                        .replace("{url}", "")
                        .replace("{form}", "{body}");
                    let (head, tail) = content.split_once("{body}").expect("the body is signed");
                    sha256_hex(&[head.as_bytes(), body, tail.as_bytes()])
                };
                (digest, IdOrigin::Digest)
            }
        }
    }
}

/// Discord's pings: an interaction `PING` (`"type":1` with a `token`, or without an `event`
/// object, which webhook events carry) is answered `200 {"type":1}`, a webhook-events
/// `PING` (`"type":0`) `204` with no body. The fields are the first top-level members of
/// their names; a `type` or `token` that is neither a string nor an integer makes the body
/// no ping.
fn discord_ping(body: &[u8]) -> Option<(u16, String)> {
    let members = top_level(body)?;
    let first = |key: &str| members.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let text = |value: &Value| match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    };
    let kind = text(first("type")?)?;
    let token = match first("token") {
        Some(value) => Some(text(value)?),
        None => None,
    };
    match kind.as_str() {
        "0" => Some((204, String::new())),
        "1" if token.is_some() || first("event").is_none() => {
            Some((200, r#"{"type":1}"#.to_owned()))
        }
        _ => None,
    }
}

/// The members of a JSON object body in order, duplicates kept; `None` when the body is
/// not one.
fn top_level(body: &[u8]) -> Option<Vec<(String, Value)>> {
    struct Members(Vec<(String, Value)>);

    impl<'de> Deserialize<'de> for Members {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Each;

            impl<'de> Visitor<'de> for Each {
                type Value = Members;

                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                    let mut members = Vec::new();
                    while let Some(member) = map.next_entry()? {
                        members.push(member);
                    }
                    Ok(Members(members))
                }
            }

            d.deserialize_map(Each)
        }
    }

    serde_json::from_slice::<Members>(body).ok().map(|m| m.0)
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    format!("sha256:{}", const_hex::encode(hasher.finalize()))
}
