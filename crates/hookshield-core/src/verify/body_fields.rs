//! Reading one or two fields of a JSON body, and nothing else.
//!
//! A field is named by a path of object keys joined with dots: `id`, `event_id`, or
//! PagerDuty's `event.id` (the member `id` of the top-level member `event`). Members that
//! lead nowhere are skipped with `IgnoredAny` (walked, never built), only the objects on a
//! wanted path are entered, and reading stops as soon as every wanted field is settled:
//! the rest of the body is not even scanned, so the cost does not grow with the payload
//! when the id comes first (as it does in Stripe's and HCP's events). The first
//! occurrence of a key wins, at every level; a path through a value that is not an object
//! (`"event": null`) finds nothing.
//!
//! When a single field is wanted and every key on its path is the first member of its
//! object (`{"event":{"id":"…"`), holding a plain string (no escapes), a short scan reads it
//! without starting serde at all; anything else goes through `serde_json`. A property test
//! checks that both paths agree.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::Reason;
use crate::verify::short_text::ShortText;

/// The text of the wanted fields, in the order of the paths asked for: kept in place when
/// short, as ids and timestamps are.
pub(crate) type Found = [Option<ShortText>; 2];

/// The separator of the keys in a field path.
pub(crate) const PATH_SEPARATOR: char = '.';

/// The most keys a field path may have.
pub(crate) const MAX_PATH_DEPTH: usize = 8;

/// Reads the fields at `paths` (at most two; `None` slots are not looked for) of a JSON
/// object. A string gives its unescaped text, an integer its decimal digits. Two paths
/// must not be the same nor one a prefix of the other (the scheme builder checks).
pub(crate) fn fields(body: &[u8], paths: [Option<&str>; 2]) -> Result<Found, Reason> {
    match paths {
        [Some(path), None] => {
            if let Some(value) = first_member(body, path) {
                return Ok([Some(value), None]);
            }
        }
        [None, Some(path)] => {
            if let Some(value) = first_member(body, path) {
                return Ok([None, Some(value)]);
            }
        }
        _ => {}
    }
    with_serde(body, paths)
}

