//! `-H 'Name: value'` arguments.

use crate::UsageError;

/// Splits `Name: value` at the first colon; the value keeps its bytes, minus the optional
/// whitespace after the colon (and trailing whitespace, as HTTP does).
pub(crate) fn parse(line: &str) -> Result<(String, String), UsageError> {
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| UsageError(format!("header {line:?} is not of the form 'Name: value'")))?;
    let name = name.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(UsageError(format!("header name {name:?} is not valid")));
    }
    Ok((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_first_colon() {
        let (name, value) = parse("Stripe-Signature: t=1,v1=ab:cd").unwrap();
        assert_eq!(
            (name.as_str(), value.as_str()),
            ("Stripe-Signature", "t=1,v1=ab:cd")
        );
        let (_, value) = parse("X-A:b").unwrap();
        assert_eq!(value, "b");
        assert!(parse("no colon").is_err());
        assert!(parse(": value").is_err());
        assert!(parse("bad name: v").is_err());
    }
}
