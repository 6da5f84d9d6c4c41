//! Provider handshakes: requests a provider sends to check an endpoint before (or while)
//! it delivers events. They come in two kinds:
//!
//! - **unsigned `GET` challenges** (Meta, Dropbox, Okta), answered before any signature
//!   is looked at, and only when they are exactly the documented challenge (with the verify
//!   token, where there is one, compared in constant time);
//! - **signed handshakes** (HCP, Frappe, Slack, Zoom, Twitch), recognised only after the
//!   signature is verified.
//!
//! Adapters answer both before the replay guard, so a handshake never reaches the user's
//! handler and is never remembered as a processed event. Every other unsigned request is
//! refused as before.

mod challenge;
pub(crate) mod reply;

use std::sync::{Arc, LazyLock};

pub use challenge::Challenge;
pub use reply::{HANDSHAKE_HEADERS, HandshakeReply};

use crate::error::{ConfigError, Reason};
use crate::headers::HeaderLookup;
use crate::request::RequestContext;
use crate::scheme::algorithm::Keyed;
use crate::verify::body_fields;

/// A provider's endpoint check.
///
/// A preset opts in to its provider's handshake ([`Scheme::handshake`](crate::Scheme::handshake));
/// a custom scheme opts in with [`SchemeBuilder::handshake`](crate::SchemeBuilder::handshake),
/// with one of these or a [`Challenge`] of its own ([`Handshake::custom`]).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Handshake {
    /// HashiCorp Cloud Platform's verification payload, sent before a webhook is created,
    /// enabled or has its URL or token changed; the webhook is enabled only on a 2xx. It is
    /// recognised by `"event_source":"hashicorp.webhook.verification"` and answered
    /// `200 {"verified":true}`.
    /// ([docs](https://developer.hashicorp.com/hcp/docs/hcp/admin/projects/webhooks))
    HcpVerification,
    /// The `{"event":"Webhook Validate","data":{}}` event of `X-Webhook-Secret` webhooks
    /// (Frappe Cloud), sent when a webhook is activated; answered `200 OK` (text/plain).
    /// The older name `Webhook Test` is recognised too.
    /// ([docs](https://docs.frappe.io/cloud/setup-webhook))
    WebhookValidate,
    /// Slack's signed `{"type":"url_verification","challenge":…}`, answered `200` with the
    /// challenge as text/plain.
    /// ([docs](https://api.slack.com/events/url_verification))
    SlackUrlVerification,
    /// Meta's (Facebook, WhatsApp, Instagram, Messenger) unsigned
    /// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`, answered with the
    /// challenge as text/plain when `hub.verify_token` equals the verifier's
    /// [`handshake_token`](crate::VerifierBuilder::handshake_token), else 403.
    /// ([docs](https://developers.facebook.com/docs/graph-api/webhooks/getting-started))
    MetaVerification,
    /// Dropbox's unsigned `GET ?challenge=…`, echoed as text/plain (with
    /// `X-Content-Type-Options: nosniff`, as Dropbox asks).
    /// ([docs](https://www.dropbox.com/developers/reference/webhooks))
    DropboxChallenge,
    /// Okta's one-time unsigned `GET` with `X-Okta-Verification-Challenge: <v>`, answered
    /// `{"verification":"<v>"}`.
    /// ([docs](https://developer.okta.com/docs/concepts/event-hooks/))
    OktaVerification,
    /// Zoom's signed `endpoint.url_validation` event, answered
    /// `{"plainToken":p,"encryptedToken":hex(HMAC-SHA256(secret, p))}` with `p` from
    /// `payload.plainToken` and the secret that verified the request.
    /// ([docs](https://developers.zoom.us/docs/api/webhooks/#validate-your-webhook-endpoint))
    ZoomUrlValidation,
    /// Twitch EventSub's signed `webhook_callback_verification`, answered with the body's
    /// `challenge` as text/plain. It is recognised by its signed body
    /// (`subscription.status` is `webhook_callback_verification_pending`), whatever the
    /// unsigned `Twitch-Eventsub-Message-Type` header says, so a verification never reaches
    /// the handler.
    /// ([docs](https://dev.twitch.tv/docs/eventsub/handling-webhook-events/))
    TwitchCallbackVerification,
    /// Discord's signed pings: an interaction `PING` (`"type":1` with a `token`, or with
    /// no `event`) is answered `200 {"type":1}` (application/json); a webhook-events
    /// `PING` (`"type":0`) is answered `204` with an empty body. Events (`"type":1` with an
    /// `event` object) and other interactions reach the handler.
    /// ([interactions](https://discord.com/developers/docs/interactions/overview),
    /// [webhook events](https://discord.com/developers/docs/events/webhook-events))
    DiscordPing,
    /// A secret handed over in an unsigned `POST` carrying the header `header` (Asana's
    /// `X-Hook-Secret`, sent once when the webhook is created): given to the verifier's
    /// [`SecretLearner`](crate::SecretLearner), which stores it (or refuses, 403), and
    /// answered `200` echoing the header, as Asana requires. A request that also carries
    /// the signature header is an ordinary delivery, verified as usual.
    /// ([docs](https://developers.asana.com/reference/createwebhook))
    SecretHandover {
        /// The header carrying the secret.
        header: &'static str,
    },
    /// A [`Challenge`] described by the app, for a provider without a preset.
    Custom(Arc<Challenge>),
}

