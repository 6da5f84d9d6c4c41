//! Reading request headers without tying the core to one HTTP crate.
//!
//! Repeated headers are handled deliberately: every header hookshield reads (signature,
//! timestamp, event id) must appear **at most once**. A second value is refused with
//! [`Reason::RepeatedHeader`] (`400 malformed_header`) instead of picking one of them, since
//! a proxy or an attacker could otherwise choose which timestamp or signature is used.
//! Several signatures travel inside one header value, as the providers send them.
//!
//! A header sent with an empty (or all-whitespace) value counts as absent: an empty
//! signature header is `401 missing_header` in every scheme, and where a scheme reads
//! alternative names (`webhook-…` or `svix-…`) the next one is looked at.
//!
//! A scheme's header names are [`HeaderName`]s, checked and parsed when it is built: the
//! verifier looks them up with [`HeaderLookup::named_values`], so a map that keeps a
//! parsed name (`http::HeaderMap`, actix-web's map) never parses one per request.

mod name;

pub use name::HeaderName;

use crate::error::Reason;

/// The longest header value hookshield reads, in bytes.
pub const MAX_HEADER_VALUE: usize = 8 * 1024;

/// Gives every value of one header, so the verifier never depends on `http` 1.x, `http` 0.2
/// (actix-web) or any other HTTP crate.
///
/// Names are matched ASCII case-insensitively. Implemented for `http::HeaderMap` (feature
/// `http`), for slices, arrays and `Vec`s of `(name, value)` pairs, and for references.
///
/// The verifier asks by [`HeaderName`] ([`named_values`](Self::named_values)), which by
/// default asks [`header_values`](Self::header_values) with the name's text. A map that
/// parses names before looking them up should override it to use a parsed form of the
/// name kept with it (`http::HeaderMap` does, with the `http` feature; actix-web's map
/// through [`HeaderName::parsed`]), so no request pays for parsing the scheme's names.
///
/// ```
/// use hookshield_core::HeaderLookup;
///
/// let headers = [("X-Civo-Event", "6b1c…"), ("x-civo-event", "again")];
/// assert_eq!(headers.header_values("x-civo-event").count(), 2);
/// ```
pub trait HeaderLookup {
    /// Every value of the header `name`, in the order received.
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a;

    /// Every value of the header `name`, in the order received: the same values as
    /// [`header_values`](Self::header_values) of its text, which it defaults to.
    fn named_values<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.header_values(name.as_str())
    }
}

impl<T: HeaderLookup + ?Sized> HeaderLookup for &T {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        (**self).header_values(name)
    }

    fn named_values<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a [u8]> + 'a {
        (**self).named_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for [(K, V)] {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>, const N: usize> HeaderLookup for [(K, V); N] {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.as_slice().header_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<[u8]>> HeaderLookup for Vec<(K, V)> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.as_slice().header_values(name)
    }
}

/// Looks names up by the `http::HeaderName` each [`HeaderName`] keeps: hashed, never
/// parsed.
#[cfg(feature = "http")]
impl HeaderLookup for http::HeaderMap {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.get_all(name)
            .into_iter()
            .map(http::HeaderValue::as_bytes)
    }

    fn named_values<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a [u8]> + 'a {
        let values = match name.http() {
            Some(parsed) => self.get_all(parsed),
            None => self.get_all(name.as_str()),
        };
        values.into_iter().map(http::HeaderValue::as_bytes)
    }
}

/// The one value of the first of `names` that is present.
///
/// `Ok(None)` when none is present with a value (an empty or all-whitespace value counts
/// as absent); an error when the header is repeated or too long.
pub(crate) fn single<'a, H: HeaderLookup + ?Sized>(
    headers: &'a H,
    names: &'a [HeaderName],
) -> Result<Option<&'a [u8]>, Reason> {
    for name in names {
        if let Some(value) = only(headers.named_values(name))? {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// The one value of header `name`, named by text (a name given at request time): the
/// rule of [`single`].
pub(crate) fn one<'a, H: HeaderLookup + ?Sized>(
    headers: &'a H,
    name: &'a str,
) -> Result<Option<&'a [u8]>, Reason> {
    only(headers.header_values(name))
}

/// The one value among `values`: `Ok(None)` when there is none or it is empty (or all
/// whitespace); an error when there are more, or it is too long.
fn only<'a>(mut values: impl Iterator<Item = &'a [u8]>) -> Result<Option<&'a [u8]>, Reason> {
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Reason::RepeatedHeader);
    }
    if value.len() > MAX_HEADER_VALUE {
        return Err(Reason::HeaderTooLong);
    }
    Ok((!value.iter().all(u8::is_ascii_whitespace)).then_some(value))
}

/// Whether `name` is a valid HTTP field name (RFC 9110 token).
pub(crate) fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<HeaderName> {
        n.iter().map(|s| HeaderName::new(s).unwrap()).collect()
    }

    #[test]
    fn single_reads_first_present_alias() {
        let h = vec![("svix-id", "b")];
        assert_eq!(
            single(&h, &names(&["webhook-id", "svix-id"])),
            Ok(Some(&b"b"[..]))
        );
        assert_eq!(single(&h, &names(&["webhook-id"])), Ok(None));
    }

    #[test]
    fn repeated_and_long_values_are_refused() {
        let h = [("A", "1"), ("a", "2")];
        assert_eq!(single(&h, &names(&["a"])), Err(Reason::RepeatedHeader));
        let long = "x".repeat(MAX_HEADER_VALUE + 1);
        let h = [("a", long.as_str())];
        assert_eq!(single(&h, &names(&["a"])), Err(Reason::HeaderTooLong));
    }

    #[cfg(feature = "http")]
    #[test]
    fn http_header_map_is_case_insensitive() {
        let mut map = http::HeaderMap::new();
        map.insert(
            "x-hub-signature-256",
            http::HeaderValue::from_static("sha256=00"),
        );
        assert_eq!(map.header_values("X-Hub-Signature-256").count(), 1);
        let name = HeaderName::new("X-Hub-Signature-256").unwrap();
        assert_eq!(map.named_values(&name).count(), 1);
        assert_eq!(single(&map, &[name]), Ok(Some(&b"sha256=00"[..])));
    }

    #[test]
    fn references_and_pairs_look_names_up_by_text() {
        let h = vec![("X-A", "1"), ("x-a", "2"), ("x-b", "3")];
        let name = HeaderName::new("x-A").unwrap();
        assert_eq!((&&h).named_values(&name).count(), 2);
        assert_eq!(one(&h, "X-B"), Ok(Some(&b"3"[..])));
        assert_eq!(one(&h, "x-a"), Err(Reason::RepeatedHeader));
    }

    #[test]
    fn header_names_are_validated() {
        assert!(is_valid_name("X-Civo-Signature"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("bad name"));
        assert!(!is_valid_name("bad:name"));
    }
}
