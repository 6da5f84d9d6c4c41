//! Reading one parameter of a query string, and the percent-decoding some providers apply
//! to the URL before signing it.

/// The longest query string a challenge reads, in bytes.
pub(crate) const MAX_QUERY: usize = 8 * 1024;

/// The decoded value of the query parameter `name`: `None` when absent, an error when it
/// appears more than once (a proxy or an attacker could choose which one is used).
pub(crate) fn param(query: Option<&str>, name: &str) -> Result<Option<String>, ()> {
    let Some(query) = query else {
        return Ok(None);
    };
    let mut found = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key == name {
            if found.is_some() {
                return Err(());
            }
            found = Some(value.into_owned());
        }
    }
    Ok(found)
}

/// `url` with the percent-escapes of the characters in `chars` decoded (`%3A` → `:` when
/// `chars` holds `:`), as HubSpot's v3 signature asks; other escapes are kept as sent.
pub(crate) fn unescape(url: &str, chars: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(at) = rest.find('%') {
        let (before, escape) = rest.split_at(at);
        out.push_str(before);
        let decoded = escape
            .get(1..3)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .map(char::from)
            .filter(|c| c.is_ascii() && chars.contains(*c));
        match decoded {
            Some(c) => {
                out.push(c);
                rest = escape.get(3..).unwrap_or_default();
            }
            None => {
                out.push('%');
                rest = escape.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_decoded_and_repeats_refused() {
        let query = Some("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=a%20b+c");
        assert_eq!(
            param(query, "hub.challenge").unwrap().as_deref(),
            Some("1158201444")
        );
        assert_eq!(
            param(query, "hub.verify_token").unwrap().as_deref(),
            Some("a b c")
        );
        assert_eq!(param(query, "absent").unwrap(), None);
        assert_eq!(param(None, "x").unwrap(), None);
        assert_eq!(param(Some("x=1&x=2"), "x"), Err(()));
    }

    #[test]
    fn only_the_listed_escapes_are_decoded() {
        let chars = ":/?@!$'()*,;";
        assert_eq!(
            unescape("https://x.io/a%3Ab%2Fc?q=%40%20%2a%zz%", chars),
            "https://x.io/a:b/c?q=@%20*%zz%"
        );
        assert_eq!(unescape("%E2%82%AC", chars), "%E2%82%AC");
    }
}
