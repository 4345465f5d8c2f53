use std::time::Duration;

use routekit::test::TestClient;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn countdown_streams_every_line() {
    let client = TestClient::new(streaming_example::app());
    let res = client.get("/api/countdown?from=3&tick_ms=0").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(res.text(), "3\n2\n1\nliftoff\n");
}

#[tokio::test]
async fn ndjson_is_one_json_document_per_line() {
    let client = TestClient::new(streaming_example::app());
    let res = client.get("/api/posts.ndjson?count=3").send().await;
    assert_eq!(res.header("content-type"), Some("application/x-ndjson"));
    let rows: Vec<Value> = res
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        rows,
        [1, 2, 3].map(|id| json!({ "id": id, "title": format!("Post {id}") }))
    );
}

#[tokio::test]
async fn events_are_server_sent_events() {
    let client = TestClient::new(streaming_example::app());
    let res = client.get("/api/events?count=2&tick_ms=0").send().await;
    assert_eq!(res.header("content-type"), Some("text/event-stream"));
    let text = res.text();
    let events: Vec<&str> = text.split("\n\n").filter(|e| !e.is_empty()).collect();
    assert_eq!(
        events,
        [
            "event: tick\nid: 1\ndata: {\"n\":1}",
            "event: tick\nid: 2\ndata: {\"n\":2}",
            "event: done\ndata: bye",
        ]
    );
}

/// On a real socket, each line leaves the server when it is ready: the first arrives while
/// the last is still a tick away, so nothing buffers the whole body.
#[tokio::test]
async fn over_a_socket_the_first_chunk_arrives_before_the_stream_ends() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        routekit::Server::new(streaming_example::app())
            .with_graceful_shutdown(async {
                stopped.await.ok();
            })
            .serve(listener),
    );

    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket
        .write_all(b"GET /api/countdown?from=1&tick_ms=400 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    // Read until the first line is in; `liftoff` is still 400 ms away.
    tokio::time::timeout(Duration::from_secs(10), async {
        while !String::from_utf8_lossy(&received).contains("1\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            assert!(n > 0, "connection closed early");
            received.extend_from_slice(&buffer[..n]);
        }
    })
    .await
    .expect("the first line arrives");
    let so_far = String::from_utf8_lossy(&received).into_owned();
    assert!(so_far.starts_with("HTTP/1.1 200 OK\r\n"), "{so_far}");
    assert!(so_far.contains("transfer-encoding: chunked"), "{so_far}");
    assert!(!so_far.contains("liftoff"), "{so_far}");

    // The rest follows.
    tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut received))
        .await
        .expect("the stream ends")
        .unwrap();
    assert!(String::from_utf8_lossy(&received).contains("liftoff\n"));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
