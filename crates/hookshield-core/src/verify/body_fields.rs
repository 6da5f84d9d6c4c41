//! Reading one or two top-level fields of a JSON body, and nothing else.
//!
//! Members before the wanted ones are skipped with `IgnoredAny` (walked, never built), and
//! reading stops as soon as every wanted field has been found: the rest of the body is not
//! even scanned, so the cost does not grow with the payload when the id comes first (as it
//! does in Stripe's and HCP's events). The first occurrence of a field wins.
//!
//! When a single field is wanted and it is the body's first member, holding a plain string
//! (no escapes), a short scan reads it without starting serde at all; anything else goes
//! through `serde_json`. A property test checks that both paths agree.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::Reason;

/// The text of the wanted fields, in the order of the names asked for.
pub(crate) type Found = [Option<String>; 2];

/// Reads the top-level fields `names` (at most two; `None` slots are not looked for) of a
/// JSON object. A string gives its unescaped text, an integer its decimal digits.
pub(crate) fn fields(body: &[u8], names: [Option<&str>; 2]) -> Result<Found, Reason> {
    match names {
        [Some(name), None] => {
            if let Some(value) = first_member(body, name) {
                return Ok([Some(value), None]);
            }
        }
        [None, Some(name)] => {
            if let Some(value) = first_member(body, name) {
                return Ok([None, Some(value)]);
            }
        }
        _ => {}
    }
    with_serde(body, names)
}

/// The value of the body's first member when its key is `name` and both key and value are
/// plain JSON strings: no backslash, no control character, valid UTF-8. `None` otherwise.
fn first_member(body: &[u8], name: &str) -> Option<String> {
    let rest = skip_ws(body).strip_prefix(b"{")?;
    let rest = skip_ws(rest).strip_prefix(b"\"")?;
    let (key, rest) = plain_string(rest)?;
    if key != name.as_bytes() {
        return None;
    }
    let rest = skip_ws(rest).strip_prefix(b":")?;
    let rest = skip_ws(rest).strip_prefix(b"\"")?;
    let (value, _) = plain_string(rest)?;
    std::str::from_utf8(value).ok().map(str::to_owned)
}

/// Skips JSON whitespace (space, tab, line feed, carriage return: not form feed).
fn skip_ws(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    bytes
        .get(start.unwrap_or(bytes.len())..)
        .unwrap_or_default()
}

/// Splits `"…"` content (the opening quote already consumed) at its closing quote; `None`
/// when an escape or a control character comes first.
fn plain_string(rest: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    let (text, after) = (rest.get(..end)?, rest.get(end..)?);
    let after = after.strip_prefix(b"\"")?;
    // Branch-free, so it vectorizes: JSON strings carry no raw byte below 0x20.
    let control = text.iter().fold(false, |seen, &b| seen | (b < 0x20));
    (!control).then_some((text, after))
}

fn with_serde(body: &[u8], names: [Option<&str>; 2]) -> Result<Found, Reason> {
    let mut state = State {
        found: [None, None],
        wrong_type: false,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = Wanted {
        names,
        state: &mut state,
    }
    .deserialize(&mut de);
    if state.wrong_type {
        return Err(Reason::BodyFieldType);
    }
    let complete = names
        .iter()
        .zip(&state.found)
        .all(|(name, found)| name.is_none() || found.is_some());
    match result {
        // Stopped early on purpose: everything wanted was found.
        Err(_) if complete => Ok(state.found),
        Err(_) => Err(Reason::BodyNotJson),
        Ok(()) => {
            de.end().map_err(|_| Reason::BodyNotJson)?;
            Ok(state.found)
        }
    }
}

struct State {
    found: Found,
    wrong_type: bool,
}

struct Wanted<'n, 's> {
    names: [Option<&'n str>; 2],
    state: &'s mut State,
}

impl<'de> DeserializeSeed<'de> for Wanted<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Wanted<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut missing = self.names.iter().flatten().count();
        while let Some(slot) = map.next_key_seed(KeySeed { names: self.names })? {
            let Some(place) = slot.and_then(|i| self.state.found.get_mut(i)) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            match map.next_value::<Scalar>()? {
                Scalar::Text(text) => *place = Some(text),
                Scalar::Other => {
                    self.state.wrong_type = true;
                    return Err(de::Error::custom("field of the wrong type"));
                }
            }
            missing = missing.saturating_sub(1);
            if missing == 0 {
                // Leave the rest of the body unread; `fields` knows this is success.
                return Err(de::Error::custom("found"));
            }
        }
        Ok(())
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// The fast scan and serde agree whenever the fast scan answers.
        #[test]
        fn fast_path_agrees_with_serde(
            ws in "[ \t\r\n\x0b\x0c]{0,2}",
            key in proptest::prop_oneof!["id", "event_id", "i\\u0064", "[a-z\"\\\\]{0,4}"],
            value in "[ -~\u{0}-\u{1f}\u{e9}\u{1F600}]{0,12}",
            tail in proptest::prop_oneof![",\"x\":1}", "}", ",", "", "garbage"],
        ) {
            let body = format!("{ws}{{{ws}\"{key}\"{ws}:{ws}\"{value}\"{tail}");
            if let Some(fast) = first_member(body.as_bytes(), "id") {
                let slow = with_serde(body.as_bytes(), [Some("id"), None]);
                proptest::prop_assert_eq!(slow, Ok([Some(fast), None]));
            }
        }
    }

    #[test]
    fn fast_path_declines_what_it_cannot_read() {
        assert_eq!(
            first_member(br#"{"id":"evt_1","x":2}"#, "id").as_deref(),
            Some("evt_1")
        );
        assert_eq!(
            first_member(b" {\n \"id\" : \"a b\" ", "id").as_deref(),
            Some("a b")
        );
        for body in [
            &br#"{"id":"a\"b"}"#[..],
            br#"{"\u0069d":"x"}"#,
            br#"{"id":1}"#,
            br#"{"x":"1","id":"2"}"#,
            b"{\"id\":\"\x01\"}",
            b"{\"id\":\"\xff\"}",
        ] {
            assert_eq!(first_member(body, "id"), None, "{body:?}");
        }
    }

    #[test]
    fn stops_reading_once_everything_wanted_is_found() {
        let body = br#"{"id":"first","id":"second","rest": not json at all"#;
        assert_eq!(
            fields(body, [Some("id"), None]).unwrap()[0].as_deref(),
            Some("first")
        );
        let body = br#"{"ts":1,"rest": broken"#;
        assert_eq!(
            fields(body, [Some("id"), Some("ts")]),
            Err(Reason::BodyNotJson)
        );
    }

    #[test]
    fn wrong_types_and_bad_json_are_typed() {
        for body in [
            &br#"{"id":1.5}"#[..],
            br#"{"id":true}"#,
            br#"{"id":{"x":1}}"#,
            br#"{"id":null}"#,
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
        assert_eq!(
            fields(deep.as_bytes(), [Some("id"), None]),
            Ok([None, None])
        );
        let deep_id = format!("{{\"id\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(fields(deep_id.as_bytes(), [Some("id"), None]).is_err());
    }
}
