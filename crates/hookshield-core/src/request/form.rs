//! Twilio's canonical form: the fields of an `application/x-www-form-urlencoded` body,
//! sorted by name, each name's distinct values sorted, written `name` + `value` with no
//! separator. It is built before the MAC is known, so it is bounded.

use std::borrow::Cow;

use crate::error::Reason;

/// The most fields a form body may have (Twilio's requests carry a few dozen).
pub(crate) const MAX_FORM_FIELDS: usize = 1024;

/// The canonical bytes of the form `body` (empty for an empty body). A body that is not
/// UTF-8 after decoding is read lossily, as Twilio's own SDKs read it; more than
/// [`MAX_FORM_FIELDS`] fields is [`Reason::FormSyntax`].
pub(crate) fn canonical(body: &[u8]) -> Result<Vec<u8>, Reason> {
    let mut fields: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    for (count, field) in form_urlencoded::parse(body).enumerate() {
        if count >= MAX_FORM_FIELDS {
            return Err(Reason::FormSyntax);
        }
        fields.push(field);
    }
    // By name, then value (both in code point order, as Twilio's SDKs sort them); a name's
    // repeated values count once.
    fields.sort_unstable();
    fields.dedup();
    let len = fields.iter().fold(0usize, |len, (name, value)| {
        len.saturating_add(name.len()).saturating_add(value.len())
    });
    let mut out = Vec::with_capacity(len);
    for (name, value) in &fields {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(value.as_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_sorted_decoded_and_deduplicated() {
        let body =
            b"To=%2B18005551212&From=%2B14158675309&Digits=1234&Body=a+b&Body=a+b&Body=%C3%A9";
        assert_eq!(
            String::from_utf8(canonical(body).unwrap()).unwrap(),
            "Bodya bBodyéDigits1234From+14158675309To+18005551212"
        );
        assert!(canonical(b"").unwrap().is_empty());
    }

    #[test]
    fn too_many_fields_are_refused() {
        let body = "a=1&".repeat(MAX_FORM_FIELDS + 1);
        assert_eq!(canonical(body.as_bytes()), Err(Reason::FormSyntax));
        let body = "a=1&".repeat(MAX_FORM_FIELDS);
        assert!(canonical(body.as_bytes()).is_ok());
    }
}
