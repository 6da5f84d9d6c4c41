//! The published HMAC test vectors, run through the scheme engine (not through `hmac`
//! directly): RFC 2202 for HMAC-SHA1 and RFC 4231 for HMAC-SHA256 and HMAC-SHA512.
//!
//! Each vector becomes a custom scheme that signs the raw body with hex encoding; the
//! expected digest is sent as the signature header. Flipping one hex digit of it must be
//! refused, upper-case hex must be accepted, and the signer must reproduce the digest.
// Test helpers fail loudly by design.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use hookshield_core::{
    Algorithm, ErrorKind, Reason, Scheme, SchemeBuilder, Secret, SignOptions, Signer, Verifier,
};

const HEADER: &str = "X-Sig";

struct Vector {
    source: &'static str,
    key: &'static [u8],
    data: &'static [u8],
    digest: &'static str,
}

/// RFC 2202 section 3, test cases 1 to 7 (case 5's full 160-bit digest).
const RFC2202_SHA1: &[Vector] = &[
    Vector {
        source: "RFC 2202 case 1",
        key: &[0x0b; 20],
        data: b"Hi There",
        digest: "b617318655057264e28bc0b6fb378c8ef146be00",
    },
    Vector {
        source: "RFC 2202 case 2",
        key: b"Jefe",
        data: b"what do ya want for nothing?",
        digest: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
    },
    Vector {
        source: "RFC 2202 case 3",
        key: &[0xaa; 20],
        data: &[0xdd; 50],
        digest: "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
    },
    Vector {
        source: "RFC 2202 case 4",
        key: &KEY_1_TO_25,
        data: &[0xcd; 50],
        digest: "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
    },
    Vector {
        source: "RFC 2202 case 5",
        key: &[0x0c; 20],
        data: b"Test With Truncation",
        digest: "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
    },
    Vector {
        source: "RFC 2202 case 6",
        key: &[0xaa; 80],
        data: b"Test Using Larger Than Block-Size Key - Hash Key First",
        digest: "aa4ae5e15272d00e95705637ce8a3b55ed402112",
    },
    Vector {
        source: "RFC 2202 case 7",
        key: &[0xaa; 80],
        data: b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
        digest: "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
    },
];

const KEY_1_TO_25: [u8; 25] = [
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
];

const RFC4231_DATA_7: &[u8] = b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.";

/// RFC 4231 section 4, test cases 1, 2, 3, 4, 6 and 7. Case 5 is a 128-bit truncation,
/// which no provider uses and the schemes do not offer.
const RFC4231_SHA256: &[Vector] = &[
    Vector {
        source: "RFC 4231 case 1",
        key: &[0x0b; 20],
        data: b"Hi There",
        digest: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    },
    Vector {
        source: "RFC 4231 case 2",
        key: b"Jefe",
        data: b"what do ya want for nothing?",
        digest: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    },
    Vector {
        source: "RFC 4231 case 3",
        key: &[0xaa; 20],
        data: &[0xdd; 50],
        digest: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    },
    Vector {
        source: "RFC 4231 case 4",
        key: &KEY_1_TO_25,
        data: &[0xcd; 50],
        digest: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    },
    Vector {
        source: "RFC 4231 case 6",
        key: &[0xaa; 131],
        data: b"Test Using Larger Than Block-Size Key - Hash Key First",
        digest: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    },
    Vector {
        source: "RFC 4231 case 7",
        key: &[0xaa; 131],
        data: RFC4231_DATA_7,
        digest: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    },
];

/// RFC 4231 section 4, the HMAC-SHA-512 results of the same cases.
const RFC4231_SHA512: &[Vector] = &[
    Vector {
        source: "RFC 4231 case 1",
        key: &[0x0b; 20],
        data: b"Hi There",
        digest: "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
                 daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
    },
    Vector {
        source: "RFC 4231 case 2",
        key: b"Jefe",
        data: b"what do ya want for nothing?",
        digest: "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    },
    Vector {
        source: "RFC 4231 case 3",
        key: &[0xaa; 20],
        data: &[0xdd; 50],
        digest: "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39\
                 bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
    },
    Vector {
        source: "RFC 4231 case 4",
        key: &KEY_1_TO_25,
        data: &[0xcd; 50],
        digest: "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db\
                 a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
    },
    Vector {
        source: "RFC 4231 case 6",
        key: &[0xaa; 131],
        data: b"Test Using Larger Than Block-Size Key - Hash Key First",
        digest: "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352\
                 6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
    },
    Vector {
        source: "RFC 4231 case 7",
        key: &[0xaa; 131],
        data: RFC4231_DATA_7,
        digest: "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944\
                 b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
    },
];

fn scheme(algorithm: Algorithm) -> SchemeBuilder {
    Scheme::builder("rfc")
        .algorithm(algorithm)
        .signature_header(HEADER)
}

/// A different hex digit at `index`: flips the low bit of its value.
fn flip_digit(digest: &str, index: usize) -> String {
    digest
        .char_indices()
        .map(|(i, c)| {
            if i != index {
                return c;
            }
            let value = c.to_digit(16).expect("hex digit") ^ 1;
            char::from_digit(value, 16).expect("hex digit")
        })
        .collect()
}

fn check(algorithm: Algorithm, vectors: &[Vector]) {
    for v in vectors {
        let verifier = Verifier::builder(scheme(algorithm))
            .secret(Secret::from_bytes(v.key).unwrap())
            .build()
            .unwrap();
        let verify = |signature: &str| verifier.verify(&[(HEADER, signature)], v.data);

        let verified = verify(v.digest).unwrap_or_else(|e| panic!("{}: {e}", v.source));
        assert_eq!(verified.scheme(), "rfc", "{}", v.source);
        assert!(
            verify(&v.digest.to_uppercase()).is_ok(),
            "{}: upper-case hex",
            v.source
        );
        for index in [0, v.digest.len() / 2, v.digest.len() - 1] {
            let err = verify(&flip_digit(v.digest, index)).unwrap_err();
            assert_eq!(
                err.kind(),
                ErrorKind::SignatureMismatch,
                "{} digit {index}",
                v.source
            );
            assert_eq!(err.reason(), Reason::SignatureMismatch, "{}", v.source);
        }
        let short = &v.digest[..v.digest.len() - 2];
        assert_eq!(
            verify(short).unwrap_err().reason(),
            Reason::SignatureEncoding,
            "{}: truncated digest",
            v.source
        );

        let signed = Signer::new(scheme(algorithm), Secret::from_bytes(v.key).unwrap())
            .unwrap()
            .sign(v.data, &SignOptions::new())
            .unwrap();
        assert_eq!(signed.get(HEADER), Some(v.digest), "{}: signer", v.source);
    }
}

#[test]
fn rfc2202_hmac_sha1() {
    check(Algorithm::HmacSha1, RFC2202_SHA1);
}

#[test]
fn rfc4231_hmac_sha256() {
    check(Algorithm::HmacSha256, RFC4231_SHA256);
}

#[test]
fn rfc4231_hmac_sha512() {
    check(Algorithm::HmacSha512, RFC4231_SHA512);
}

#[test]
fn a_digest_of_another_algorithm_is_refused() {
    // The SHA-256 digest of case 2 offered to an HMAC-SHA512 scheme: wrong length.
    let verifier = Verifier::builder(scheme(Algorithm::HmacSha512))
        .secret(Secret::from_text("Jefe").unwrap())
        .build()
        .unwrap();
    let err = verifier
        .verify(
            &[(HEADER, RFC4231_SHA256[1].digest)],
            RFC4231_SHA256[1].data,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedHeader);
}
