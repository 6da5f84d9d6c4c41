//! [`Challenge`]: a handshake described by where its signal, token and challenge are, for
//! providers hookshield has no preset for. The built-in GET challenges (Meta, Dropbox,
//! Okta) and echoes (Slack, Twitch) are `Challenge`s too.

use std::borrow::Cow;

use crate::error::{ConfigError, Reason};
use crate::headers::{self, HeaderLookup};
use crate::request::{RequestContext, query};
use crate::scheme::algorithm::Keyed;
use crate::scheme::handshake::reply::echoable;
use crate::verify::body_fields;

type Text = Cow<'static, str>;

/// Where a value of the request is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Place {
    Query(Text),
    Header(Text),
    Field(Text),
}

/// How the challenge is answered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Shape {
    Text,
    JsonMember(Text),
}

/// A provider's endpoint check, described by where its parts are:
///
/// - [`get`](Self::get): an **unsigned** `GET` answered before any signature is looked
///   at (Meta, Dropbox, Okta). Only a `GET` that meets every `when_*` condition and
///   carries the challenge is answered; with a `token_*` place, only when the token equals
///   the verifier's [`handshake_token`](crate::VerifierBuilder::handshake_token) (compared
///   in constant time; otherwise 403 `challenge_refused`). Every other `GET` goes on to
///   signature verification and is refused there.
/// - [`signed`](Self::signed): recognised in a request whose signature was verified
///   (Slack, Twitch).
///
/// The answer echoes the challenge as `text/plain`, or as one member of a JSON object
/// ([`json_member`](Self::json_member)); a challenge that is not 1 to 256 printable
/// characters free of `<>&"'\`` is never echoed.
///
/// ```
/// use hookshield_core::{presets, Challenge, Handshake, RequestContext, Verifier};
///
/// // A provider that checks endpoints with `GET ?mode=verify&token=…&echo=…`.
/// let challenge = Challenge::get()
///     .when_query("mode", "verify")
///     .token_query("token")
///     .echo_query("echo");
/// let verifier = Verifier::builder(presets::github().handshake(Handshake::custom(challenge)))
///     .encoded_secret("s3cret")
///     .handshake_token("my-verify-token")
///     .build()?;
///
/// let headers: [(&str, &str); 0] = [];
/// let request = RequestContext::new("GET", "/hook?mode=verify&token=my-verify-token&echo=42");
/// let reply = verifier.answer_challenge(&request, &headers).unwrap().unwrap();
/// assert_eq!((reply.status(), reply.body()), (200, "42"));
///
/// let wrong = RequestContext::new("GET", "/hook?mode=verify&token=guess&echo=42");
/// let refused = verifier.answer_challenge(&wrong, &headers).unwrap().unwrap_err();
/// assert_eq!((refused.status(), refused.code()), (403, "challenge_refused"));
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[must_use]
pub struct Challenge {
    pub(crate) unsigned_get: bool,
    pub(crate) when: Vec<(Place, Text)>,
    pub(crate) token: Option<Place>,
    pub(crate) echo: Option<Place>,
    pub(crate) shape: Shape,
}

impl Challenge {
    /// An unsigned `GET` challenge, answered before verification.
    pub fn get() -> Self {
        Self::new(true)
    }

    /// A challenge recognised in a verified request.
    pub fn signed() -> Self {
        Self::new(false)
    }

    const fn new(unsigned_get: bool) -> Self {
        Self {
            unsigned_get,
            when: Vec::new(),
            token: None,
            echo: None,
            shape: Shape::Text,
        }
    }

    /// Only when the query parameter `name` is `value`.
    pub fn when_query(self, name: impl Into<Text>, value: impl Into<Text>) -> Self {
        self.when(Place::Query(name.into()), value.into())
    }

    /// Only when the header `name` is `value` (ASCII case-insensitive). For a signed
    /// challenge, prefer [`when_field`](Self::when_field): a header the scheme does not sign
    /// can be changed on a captured request, turning a handshake into an ordinary event.
    pub fn when_header(self, name: impl Into<Text>, value: impl Into<Text>) -> Self {
        self.when(Place::Header(name.into()), value.into())
    }

    /// Only when the JSON body's field at dotted `path` is `value` (signed challenges).
    pub fn when_field(self, path: impl Into<Text>, value: impl Into<Text>) -> Self {
        self.when(Place::Field(path.into()), value.into())
    }

    fn when(mut self, place: Place, value: Text) -> Self {
        self.when.push((place, value));
        self
    }

    /// The verify token is the query parameter `name`.
    pub fn token_query(mut self, name: impl Into<Text>) -> Self {
        self.token = Some(Place::Query(name.into()));
        self
    }

    /// The verify token is the header `name`.
    pub fn token_header(mut self, name: impl Into<Text>) -> Self {
        self.token = Some(Place::Header(name.into()));
        self
    }

    /// The challenge to echo is the query parameter `name`.
    pub fn echo_query(mut self, name: impl Into<Text>) -> Self {
        self.echo = Some(Place::Query(name.into()));
        self
    }

    /// The challenge to echo is the header `name`.
    pub fn echo_header(mut self, name: impl Into<Text>) -> Self {
        self.echo = Some(Place::Header(name.into()));
        self
    }

