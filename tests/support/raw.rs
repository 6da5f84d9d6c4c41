//! A hand-written HTTP/1.1 client, for what reqwest will not send: chunked bodies of a
//! chosen framing, and a `Content-Length` whose body never comes.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Headers, PATH};

/// A raw HTTP/1.1 response.
#[derive(Debug)]
pub struct RawReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The head of a hand-written `POST PATH` with `framing` (a `Content-Length` or
/// `Transfer-Encoding` line) and `headers`.
fn request_head(addr: SocketAddr, framing: &str, headers: &Headers) -> String {
    let mut head =
        format!("POST {PATH} HTTP/1.1\r\nHost: {addr}\r\n{framing}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// POSTs `chunks` to `PATH` with `Transfer-Encoding: chunked` (no `Content-Length`), over
/// a hand-written HTTP/1.1 connection, and reads the answer. Writes after the server
/// stopped reading may fail; that is ignored, the answer is what counts.
pub async fn post_chunked(addr: SocketAddr, headers: &Headers, chunks: &[&[u8]]) -> RawReply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = request_head(addr, "Transfer-Encoding: chunked", headers);
    stream.write_all(head.as_bytes()).await.expect("write head");
    for chunk in chunks {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(chunk);
        frame.extend_from_slice(b"\r\n");
        if stream.write_all(&frame).await.is_err() {
            break;
        }
        let _ = stream.flush().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    read_reply(&mut stream, Duration::from_secs(10)).await
}

/// POSTs a head announcing `Content-Length: declared`, then only `sent` of the body, and
/// waits up to `within` for an answer while the rest of the body never comes.
pub async fn post_declared(
    addr: SocketAddr,
    headers: &Headers,
    declared: usize,
    sent: &[u8],
    within: Duration,
) -> RawReply {
    let mut stream = send_declared(addr, headers, declared, sent).await;
    read_reply(&mut stream, within).await
}

/// Opens a connection and sends a head announcing `Content-Length: declared`, then only
/// `sent` of the body; the connection, with the rest of the body never sent.
pub async fn send_declared(
    addr: SocketAddr,
    headers: &Headers,
    declared: usize,
    sent: &[u8],
) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = request_head(addr, &format!("Content-Length: {declared}"), headers);
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(sent).await.expect("write body");
    stream.flush().await.expect("flush");
    stream
}

/// Reads the one response `stream` gets, within `within`.
pub async fn read_reply_of(mut stream: TcpStream, within: Duration) -> RawReply {
    read_reply(&mut stream, within).await
}

/// Reads one response: its head and `Content-Length` bytes of body (or up to EOF).
async fn read_reply(stream: &mut TcpStream, within: Duration) -> RawReply {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            if let Some(reply) = complete(&raw) {
                return reply;
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return parse_response(&raw),
                Ok(n) => raw.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read)
        .await
        .unwrap_or_else(|_| panic!("no answer within {within:?}"))
}

/// The response in `raw` if its head and its whole `Content-Length` body are there.
fn complete(raw: &[u8]) -> Option<RawReply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let reply = parse_response(raw);
    let length = reply.header("content-length")?.parse::<usize>().ok()?;
    (raw.len() >= end + 4 + length).then_some(reply)
}

fn parse_response(raw: &[u8]) -> RawReply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if let Some(length) = length {
        body.truncate(length);
    }
    RawReply {
        status,
        headers,
        body,
    }
}
