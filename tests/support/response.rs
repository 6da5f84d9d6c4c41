//! How a raw HTTP/1.1 exchange ended, read from the bytes a client received. Shared by
//! the slow-client tests here and in `crates/hookshield-cli/tests` (included by path).

/// How a connection ended.
#[derive(Debug)]
pub(crate) enum End {
    /// Closed (or reset) by the server without an answer.
    Closed,
    /// Answered with this status and body.
    Answered(u16, String),
}

/// A complete response in `raw`, if there is one: its status and body.
pub(crate) fn response(raw: &[u8]) -> Option<(u16, String)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(raw.get(..end)?).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let start = end.checked_add(4)?;
    let body = raw.get(start..start.checked_add(length)?)?;
    Some((status, String::from_utf8_lossy(body).into_owned()))
}
