//! [`HandshakeReply`]: the answer an adapter sends to a provider's endpoint check.

use crate::scheme::handshake::Handshake;

/// The longest challenge echoed back (Slack's are about 50 characters, Meta's a number).
pub(crate) const MAX_CHALLENGE: usize = 256;

/// The headers every handshake answer carries: the echoed challenge is never sniffed
/// as HTML.
pub const HANDSHAKE_HEADERS: &[(&str, &str)] = &[("x-content-type-options", "nosniff")];

/// The answer to a handshake, for an adapter to send as it is: [`status`](Self::status),
/// `Content-Type` [`content_type`](Self::content_type), [`body`](Self::body) and the
/// [`headers`](Self::headers).
#[derive(Clone, PartialEq, Eq)]
pub struct HandshakeReply {
    pub(crate) handshake: Handshake,
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    /// A header echoed back to the provider (Asana's `X-Hook-Secret`).
    pub(crate) echo: Option<(&'static str, zeroize::Zeroizing<String>)>,
}

impl std::fmt::Debug for HandshakeReply {
    /// Everything but an echoed header's value (Asana's secret), which shows as REDACTED.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandshakeReply")
            .field("handshake", &self.handshake)
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body", &self.body)
            .field(
                "echo",
                &self.echo.as_ref().map(|(name, _)| (name, "REDACTED")),
            )
            .finish()
    }
}

impl HandshakeReply {
    pub(crate) fn text(handshake: Handshake, body: String) -> Self {
        Self {
            handshake,
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body,
            echo: None,
        }
    }

    /// An answer with `status` and no body (Discord's webhook-events ping: 204).
    pub(crate) fn empty(handshake: Handshake, status: u16) -> Self {
        Self {
            status,
            ..Self::text(handshake, String::new())
        }
    }

    /// The same answer echoing header `name` with `value`.
    pub(crate) fn with_echo(mut self, name: &'static str, value: String) -> Self {
        self.echo = Some((name, zeroize::Zeroizing::new(value)));
        self
    }

    pub(crate) fn json(handshake: Handshake, body: String) -> Self {
        Self {
            handshake,
            status: 200,
            content_type: "application/json",
            body,
            echo: None,
        }
    }

    /// Which handshake this answers.
    pub fn handshake(&self) -> &Handshake {
        &self.handshake
    }

    /// The HTTP status (200, or 204 for Discord's webhook-events ping).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type` of the answer.
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body of the answer.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Headers to send besides `Content-Type`: [`HANDSHAKE_HEADERS`].
    pub fn headers(&self) -> &'static [(&'static str, &'static str)] {
        HANDSHAKE_HEADERS
    }

    /// A header to send back as the provider asks (Asana's `X-Hook-Secret`, echoing the
    /// secret it handed over), besides [`headers`](Self::headers).
    pub fn echo_header(&self) -> Option<(&'static str, &str)> {
        self.echo
            .as_ref()
            .map(|(name, value)| (*name, value.as_str()))
    }
}

/// Whether `value` may be echoed: 1 to [`MAX_CHALLENGE`] printable ASCII characters, none
/// of them one that means something in HTML or JSON (`<>&"'\` and the backtick).
pub(crate) fn echoable(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_CHALLENGE
        && value.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'' | b'\\' | b'`')
        })
}
