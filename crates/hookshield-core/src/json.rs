//! Reading one or two top-level fields of a JSON body, and nothing else.
//!
//! The other members are skipped with `IgnoredAny` (validated, never built), so reading
//! the event id of a large payload allocates only the id.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::Reason;

/// The text of the wanted fields, in the order of the names asked for.
pub(crate) type Found = [Option<String>; 2];

/// Reads the top-level fields `names` (at most two; `None` slots are not looked for) of a
/// JSON object. A string gives its unescaped text, an integer its decimal digits.
pub(crate) fn fields(body: &[u8], names: [Option<&str>; 2]) -> Result<Found, Reason> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Wanted { names }
        .deserialize(&mut de)
        .map_err(|e| classify(&e))?;
    de.end().map_err(|_| Reason::BodyNotJson)?;
    Ok(found)
}

const WRONG_TYPE: &str = "hookshield: field of the wrong type";

fn classify(err: &serde_json::Error) -> Reason {
    if err.is_data() && err.to_string().starts_with(WRONG_TYPE) {
        Reason::BodyFieldType
    } else {
        Reason::BodyNotJson
    }
}

struct Wanted<'n> {
    names: [Option<&'n str>; 2],
}

impl<'de> DeserializeSeed<'de> for Wanted<'_> {
    type Value = Found;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Wanted<'_> {
    type Value = Found;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found: Self::Value = [None, None];
        while let Some(slot) = map.next_key_seed(KeySeed { names: self.names })? {
            match slot.and_then(|i| found.get_mut(i)) {
                Some(Some(_)) => return Err(de::Error::custom(WRONG_TYPE)),
                Some(place) => match map.next_value::<Scalar>()? {
                    Scalar::Text(text) => *place = Some(text),
                    Scalar::Other => return Err(de::Error::custom(WRONG_TYPE)),
                },
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

/// Matches a key against the wanted names without allocating it.
struct KeySeed<'n> {
    names: [Option<&'n str>; 2],
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.names.iter().position(|n| *n == Some(key)))
    }
}

/// A field value: text for strings and integers, `Other` for anything else.
enum Scalar {
    Text(String),
    Other,
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_and_integers_only() {
        let body = br#"{"a":[1,{"id":"nested"}],"id":"evt_1","ts":1700000000123,"z":null}"#;
        let found = fields(body, [Some("id"), Some("ts")]).unwrap();
        assert_eq!(
            found,
            [Some("evt_1".to_owned()), Some("1700000000123".to_owned())]
        );
        assert_eq!(
            fields(br#"{"x":1}"#, [Some("id"), None]).unwrap(),
            [None, None]
        );
        assert_eq!(
            fields(br#"{"id":"a\"b"}"#, [Some("id"), None]).unwrap()[0].as_deref(),
            Some("a\"b")
        );
        assert_eq!(
            fields(br#"{"\u0069d":"esc"}"#, [Some("id"), None]).unwrap()[0].as_deref(),
            Some("esc")
        );
    }

    #[test]
    fn wrong_types_and_bad_json_are_typed() {
        for body in [
            &br#"{"id":1.5}"#[..],
            br#"{"id":true}"#,
            br#"{"id":{"x":1}}"#,
            br#"{"id":"a","id":"b"}"#,
        ] {
            assert_eq!(
                fields(body, [Some("id"), None]),
                Err(Reason::BodyFieldType),
                "{body:?}"
            );
        }
        for body in [
            &b""[..],
            b"[]",
            b"\"id\"",
            b"{",
            b"{} trailing",
            b"token=abc&x=1",
            b"\xff\xfe",
        ] {
            assert_eq!(
                fields(body, [Some("id"), None]),
                Err(Reason::BodyNotJson),
                "{body:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{{\"x\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        // Skipped members are walked iteratively: no recursion, no stack overflow.
        assert_eq!(fields(deep.as_bytes(), [Some("id"), None]), Ok([None, None]));
        let deep_id = format!("{{\"id\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(fields(deep_id.as_bytes(), [Some("id"), None]).is_err());
    }
}
