//! Dropbox.

use super::hours;
use crate::{Handshake, Scheme, SchemeBuilder};

/// [Dropbox](https://www.dropbox.com/developers/reference/webhooks):
/// `X-Dropbox-Signature: <hex HMAC-SHA256(app secret, body)>` (2°: the reference is cited
/// by peers and agrees with them; not read directly).
///
/// - **Handshake:** the unsigned `GET ?challenge=…` sent when the webhook URL is added is
///   echoed as `text/plain` with `X-Content-Type-Options: nosniff`
///   ([`Handshake::DropboxChallenge`]).
/// - **Event id:** none: a notification only says that accounts changed
///   (`{"list_folder":{"accounts":[…]}}`), so a digest of the body identifies it.
/// - **Timestamp:** none.
/// - **Replay TTL:** 24 h (Dropbox's retry horizon is not documented; its notifications
///   only prompt a fetch of changes, so a late duplicate costs one extra fetch).
pub fn dropbox() -> SchemeBuilder {
    Scheme::builder("dropbox")
        .signature_header("X-Dropbox-Signature")
        .recommended_ttl(hours(24))
        .handshake(Handshake::DropboxChallenge)
        .docs("https://www.dropbox.com/developers/reference/webhooks")
}

#[cfg(test)]
mod tests {
    use super::dropbox;
    use crate::presets::test_support::{Request, assert_authentic, verifier};
    use crate::{RequestContext, Verifier};

    /// hapi-dropbox-webhooks 1.1.0 `test/index.js` (a third-party vector, not Dropbox's).
    #[test]
    fn third_party_vector() {
        let request = Request {
            headers: vec![(
                "X-Dropbox-Signature",
                "0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529".to_owned(),
            )],
            body: br#"{"delta": {"users": [12345]}}"#.to_vec(),
            now: 0,
        };
        let ok = assert_authentic(
            dropbox,
            "the_secret",
            "wrong",
            &request,
            &["X-Dropbox-Signature"],
        );
        assert!(ok.event_id().starts_with("sha256:"));
    }

    #[test]
    fn the_get_challenge_is_echoed() {
        let v: Verifier = verifier(dropbox(), "the_secret");
        let none: [(&str, &str); 0] = [];
        let reply = v
            .answer_challenge(
                &RequestContext::new("GET", "/dropbox?challenge=Xyz-123"),
                &none,
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            (reply.body(), reply.headers()),
            ("Xyz-123", &[("x-content-type-options", "nosniff")][..])
        );
        assert!(
            v.answer_challenge(&RequestContext::new("POST", "/dropbox?challenge=x"), &none)
                .is_none()
        );
    }
}
