//! Clerk (Standard Webhooks, sent by Svix).

use super::standard_webhooks::family;
use crate::SchemeBuilder;

/// [Clerk](https://clerk.com/docs/reference/backend/verify-webhook): the
/// [`standard_webhooks`](super::standard_webhooks) scheme under the name `clerk`, reading
/// the `svix-id`, `svix-timestamp` and `svix-signature` headers Clerk sends (and the
/// `webhook-` names when those are absent).
///
/// - **Secret:** the endpoint's `whsec_…` signing secret, base64 after the prefix.
/// - **Window:** ±300 s. Every attempt is signed again with a new timestamp.
/// - **Event id:** `svix-id`, signed (`{id}.{t}.{body}`) and kept on every retry.
/// - **Replay TTL:** 96 h: Svix retries for about 28 hours (5 s, 5 min, 30 min, 2 h, 5 h,
///   10 h, 10 h).
pub fn clerk() -> SchemeBuilder {
    family(
        "clerk",
        ["svix", "webhook"],
        "https://clerk.com/docs/reference/backend/verify-webhook",
    )
}

#[cfg(test)]
mod tests {
    use super::clerk;
    use crate::presets::test_support::{assert_authentic, assert_window, b64, svix_request};
    use crate::{IdOrigin, SignOptions, Signer};

    #[test]
    fn clerk_reads_and_sends_the_svix_headers() {
        let key = b"clerk-test-signing-key-32-bytes!";
        let secret = format!("whsec_{}", b64(key));
        let (id, ts, body) = (
            "msg_2ZX8jNQ4pDh3Q5rnmWx1",
            1_764_496_800_i64,
            r#"{"type":"user.created","data":{"id":"user_29w83sxmDNGwOuEthce5gg56FcC"}}"#,
        );
        let request = svix_request(key, id, ts, body);
        let wrong = format!("whsec_{}", b64(b"another-key"));
        let ok = assert_authentic(
            clerk,
            &secret,
            &wrong,
            &request,
            &["svix-id", "svix-timestamp", "svix-signature"],
        );
        assert_eq!((ok.scheme(), ok.event_id()), ("clerk", id));
        assert_eq!(ok.id_origin(), IdOrigin::Header);
        assert!(ok.id_is_signed());
        assert_window(clerk, &secret, &request);

        let signer = Signer::new(
            clerk(),
            clerk().build().unwrap().parse_secret(&secret).unwrap(),
        )
        .unwrap();
        let sent = signer
            .sign(body.as_bytes(), &SignOptions::new().id(id))
            .unwrap();
        let names: Vec<_> = sent.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["svix-id", "svix-timestamp", "svix-signature"]);
    }
}
