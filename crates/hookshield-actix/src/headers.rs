//! Reading actix-web's header map (`http` 0.2 types) through the core's lookup trait.

use actix_web::http::header::{HeaderMap, HeaderName};
use hookshield_core::HeaderLookup;
use hookshield_core::headers::HeaderName as SchemeHeader;

/// actix-web's [`HeaderMap`] seen through [`HeaderLookup`], so the core never sees an
/// actix or `http` 0.2 type.
///
/// A scheme's header names are looked up by actix-web's own [`HeaderName`], parsed the
/// first time and kept with the scheme's name ([`SchemeHeader::parsed`]): looking a
/// header up by text would parse the name, and allocate a copy of it, on every request.
#[derive(Debug, Clone, Copy)]
pub struct ActixHeaders<'a>(pub &'a HeaderMap);

impl HeaderLookup for ActixHeaders<'_> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.0.get_all(name).map(|value| value.as_bytes())
    }

    fn named_values<'a>(&'a self, name: &'a SchemeHeader) -> impl Iterator<Item = &'a [u8]> + 'a {
        let parsed = name.parsed(|text| HeaderName::from_bytes(text.as_bytes()).ok());
        let values = match parsed {
            Some(parsed) => self.0.get_all(parsed),
            None => self.0.get_all(name.as_str()),
        };
        values.map(|value| value.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;

    use super::*;

    #[test]
    fn every_value_case_insensitively() {
        let mut map = HeaderMap::new();
        let name = HeaderName::from_static("x-civo-event");
        map.append(name.clone(), HeaderValue::from_static("a"));
        map.append(name, HeaderValue::from_static("b"));
        let headers = ActixHeaders(&map);
        let values: Vec<_> = headers.header_values("X-Civo-Event").collect();
        assert_eq!(values, [b"a".as_slice(), b"b".as_slice()]);
        assert_eq!(headers.header_values("not a name").count(), 0);

        let scheme_name = SchemeHeader::new("X-Civo-Event").unwrap();
        for _ in 0..2 {
            let values: Vec<_> = headers.named_values(&scheme_name).collect();
            assert_eq!(values, [b"a".as_slice(), b"b".as_slice()]);
        }
        assert_eq!(
            scheme_name
                .parsed(|_| None::<HeaderName>)
                .map(HeaderName::as_str),
            Some("x-civo-event")
        );
    }

    #[test]
    fn a_name_kept_parsed_for_another_crate_is_looked_up_by_text() {
        let mut map = HeaderMap::new();
        map.append(
            HeaderName::from_static("webhook-id"),
            HeaderValue::from_static("msg_1"),
        );
        let scheme_name = SchemeHeader::new("Webhook-Id").unwrap();
        assert_eq!(scheme_name.parsed(|_| Some(0u8)), Some(&0));
        let headers = ActixHeaders(&map);
        let values: Vec<_> = headers.named_values(&scheme_name).collect();
        assert_eq!(values, [b"msg_1".as_slice()]);
    }
}
