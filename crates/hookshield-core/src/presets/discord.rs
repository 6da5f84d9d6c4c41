//! Discord (interactions and webhook events).

use std::time::Duration;

use super::hours;
use crate::{Algorithm, Handshake, IdDigest, Scheme, SchemeBuilder, TimestampWindow};

/// [Discord](https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers):
/// `X-Signature-Ed25519` is the hex Ed25519 signature, by the application's key, of
/// `X-Signature-Timestamp` followed by the raw body; verified with the application's
/// **public key** (hex, from the developer portal), given as the verifier's secret.
///
/// - **Refusals:** Discord sends endpoints invalid signatures on purpose and removes an
///   endpoint that accepts one, and requires a 401 for any request that fails validation:
///   malformed signature and timestamp headers are answered 401 `signature_mismatch` too
///   ([`SchemeBuilder::malformed_is_unauthorized`]; the detailed reason is kept).
///   Signatures are checked strictly (a non-canonical or small-order value is refused).
/// - **Timestamp:** `X-Signature-Timestamp`, Unix seconds. Discord documents no tolerance
///   (its own library checks none); the window is 15 minutes in the past, covering the
///   webhook events' 10-minute retry horizon, and 5 minutes ahead.
/// - **Handshakes:** the interaction `PING` (`"type":1`) is answered `200 {"type":1}`; the
///   webhook-events `PING` (`"type":0`) `204` ([`Handshake::DiscordPing`]).
/// - **Event id:** an interaction's `id`; webhook events have none, so a digest of the
///   body stands in (a retry signed again with a new timestamp is still recognised).
/// - **Replay TTL:** 1 h: interactions are not retried, webhook events for 10 minutes.
pub fn discord() -> SchemeBuilder {
    Scheme::builder("discord")
        .algorithm(Algorithm::Ed25519)
        .signature_header("X-Signature-Ed25519")
        .signed_content("{t}{body}")
        .timestamp_header("X-Signature-Timestamp")
        .window(TimestampWindow::new(
            Duration::from_secs(900),
            Duration::from_secs(300),
        ))
        .id_field("id")
        .id_required(false)
        .id_digest(IdDigest::Body)
        .recommended_ttl(hours(1))
        .handshake(Handshake::DiscordPing)
        .malformed_is_unauthorized()
        .docs("https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers")
}

#[cfg(test)]
mod tests {
    use super::discord;
    use crate::presets::test_support::{at, hex};
    use crate::{Algorithm, ErrorKind, IdOrigin, PrivateKey, SignOptions, Signer, Verifier};

