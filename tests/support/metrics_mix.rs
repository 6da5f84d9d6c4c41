//! The deliveries both adapters' metrics tests send (`metrics_tower`, `metrics_actix`).

use std::time::Duration;

use super::{
    Provider, assert_duplicate, assert_rejected, post_chunked, post_declared, send, url, without,
};

/// Civo signs the body alone: each event its own body, or its copies would be one event.
pub fn body(id: &str) -> Vec<u8> {
    format!(r#"{{"event":"instance.created","id":"{id}"}}"#).into_bytes()
}

/// The deliveries both adapters' metrics tests start with, to a Civo endpoint at `addr`
/// whose handler answers 500 on the first run of a `fail-` id and whose body limit is
/// 1,024 bytes with a short body deadline: one event handled and its copy (a duplicate), a
/// forged body, no signature, a handler failure and its retry, a body too large (declared,
/// then chunked) and one that stalls. Counts: handled 2, handler_failed 1, duplicate 1,
/// signature_mismatch 1, missing_header 1, payload_too_large 2, body_timeout 1; 7
/// verified.
pub async fn send_common_mix(addr: std::net::SocketAddr, client: &reqwest::Client) {
    let provider = Provider::Civo;
    let url = url(addr);
    let deliver = |id: &'static str| {
        let headers = provider.sign(&body(id), id);
        let url = url.clone();
        async move { send(client, &url, &headers, body(id)).await }
    };
    assert_eq!(deliver("evt-1").await.status, 200);
    assert_duplicate(&deliver("evt-1").await);
    let signed = provider.sign(&body("evt-2"), "evt-2");
    let forged = send(client, &url, &signed, body("evt-3")).await;
    assert_rejected(&forged, 401, "signature_mismatch");
    let unsigned = without(signed, provider.signature_header());
    let unsigned = send(client, &url, &unsigned, body("evt-2")).await;
    assert_rejected(&unsigned, 401, "missing_header");
    assert_eq!(deliver("fail-1").await.status, 500);
    assert_eq!(deliver("fail-1").await.status, 200);
    let headers = provider.sign(&body("big-1"), "big-1");
    let declared = post_declared(addr, &headers, 2000, b"", Duration::from_secs(5)).await;
    assert_eq!(declared.status, 413, "{declared:?}");
    let chunks: [&[u8]; 3] = [&[b'a'; 600], &[b'b'; 600], &[b'c'; 600]];
    let chunked = post_chunked(addr, &headers, &chunks).await;
    assert_eq!(chunked.status, 413, "{chunked:?}");
    let stalled = post_declared(addr, &headers, 100, b"{", Duration::from_secs(5)).await;
    assert_eq!(stalled.status, 408, "{stalled:?}");
}
