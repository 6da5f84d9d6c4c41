//! Provider handshakes: requests a provider sends to check an endpoint before (or while)
//! it delivers events. Adapters answer them after the signature is verified and before the
//! replay guard, so a handshake never reaches the user's handler and is never remembered as
//! a processed event.

use crate::verify::body_fields;

/// A provider's endpoint check, recognised in a verified body.
///
/// A preset opts in to its provider's handshake ([`Scheme::handshake`](crate::Scheme::handshake));
/// a custom scheme opts in with [`SchemeBuilder::handshake`](crate::SchemeBuilder::handshake).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Slack's `{"type":"url_verification","challenge":…}`, answered `200` with the
    /// challenge as text/plain.
    /// ([docs](https://api.slack.com/events/url_verification))
    SlackUrlVerification,
}

/// The answer to a handshake, for an adapter to send as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeReply {
    handshake: Handshake,
    content_type: &'static str,
    body: String,
}

impl HandshakeReply {
    /// Which handshake this answers.
    pub fn handshake(&self) -> Handshake {
        self.handshake
    }

    /// The HTTP status: always 200.
    pub fn status(&self) -> u16 {
        200
    }

    /// The `Content-Type` of the answer.
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body of the answer.
    pub fn body(&self) -> &str {
        &self.body
    }
}

/// Longest Slack challenge echoed back (Slack's are about 50 characters).
const MAX_CHALLENGE: usize = 256;

impl Handshake {
    /// The answer when `body` (already verified) is this handshake; `None` for an
    /// ordinary event, including bodies that are not JSON.
    ///
    /// ```
    /// use hookshield_core::Handshake;
    ///
    /// let body = br#"{"token":"x","challenge":"3eZbrw1aBm2","type":"url_verification"}"#;
    /// let reply = Handshake::SlackUrlVerification.reply(body).expect("a handshake");
    /// assert_eq!((reply.status(), reply.body()), (200, "3eZbrw1aBm2"));
    /// assert!(Handshake::SlackUrlVerification.reply(br#"{"type":"event_callback"}"#).is_none());
    /// ```
    pub fn reply(self, body: &[u8]) -> Option<HandshakeReply> {
        let (content_type, text) = match self {
            Self::HcpVerification => {
                let [source, _] = body_fields::fields(body, [Some("event_source"), None]).ok()?;
                (source? == "hashicorp.webhook.verification")
                    .then(|| ("application/json", r#"{"verified":true}"#.to_owned()))?
            }
            Self::WebhookValidate => {
                let [event, _] = body_fields::fields(body, [Some("event"), None]).ok()?;
                matches!(event?.as_str(), "Webhook Validate" | "Webhook Test")
                    .then(|| ("text/plain; charset=utf-8", "OK".to_owned()))?
            }
            Self::SlackUrlVerification => {
                let [kind, challenge] =
                    body_fields::fields(body, [Some("type"), Some("challenge")]).ok()?;
                let challenge = challenge?;
                let printable = challenge.len() <= MAX_CHALLENGE
                    && challenge.bytes().all(|b| b.is_ascii_graphic());
                (kind? == "url_verification" && printable)
                    .then_some(("text/plain; charset=utf-8", challenge))?
            }
        };
        Some(HandshakeReply {
            handshake: self,
            content_type,
            body: text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcp_verification_payload_from_the_docs() {
        let body = br#"{"event_id":"webhook.event:mlizg1TCaSsrJ2hOXZMmS","event_action":"test","event_description":"Verification","event_source":"hashicorp.webhook.verification","resource_id":"","resource_name":"","event_version":"1","event_payload":{}}"#;
        let reply = Handshake::HcpVerification.reply(body).unwrap();
        assert_eq!(reply.status(), 200);
        assert_eq!(reply.content_type(), "application/json");
        let event = br#"{"event_id":"packer.event:MtCpPwmkdPpD8qqfMRhJ","event_action":"create","event_source":"hashicorp.packer.version"}"#;
        assert_eq!(Handshake::HcpVerification.reply(event), None);
    }

    #[test]
    fn webhook_validate_and_its_old_name() {
        for name in ["Webhook Validate", "Webhook Test"] {
            let body = format!(r#"{{"event": "{name}", "data": {{}}}}"#);
            let reply = Handshake::WebhookValidate.reply(body.as_bytes()).unwrap();
            assert_eq!(reply.body(), "OK");
        }
        let event = br#"{"event":"Site Status Update","data":{"name":"x"}}"#;
        assert_eq!(Handshake::WebhookValidate.reply(event), None);
    }

    #[test]
    fn slack_challenge_is_echoed_only_when_it_is_plain_text() {
        let body = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
        let reply = Handshake::SlackUrlVerification.reply(body).unwrap();
        assert_eq!(
            reply.body(),
            "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
        );
        let odd = br#"{"type":"url_verification","challenge":"<script>alert(1)</script> x"}"#;
        assert_eq!(Handshake::SlackUrlVerification.reply(odd), None);
        // Slash commands are form-encoded: not JSON, not a handshake.
        assert_eq!(
            Handshake::SlackUrlVerification.reply(b"token=x&type=url_verification"),
            None
        );
    }
}
