//! Draining under `routekit::serve`: between the stop signal and `serve`'s return, nothing a
//! proxy already sent or is sending is lost. Driven over raw TCP with HTTP/1.1.
//!
//! Time appears only as generous upper bounds that turn a hang into a failure, and as
//! the drain grace set through its setter.

use std::net::SocketAddr;
use std::time::Duration;

use routekit::prelude::*;
use routekit::Draining;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod serve_support;
use serve_support::{read_response, start, Reply, BOUND};

/// A health check as a team writes one: `503` while the server drains.
#[route(GET, "/drain/health")]
async fn health(Draining(draining): Draining) -> Response {
    match draining {
        true => Response::json(&serde_json::json!({ "status": "draining" })).status(503),
        false => Response::json(&serde_json::json!({ "status": "healthy" })),
    }
}

fn app() -> axum::Router {
    routes![health]
}

const HEALTH: &[u8] = b"GET /drain/health HTTP/1.1\r\nHost: test\r\n\r\n";

/// Reads one response to a `/drain/health` request (its body is one JSON object).
async fn read_reply(stream: &mut TcpStream) -> Reply {
    read_response(stream, "}").await
}

/// Whether the server still accepts connections (a probe it sees closes at once).
async fn accepting(addr: SocketAddr) -> bool {
    TcpStream::connect(addr).await.is_ok()
}

async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(BOUND, stream.read(&mut buf)).await;
    matches!(read, Ok(Ok(0)) | Ok(Err(_)))
}

#[tokio::test]
async fn a_kept_alive_connection_gets_one_more_answer_with_connection_close() {
    let server = start(app(), |s| s.drain_grace(Duration::from_secs(600))).await;
    let addr = server.addr;
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(HEALTH).await.unwrap();
    let before = read_reply(&mut kept).await;
    assert_eq!(
        (before.status, before.json()["status"].as_str()),
        (200, Some("healthy"))
    );
    assert_eq!(
        before.header("connection"),
        None,
        "kept alive before the signal"
    );

    let serving = server.trigger();
    // The listener is closed once draining has started.
    tokio::time::timeout(BOUND, async {
        while accepting(addr).await {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("new connections are refused once draining");

    // The proxy's next request on its kept connection is answered, not lost, and the
    // answer tells it not to reuse the connection.
    kept.write_all(HEALTH).await.unwrap();
    let during = read_reply(&mut kept).await;
    assert_eq!(during.status, 503, "{during:?}");
    assert_eq!(during.json()["status"], "draining");
    assert_eq!(during.header("connection"), Some("close"));
    assert!(
        closed_by_server(&mut kept).await,
        "closed after that answer"
    );

    // Nothing else is open: `serve` returns without waiting out the 600 s grace.
    tokio::time::timeout(BOUND, serving)
        .await
        .expect("serve returns once the kept connection is done")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_grace() {
    let server = start(app(), |s| s.drain_grace(Duration::from_millis(50))).await;
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(HEALTH).await.unwrap();
    assert_eq!(read_reply(&mut idle).await.status, 200);
    server.shutdown().await;
    assert!(closed_by_server(&mut idle).await);
}

#[tokio::test]
async fn a_connection_waiting_in_the_listen_queue_is_answered_not_reset() {
    // One slot, held by the first connection: the second waits in the kernel's queue,
    // completed but not accepted, when the signal comes.
    let server = start(app(), |s| {
        s.max_connections(1).drain_grace(Duration::from_millis(50))
    })
    .await;
    let mut first = TcpStream::connect(server.addr).await.unwrap();
    first.write_all(HEALTH).await.unwrap();
    assert_eq!(read_reply(&mut first).await.status, 200);
    let mut queued = TcpStream::connect(server.addr).await.unwrap();
    queued.write_all(HEALTH).await.unwrap();

    let serving = server.trigger();
    let reply = read_reply(&mut queued).await;
    assert_eq!(reply.status, 503, "{reply:?}");
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(closed_by_server(&mut queued).await);
    drop(first);
    tokio::time::timeout(BOUND, serving)
        .await
        .expect("serve returns")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn in_process_a_route_is_never_draining() {
    let res = routekit::test::TestClient::new(app())
        .get("/drain/health")
        .send()
        .await;
    assert_eq!(res.status(), 200);
}