    /// The challenge to echo is the JSON body's field at dotted `path` (signed challenges).
    pub fn echo_field(mut self, path: impl Into<Text>) -> Self {
        self.echo = Some(Place::Field(path.into()));
        self
    }

    /// Answer `{"<name>": "<challenge>"}` as `application/json` instead of the challenge as
    /// `text/plain`.
    pub fn json_member(mut self, name: impl Into<Text>) -> Self {
        self.shape = Shape::JsonMember(name.into());
        self
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let places = self
            .when
            .iter()
            .map(|(p, _)| p)
            .chain(&self.token)
            .chain(&self.echo);
        for place in places {
            let (Place::Query(name) | Place::Header(name) | Place::Field(name)) = place;
            if name.is_empty() {
                return Err(ConfigError::Handshake("a name or path is empty"));
            }
            if self.unsigned_get && matches!(place, Place::Field(_)) {
                return Err(ConfigError::Handshake(
                    "a GET challenge has no body to read",
                ));
            }
        }
        if self.echo.is_none() {
            return Err(ConfigError::Handshake(
                "nothing to echo: set echo_query, echo_header or echo_field",
            ));
        }
        Ok(())
    }

    /// For a `GET` challenge: `None` when `request` is not this challenge; otherwise the
    /// value to answer, or why it is refused. `token` is the configured verify token.
    pub(crate) fn answer_get<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
        token: Option<&Keyed>,
    ) -> Option<Result<String, Reason>> {
        // A query longer than any challenge's is not one: it goes on to verification.
        let too_long = request.query().is_some_and(|q| q.len() > query::MAX_QUERY);
        if !self.unsigned_get || !request.is_get() || too_long {
            return None;
        }
        let read = |place: &Place| read_place(place, request, headers, &[]);
        for (place, wanted) in &self.when {
            match read(place) {
                Ok(Some(value)) if value == **wanted => {}
                Ok(_) => return None,
                Err(reason) => return Some(Err(reason)),
            }
        }
        let echo = match read(self.echo.as_ref()?) {
            Ok(Some(value)) => value,
            Ok(None) => return None,
            Err(reason) => return Some(Err(reason)),
        };
        if let Some(place) = &self.token {
            let Some(expected) = token else {
                return Some(Err(Reason::NoChallengeToken));
            };
            let presented = match read(place) {
                Ok(value) => value.unwrap_or_default(),
                Err(reason) => return Some(Err(reason)),
            };
            if !bool::from(expected.token_matches(presented.as_bytes())) {
                return Some(Err(Reason::ChallengeTokenMismatch));
            }
        }
        if !echoable(&echo) {
            return Some(Err(Reason::ChallengeSyntax));
        }
        Some(Ok(self.render(&echo)))
    }

    /// For a signed challenge: `None` when the verified request is not this challenge;
    /// otherwise the answer, or [`Reason::ChallengeSyntax`] when its challenge is missing or
    /// cannot be echoed (it is refused rather than handed to the handler).
    pub(crate) fn answer_signed<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
    ) -> Option<Result<String, Reason>> {
        if self.unsigned_get {
            return None;
        }
        let none = RequestContext::new("", "/");
        let request = request.unwrap_or(&none);
        for (place, wanted) in &self.when {
            let value = read_place(place, request, headers, body).ok()??;
            let matches = match place {
                Place::Header(_) => value.eq_ignore_ascii_case(wanted),
                _ => value == **wanted,
            };
            if !matches {
                return None;
            }
        }
        let echo = read_place(self.echo.as_ref()?, request, headers, body);
        Some(match echo {
            Ok(Some(echo)) if echoable(&echo) => Ok(self.render(&echo)),
            _ => Err(Reason::ChallengeSyntax),
        })
    }

    /// The body of the answer.
    fn render(&self, echo: &str) -> String {
        match &self.shape {
            Shape::Text => echo.to_owned(),
            Shape::JsonMember(name) => serde_json::json!({ name.as_ref(): echo }).to_string(),
        }
    }

    /// The `Content-Type` of the answer.
    pub(crate) fn is_json(&self) -> bool {
        matches!(self.shape, Shape::JsonMember(_))
    }
}

/// The text at `place`: `None` when absent; an error when a query parameter or header
/// is repeated.
fn read_place<H: HeaderLookup + ?Sized>(
    place: &Place,
    request: &RequestContext<'_>,
    headers: &H,
    body: &[u8],
) -> Result<Option<String>, Reason> {
    match place {
        Place::Query(name) => {
            query::param(request.query(), name).map_err(|()| Reason::ChallengeSyntax)
        }
        Place::Header(name) => match headers::one(headers, name) {
            Ok(value) => Ok(value
                .and_then(|v| std::str::from_utf8(v).ok())
                .map(|v| v.trim().to_owned())),
            Err(_) => Err(Reason::ChallengeSyntax),
        },
        Place::Field(path) => Ok(body_fields::fields(body, [Some(path), None])
            .ok()
            .and_then(|[value, _]| value)
            .map(|value| value.as_str().to_owned())),
    }
}
