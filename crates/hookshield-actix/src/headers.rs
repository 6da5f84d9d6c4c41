//! Reading actix-web's header map (`http` 0.2 types) through the core's lookup trait.

use actix_web::http::header::HeaderMap;
use hookshield_core::HeaderLookup;

/// actix-web's [`HeaderMap`] seen through [`HeaderLookup`], so the core never sees an
/// actix or `http` 0.2 type.
#[derive(Debug, Clone, Copy)]
pub struct ActixHeaders<'a>(pub &'a HeaderMap);

impl HeaderLookup for ActixHeaders<'_> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.0.get_all(name).map(|value| value.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

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
    }
}