    /// Discord publishes no vector: a key is generated here, and the signature is also
    /// computed with `ed25519-dalek` directly.
    #[test]
    fn discord_signatures_and_forgeries() {
        let key = PrivateKey::generate(Algorithm::Ed25519).unwrap();
        let public = key.public_key().to_text();
        let verifier = Verifier::builder(discord())
            .encoded_secret(&public)
            .build()
            .unwrap();
        let body = br#"{"id":"787053080478613555","token":"tok","type":2,"version":1}"#;
        let signed = Signer::with_private_key(
            discord(),
            PrivateKey::parse(Algorithm::Ed25519, &key.to_text()).unwrap(),
        )
        .unwrap()
        .sign(body, &SignOptions::new().timestamp(at(1_700_000_000)))
        .unwrap();
        let signature = signed.get("X-Signature-Ed25519").unwrap().to_owned();
        assert_eq!(signature.len(), 128);
        let ok = verifier
            .verify_at(&signed, body, at(1_700_000_010))
            .unwrap();
        assert_eq!(
            (ok.event_id(), ok.id_origin()),
            ("787053080478613555", IdOrigin::Body)
        );

        // Independent path: ed25519-dalek over timestamp + body.
        let seed: [u8; 32] = const_hex::decode(key.to_text().as_str())
            .unwrap()
            .try_into()
            .unwrap();
        let dalek = ed25519_dalek::SigningKey::from_bytes(&seed);
        let mut message = b"1700000000".to_vec();
        message.extend_from_slice(body);
        use ed25519_dalek::Signer as _;
        assert_eq!(hex(&dalek.sign(&message).to_bytes()), signature);

        let check = |sig: &str, ts: &str, body: &[u8]| {
            let headers = [("X-Signature-Ed25519", sig), ("X-Signature-Timestamp", ts)];
            verifier
                .verify_at(&headers, body, at(1_700_000_010))
                .map(|_| ())
        };
        assert!(check(&signature, "1700000000", body).is_ok());
        assert!(check(&signature.to_uppercase(), "1700000000", body).is_ok());
        let mismatch = |r: Result<(), crate::VerifyError>| r.unwrap_err().kind();
        // Tampered body, timestamp, signature; truncated; all zero; malleated (s + L).
        assert_eq!(
            mismatch(check(&signature, "1700000001", body)),
            ErrorKind::SignatureMismatch
        );
        assert_eq!(
            mismatch(check(&signature, "1700000000", b"{}")),
            ErrorKind::SignatureMismatch
        );
        let mut flipped = const_hex::decode(&signature).unwrap();
        flipped[10] ^= 1;
        assert_eq!(
            mismatch(check(&hex(&flipped), "1700000000", body)),
            ErrorKind::SignatureMismatch
        );
        // Malformed: still 401, as Discord requires, with the reason kept.
        let truncated = check(&signature[..126], "1700000000", body).unwrap_err();
        assert_eq!(
            (truncated.status(), truncated.reason()),
            (401, crate::Reason::SignatureEncoding)
        );
        assert_eq!(
            mismatch(check(&"0".repeat(128), "1700000000", body)),
            ErrorKind::SignatureMismatch
        );
        let mut malleated = const_hex::decode(&signature).unwrap();
        add_group_order(&mut malleated[32..]);
        assert_eq!(
            mismatch(check(&hex(&malleated), "1700000000", body)),
            ErrorKind::SignatureMismatch
        );
        // Another application's key.
        let other = PrivateKey::generate(Algorithm::Ed25519)
            .unwrap()
            .public_key()
            .to_text();
        let wrong = Verifier::builder(discord())
            .encoded_secret(&other)
            .build()
            .unwrap();
        assert_eq!(
            wrong
                .verify_at(&signed, body, at(1_700_000_010))
                .unwrap_err()
                .kind(),
            ErrorKind::SignatureMismatch
        );
        // A shared secret is not a Discord key.
        assert!(
            Verifier::builder(discord())
                .encoded_secret("not-a-public-key")
                .build()
                .is_err()
        );
    }

    /// Adds the Ed25519 group order L to a little-endian scalar: the same value mod L, a
    /// "malleated" signature that a strict verifier refuses.
    fn add_group_order(s: &mut [u8]) {
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (byte, l) in s.iter_mut().zip(L) {
            let sum = u16::from(*byte)
                .wrapping_add(u16::from(l))
                .wrapping_add(carry);
            *byte = (sum & 0xff) as u8;
            carry = sum >> 8;
        }
    }

    #[test]
    fn discord_pings() {
        let key = PrivateKey::generate(Algorithm::Ed25519).unwrap();
        let verifier = Verifier::builder(discord())
            .public_key(key.public_key())
            .build()
            .unwrap();
        let signer = Signer::with_private_key(discord(), key).unwrap();
        let answer = |body: &[u8]| {
            let headers = signer.sign(body, &SignOptions::new()).unwrap();
            let verified = verifier.verify(&headers, body).unwrap();
            verifier
                .handshake_reply(None, &headers, body, &verified)
                .map(|r| {
                    r.map(|r| (r.status(), r.content_type(), r.body().to_owned()))
                        .unwrap()
                })
        };
        let pong = Some((200, "application/json", r#"{"type":1}"#.to_owned()));
        assert_eq!(
            answer(br#"{"id":"1","token":"t","type":1,"version":1}"#),
            pong
        );
        assert_eq!(answer(br#"{"type":1}"#), pong);
        assert_eq!(
            answer(br#"{"version":1,"application_id":"1234","type":0}"#),
            Some((204, "text/plain; charset=utf-8", String::new()))
        );
        // A webhook event (type 1 with an event) and a command (type 2) are events.
        assert_eq!(
            answer(br#"{"version":1,"application_id":"1","type":1,"event":{"type":"APPLICATION_AUTHORIZED","timestamp":"2024-10-18T14:42:53.064834","data":{}}}"#),
            None
        );
        assert_eq!(answer(br#"{"id":"2","token":"t","type":2}"#), None);
    }
}