static META: LazyLock<Challenge> = LazyLock::new(|| {
    Challenge::get()
        .when_query("hub.mode", "subscribe")
        .token_query("hub.verify_token")
        .echo_query("hub.challenge")
});
static DROPBOX: LazyLock<Challenge> = LazyLock::new(|| Challenge::get().echo_query("challenge"));
static OKTA: LazyLock<Challenge> = LazyLock::new(|| {
    Challenge::get()
        .echo_header("x-okta-verification-challenge")
        .json_member("verification")
});
static SLACK: LazyLock<Challenge> = LazyLock::new(|| {
    Challenge::signed()
        .when_field("type", "url_verification")
        .echo_field("challenge")
});
// Recognised by the signed body, not by `Twitch-Eventsub-Message-Type`, which the signature
// does not cover: a captured verification resent as a `notification` must not reach the
// handler.
static TWITCH: LazyLock<Challenge> = LazyLock::new(|| {
    Challenge::signed()
        .when_field(
            "subscription.status",
            "webhook_callback_verification_pending",
        )
        .echo_field("challenge")
});

/// The key a signed handshake may answer with (Zoom): HMAC of a text with the secret that
/// verified the request, in hex.
pub(crate) type KeyedHex<'a> = &'a dyn Fn(&[u8]) -> String;

impl Handshake {
    /// A handshake the app describes; refused by [`SchemeBuilder::build`](crate::SchemeBuilder::build)
    /// when it cannot be answered (see [`Challenge`]).
    pub fn custom(challenge: Challenge) -> Self {
        Self::Custom(Arc::new(challenge))
    }

