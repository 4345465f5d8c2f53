//! `routekit::serve` and requests whose framing HTTP/1.1 readers disagree on
//! (`http_desync_guardian`'s ambiguous tier; `.ci/conformance.sh` replays its whole corpus):
//! such a request is answered once and its connection closed, so what follows it on the
//! connection is never read as a second request.

use routekit::prelude::*;

mod serve_support;
use serve_support::{exchange, start};

#[route(GET, "/framing/hello")]
async fn hello() -> &'static str {
    "Hello, World!"
}

const SMUGGLED: &str = "GET /framing/hello HTTP/1.1\r\nHost: test\r\n\r\n";

async fn answers(request: &str) -> String {
    let server = start(routes![hello], |s| s).await;
    let raw = exchange(server.addr, request).await;
    server.shutdown().await;
    String::from_utf8_lossy(&raw).into_owned()
}

#[tokio::test]
async fn a_get_with_transfer_encoding_is_answered_once_and_closed() {
    let raw = answers(&format!(
        "GET /nowhere HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{SMUGGLED}"
    ))
    .await;
    assert_eq!(raw.matches("HTTP/1.1 ").count(), 1, "{raw}");
    assert!(raw.contains("connection: close"), "{raw}");
    assert!(!raw.contains("Hello, World!"), "{raw}");
}

#[tokio::test]
async fn chunked_named_twice_is_answered_once_and_closed() {
    let raw = answers(&format!(
        "POST /nowhere HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{SMUGGLED}"
    ))
    .await;
    assert_eq!(raw.matches("HTTP/1.1 ").count(), 1, "{raw}");
    assert!(!raw.contains("Hello, World!"), "{raw}");
}

#[tokio::test]
async fn a_plain_pipelined_request_is_still_answered() {
    // A POST with a chunked body, then a second request: both are answered, as HTTP/1.1
    // pipelining asks, and the connection stays open for more.
    let raw = answers(
        "POST /nowhere HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /framing/hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(raw.matches("HTTP/1.1 ").count(), 2, "{raw}");
    assert!(raw.contains("Hello, World!"), "{raw}");
}