/// The value at `path` when each key on it is the first member of its object, every key
/// and the value are plain JSON strings (no backslash, no control character) and the value
/// is valid UTF-8: `{"event":{"id":"…"`, as PagerDuty sends it. `None` otherwise.
fn first_member(body: &[u8], path: &str) -> Option<ShortText> {
    let mut rest = body;
    for key in path.split(PATH_SEPARATOR) {
        rest = skip_ws(rest).strip_prefix(b"{")?;
        rest = skip_ws(rest).strip_prefix(b"\"")?;
        let (name, after) = plain_string(rest)?;
        if name != key.as_bytes() {
            return None;
        }
        rest = skip_ws(after).strip_prefix(b":")?;
    }
    let rest = skip_ws(rest).strip_prefix(b"\"")?;
    let (value, _) = plain_string(rest)?;
    std::str::from_utf8(value).ok().map(ShortText::from)
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

fn with_serde(body: &[u8], paths: [Option<&str>; 2]) -> Result<Found, Reason> {
    let mut state = State {
        found: [None, None],
        settled: paths.map(|p| p.is_none()),
        wrong_type: false,
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let result = Level {
        paths,
        depth: 0,
        on_path: [true, true],
        state: &mut state,
    }
    .deserialize(&mut de);
    if state.wrong_type {
        return Err(Reason::BodyFieldType);
    }
    match result {
        // Stopped early on purpose: everything wanted is settled.
        Err(_) if state.all_settled() => Ok(state.found),
        Err(_) => Err(Reason::BodyNotJson),
        Ok(true) => {
            de.end().map_err(|_| Reason::BodyNotJson)?;
            Ok(state.found)
        }
        // The body is JSON, but not an object.
        Ok(false) => Err(Reason::BodyNotJson),
    }
}

struct State {
    found: Found,
    /// Found, or known to be absent (its first enclosing object has been read).
    settled: [bool; 2],
    wrong_type: bool,
}

impl State {
    fn all_settled(&self) -> bool {
        self.settled.iter().all(|s| *s)
    }
}

/// The key of `path` at `depth`, and whether it is the path's last.
fn key_at(path: &str, depth: usize) -> Option<(&str, bool)> {
    let mut keys = path.split(PATH_SEPARATOR).skip(depth);
    let key = keys.next()?;
    Some((key, keys.next().is_none()))
}

/// What a key of the object at some depth means for each wanted path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Nothing.
    Off,
    /// The key is the path's last: its value is the field.
    Leaf,
    /// The path goes on inside this member's value.
    Into,
}

/// A JSON value at `depth` that lies on the paths flagged in `on_path`. Reading it answers
/// whether it was an object; any other value is walked over and leads nowhere.
struct Level<'p, 's> {
    paths: [Option<&'p str>; 2],
    depth: usize,
    on_path: [bool; 2],
    state: &'s mut State,
}

impl<'de> DeserializeSeed<'de> for Level<'_, '_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let Self {
            paths,
            depth,
            on_path,
            state,
        } = self;
        let live = |state: &State, i: usize| {
            on_path.get(i).copied().unwrap_or(false)
                && !state.settled.get(i).copied().unwrap_or(true)
        };
        loop {
            let wanted = [live(state, 0), live(state, 1)];
            let Some(steps) = map.next_key_seed(KeySeed {
                paths,
                depth,
                wanted,
            })?
            else {
                break;
            };
            if let Some(i) = steps.iter().position(|s| *s == Step::Leaf) {
                match map.next_value::<Scalar>()? {
                    Scalar::Text(text) => {
                        if let Some(place) = state.found.get_mut(i) {
                            *place = Some(text);
                        }
                    }
                    Scalar::Other => {
                        state.wrong_type = true;
                        return Err(de::Error::custom("field of the wrong type"));
                    }
                }
                if let Some(settled) = state.settled.get_mut(i) {
                    *settled = true;
                }
            } else if steps.contains(&Step::Into) {
                let inner = steps.map(|s| s == Step::Into);
                map.next_value_seed(Level {
                    paths,
                    depth: depth.saturating_add(1),
                    on_path: inner,
                    state,
                })?;
                // The first member of that name decides, object or not.
                for (settled, into) in state.settled.iter_mut().zip(inner) {
                    *settled |= into;
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            if state.all_settled() {
                // Leave the rest of the body unread; `with_serde` knows this is success.
                return Err(de::Error::custom("found"));
            }
        }
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// Matches a key against the wanted paths at one depth without allocating it.
struct KeySeed<'p> {
    paths: [Option<&'p str>; 2],
    depth: usize,
    /// The paths still looked for in this object.
    wanted: [bool; 2],
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = [Step; 2];

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = [Step; 2];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        let step = |path: Option<&str>, wanted: bool| match path.and_then(|p| key_at(p, self.depth))
        {
            Some((k, last)) if wanted && k == key => {
                if last {
                    Step::Leaf
                } else {
                    Step::Into
                }
            }
            _ => Step::Off,
        };
        let [a, b] = self.paths;
        let [wa, wb] = self.wanted;
        Ok([step(a, wa), step(b, wb)])
    }
}

/// A field value: text for strings and integers, `Other` for anything else.
enum Scalar {
    Text(ShortText),
    Other,
}

/// An integer's decimal digits.
fn digits(value: impl fmt::Display) -> Scalar {
    let mut text = ShortText::EMPTY;
    // Writing to a `ShortText` cannot fail.
    let _ = write!(text, "{value}");
    Scalar::Text(text)
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
        Ok(Scalar::Text(ShortText::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(digits(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(digits(v))
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
        assert_eq!(found, [Some("evt_1".into()), Some("1700000000123".into())]);
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
            outer in proptest::prop_oneof!["", "event", "ev\\u0065nt", "x"],
        ) {
            let inner = format!("{ws}{{{ws}\"{key}\"{ws}:{ws}\"{value}\"{tail}");
            let body = if outer.is_empty() {
                inner
            } else {
                format!("{{{ws}\"{outer}\"{ws}:{inner}}}")
            };
            for path in ["id", "event.id"] {
                if let Some(fast) = first_member(body.as_bytes(), path) {
                    let slow = with_serde(body.as_bytes(), [Some(path), None]);
                    proptest::prop_assert_eq!(slow, Ok([Some(fast), None]));
                }
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
        assert_eq!(
            first_member(br#"{ "event" : {"id":"01BW","x":1}}"#, "event.id").as_deref(),
            Some("01BW")
        );
        assert_eq!(
            first_member(br#"{"x":1,"event":{"id":"a"}}"#, "event.id"),
            None
        );
        assert_eq!(
            first_member(br#"{"event":{"x":1,"id":"a"}}"#, "event.id"),
            None
        );
        assert_eq!(first_member(br#"{"event":"id"}"#, "event.id"), None);
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
    fn nested_paths_enter_only_the_objects_on_the_path() {
        let one = |body: &[u8], path: &str| fields(body, [Some(path), None]).map(|[f, _]| f);
        // A same-named field at the top level and deeper elsewhere does not count.
        let body = br#"{"id":"top","data":{"event":{"id":"deeper"}},"event":{"data":{"id":"deeper2"},"id":"right"}}"#;
        assert_eq!(one(body, "event.id").unwrap().as_deref(), Some("right"));
        assert_eq!(one(body, "id").unwrap().as_deref(), Some("top"));
        assert_eq!(
            one(body, "data.event.id").unwrap().as_deref(),
            Some("deeper")
        );
        // Two paths through the same object, read in one pass.
        let body = br#"{"event":{"occurred_at":"2021-04-26T17:36:27.458Z","id":"01BW"}}"#;
        assert_eq!(
            fields(body, [Some("event.id"), Some("event.occurred_at")]).unwrap(),
            [Some("01BW".into()), Some("2021-04-26T17:36:27.458Z".into())]
        );
        // A path through something that is not an object finds nothing; the first member
        // of a name decides.
        for body in [
            &br#"{"event":null}"#[..],
            br#"{"event":"x"}"#,
            br#"{"event":[{"id":"in-array"}]}"#,
            br#"{"event":{}}"#,
            br#"{"event":1,"event":{"id":"late"}}"#,
            br#"{"event":{"x":1},"event":{"id":"late"}}"#,
        ] {
            assert_eq!(one(body, "event.id"), Ok(None), "{body:?}");
        }
        // Reading stops once the nested field is found.
        assert_eq!(
            one(br#"{"event":{"id":"x"}, not json"#, "event.id")
                .unwrap()
                .as_deref(),
            Some("x")
        );
        assert_eq!(
            one(br#"{"event":{"id":{"no":1}}}"#, "event.id"),
            Err(Reason::BodyFieldType)
        );
        // Settled once `event` is read: absent, the rest unread.
        assert_eq!(
            one(br#"{"event":{"id":"x"}, not json"#, "event.x"),
            Ok(None)
        );
        assert_eq!(
            one(br#"{"event":{"y":1, not json"#, "event.x"),
            Err(Reason::BodyNotJson)
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{{\"x\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        // Skipped members are walked iteratively: no recursion, no stack overflow.
        assert_eq!(
            fields(deep.as_bytes(), [Some("id"), None]),
            Ok([None, None])
        );
        assert_eq!(
            fields(deep.as_bytes(), [Some("x.id"), None]),
            Ok([None, None])
        );
        let deep_id = format!("{{\"id\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(fields(deep_id.as_bytes(), [Some("id"), None]).is_err());
    }
}