    /// A stable name for logs and tools: `meta_verification`, `zoom_url_validation`,
    /// `custom`, …
    pub fn name(&self) -> &'static str {
        match self {
            Self::HcpVerification => "hcp_verification",
            Self::WebhookValidate => "webhook_validate",
            Self::SlackUrlVerification => "slack_url_verification",
            Self::MetaVerification => "meta_verification",
            Self::DropboxChallenge => "dropbox_challenge",
            Self::OktaVerification => "okta_verification",
            Self::ZoomUrlValidation => "zoom_url_validation",
            Self::TwitchCallbackVerification => "twitch_callback_verification",
            Self::DiscordPing => "discord_ping",
            Self::SecretHandover { .. } => "secret_handover",
            Self::Custom(_) => "custom",
        }
    }

    /// The challenge this handshake is, when it is one.
    fn challenge(&self) -> Option<&Challenge> {
        match self {
            Self::MetaVerification => Some(&META),
            Self::DropboxChallenge => Some(&DROPBOX),
            Self::OktaVerification => Some(&OKTA),
            Self::SlackUrlVerification => Some(&SLACK),
            Self::TwitchCallbackVerification => Some(&TWITCH),
            Self::Custom(challenge) => Some(challenge),
            Self::HcpVerification
            | Self::WebhookValidate
            | Self::ZoomUrlValidation
            | Self::DiscordPing
            | Self::SecretHandover { .. } => None,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        self.challenge().map_or(Ok(()), Challenge::validate)
    }

    /// Whether this handshake is an unsigned `GET` answered before verification.
    pub fn is_unsigned_get(&self) -> bool {
        self.challenge().is_some_and(|c| c.unsigned_get)
    }

    /// Whether answering needs a verify token ([`VerifierBuilder::handshake_token`](crate::VerifierBuilder::handshake_token)).
    pub fn needs_token(&self) -> bool {
        self.challenge().is_some_and(|c| c.token.is_some())
    }

    /// For an unsigned `GET` challenge: `None` when `request` is not it; otherwise the
    /// answer, or why it is refused (403 `challenge_refused`).
    pub(crate) fn answer_get<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
        token: Option<&Keyed>,
    ) -> Option<Result<HandshakeReply, Reason>> {
        let challenge = self.challenge()?;
        let answer = challenge.answer_get(request, headers, token)?;
        Some(answer.map(|body| self.reply_of(challenge, body)))
    }

    /// The answer when a **verified** request is this handshake; `None` for an ordinary
    /// event, including bodies that are not JSON; [`Reason::ChallengeSyntax`] for this
    /// handshake with a challenge that cannot be answered (refused, never handled).
    /// `keyed_hex` computes Zoom's token.
    pub(crate) fn answer_signed<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
        keyed_hex: KeyedHex<'_>,
    ) -> Option<Result<HandshakeReply, Reason>> {
        if let Some(challenge) = self.challenge() {
            let answer = challenge.answer_signed(request, headers, body)?;
            return Some(answer.map(|body| self.reply_of(challenge, body)));
        }
        match self {
            Self::HcpVerification => {
                let [source, _] = body_fields::fields(body, [Some("event_source"), None]).ok()?;
                (source? == "hashicorp.webhook.verification").then(|| {
                    Ok(HandshakeReply::json(
                        self.clone(),
                        r#"{"verified":true}"#.to_owned(),
                    ))
                })
            }
            Self::WebhookValidate => {
                let [event, _] = body_fields::fields(body, [Some("event"), None]).ok()?;
                matches!(event?.as_str(), "Webhook Validate" | "Webhook Test")
                    .then(|| Ok(HandshakeReply::text(self.clone(), "OK".to_owned())))
            }
            Self::ZoomUrlValidation => {
                let [event, plain] =
                    body_fields::fields(body, [Some("event"), Some("payload.plainToken")]).ok()?;
                if event? != "endpoint.url_validation" {
                    return None;
                }
                let Some(plain) = plain.filter(|p| reply::echoable(p)) else {
                    return Some(Err(Reason::ChallengeSyntax));
                };
                let plain = plain.as_str();
                let encrypted = keyed_hex(plain.as_bytes());
                let body = serde_json::json!({ "plainToken": plain, "encryptedToken": encrypted });
                Some(Ok(HandshakeReply::json(self.clone(), body.to_string())))
            }
            Self::DiscordPing => {
                let [kind, token] =
                    body_fields::fields(body, [Some("type"), Some("token")]).ok()?;
                match kind?.as_str() {
                    "0" => Some(Ok(HandshakeReply::empty(self.clone(), 204))),
                    // An interaction carries a token; a webhook event carries an `event`
                    // object (which the field reader refuses as not text).
                    "1" if token.is_some()
                        || matches!(
                            body_fields::fields(body, [Some("event"), None]),
                            Ok([None, _])
                        ) =>
                    {
                        Some(Ok(HandshakeReply::json(
                            self.clone(),
                            r#"{"type":1}"#.to_owned(),
                        )))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn reply_of(&self, challenge: &Challenge, body: String) -> HandshakeReply {
        if challenge.is_json() {
            HandshakeReply::json(self.clone(), body)
        } else {
            HandshakeReply::text(self.clone(), body)
        }
    }
}

#[cfg(test)]
mod tests;
