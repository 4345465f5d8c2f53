//! `Server`'s protections against slow, idle and misbehaving clients, on a real socket with
//! raw `TcpStream` writes: slowloris heads, stalled bodies, a flood of idle connections past
//! `max_connections`, clients that never read a stream, and streams that panic. In each, a
//! well-behaved client on another connection keeps getting answers.

mod serve_support;

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use axum::response::sse::Event;
use bytes::Bytes;
use routekit::prelude::*;
use serve_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Told when a streamed body is dropped: the server let go of it.
#[derive(Clone)]
struct Dropped(mpsc::UnboundedSender<&'static str>);

struct Guard(&'static str, mpsc::UnboundedSender<&'static str>);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.1.send(self.0);
    }
}

#[route("/limits/ping")]
mod limits_ping {
    use super::*;
    pub async fn GET() -> Response {
        Response::json(&serde_json::json!({ "pong": true }))
    }
}

#[route("/limits/echo")]
mod limits_echo {
    use super::*;
    pub async fn POST(body: axum::body::Bytes) -> Response {
        Response::json(&serde_json::json!({ "len": body.len() }))
    }
}

#[route("/limits/firehose")]
mod limits_firehose {
    use super::*;
    /// Megabytes of data as fast as the socket takes them, forever.
    pub async fn GET(State(dropped): State<Dropped>) -> Response {
        let guard = Guard("firehose", dropped.0.clone());
        let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
        Response::stream(futures_util::stream::repeat_with(move || {
            let _keep = &guard;
            Ok::<_, Infallible>(chunk.clone())
        }))
    }
}

#[route("/limits/events")]
mod limits_events {
    use super::*;
    /// Large events, forever.
    pub async fn GET(State(dropped): State<Dropped>) -> Response {
        let guard = Guard("events", dropped.0.clone());
        let data = "y".repeat(16 * 1024);
        Response::sse(futures_util::stream::repeat_with(move || {
            let _keep = &guard;
            Ok::<_, Infallible>(Event::default().data(data.clone()))
        }))
    }
}

#[route("/limits/panicking-stream")]
mod limits_panicking_stream {
    use super::*;
    /// One chunk, a pause (so it reaches the client), then a panic.
    pub async fn GET() -> Response {
        Response::stream(futures_util::stream::unfold(0, |n| async move {
            if n == 1 {
                tokio::time::sleep(Duration::from_millis(50)).await;
                panic!("stream exploded");
            }
            Some((Ok::<_, Infallible>("first chunk;"), n + 1))
        }))
    }
}

#[route("/limits/panicking-sse")]
mod limits_panicking_sse {
    use super::*;
    pub async fn GET() -> Response {
        Response::sse(futures_util::stream::unfold(0, |n| async move {
            if n == 1 {
                tokio::time::sleep(Duration::from_millis(50)).await;
                panic!("sse exploded");
            }
            Some((Ok::<_, Infallible>(Event::default().data("one")), n + 1))
        }))
    }
}

fn app() -> (axum::Router, mpsc::UnboundedReceiver<&'static str>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = routes![
        limits_ping,
        limits_echo,
        limits_firehose,
        limits_events,
        limits_panicking_stream,
        limits_panicking_sse
    ]
    .with_state(Dropped(tx));
    (app, rx)
}

/// A well-behaved client: `GET /limits/ping` answers `200`.
async fn assert_served(addr: std::net::SocketAddr) {
    let reply = get(addr, "/limits/ping").await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["pong"], true);
}

/// Reads until EOF or a reset: `true` when the server closed the connection in the bound.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64 * 1024];
    tokio::time::timeout(BOUND, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn slowloris_heads_are_cut_off_while_others_are_served() {
    let (app, _dropped) = app();
    let server = start(app, |s| s.header_read_timeout(Duration::from_millis(300))).await;
    let addr = server.addr;

    // Twenty clients trickling a header byte every 50 ms, which would never end.
    let mut slow = Vec::new();
    for _ in 0..20 {
        slow.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream
                .write_all(b"GET /limits/ping HTTP/1.1\r\nHost: test\r\n")
                .await
                .unwrap();
            let started = tokio::time::Instant::now();
            loop {
                if stream.write_all(b"X").await.is_err() {
                    break;
                }
                // The server closing shows up as a read of 0 (or a reset) here.
                let mut buf = [0u8; 256];
                match tokio::time::timeout(Duration::from_millis(50), stream.read(&mut buf)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => break,
                    Ok(Ok(n)) => {
                        // A `408` before the close is fine too.
                        assert!(buf[..n].starts_with(b"HTTP/1.1 408"), "{:?}", &buf[..n]);
                    }
                    Err(_) => {}
                }
                assert!(
                    started.elapsed() < BOUND,
                    "a slowloris head was never cut off"
                );
            }
            started.elapsed()
        }));
    }

    // Meanwhile, well-behaved clients are answered.
    for _ in 0..10 {
        assert_served(addr).await;
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    for slow in slow {
        let took = slow.await.unwrap();
        assert!(took < BOUND);
    }
    assert_served(addr).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_and_the_connection_closed() {
    let (app, _dropped) = app();
    let server = start(app, |s| s.request_body_timeout(Duration::from_millis(300))).await;

    // A body that arrives in time is served.
    let raw = exchange(
        server.addr,
        "POST /limits/echo HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
    )
    .await;
    let reply = parse(&raw);
    assert_eq!((reply.status, reply.json()["len"].as_u64()), (200, Some(5)));

    // Headers announcing a megabyte, ten bytes, then nothing.
    let mut stalled = TcpStream::connect(server.addr).await.unwrap();
    stalled
        .write_all(
            b"POST /limits/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1000000\r\n\r\n0123456789",
        )
        .await
        .unwrap();
    // Stalled chunked body too, on another connection.
    let mut chunked = TcpStream::connect(server.addr).await.unwrap();
    chunked
        .write_all(b"POST /limits/echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        .await
        .unwrap();

    // The well-behaved client does not wait for them.
    assert_served(server.addr).await;

    for stream in [&mut stalled, &mut chunked] {
        let mut raw = Vec::new();
        tokio::time::timeout(BOUND, stream.read_to_end(&mut raw))
            .await
            .expect("answered and closed within the bound")
            .unwrap();
        let reply = parse(&raw);
        assert_eq!(reply.status, 408, "{reply:?}");
        assert_eq!(
            reply.json(),
            serde_json::json!({ "error": "Request body timeout" })
        );
        assert_eq!(reply.header("connection"), Some("close"));
        assert!(reply.header("x-request-id").is_some(), "{reply:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
    }

    assert_served(server.addr).await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_servers_own_408_takes_its_error_renderer() {
    let (app, _dropped) = app();
    let server = start(app, |s| {
        s.request_body_timeout(Duration::from_millis(300))
            .error_renderer(routekit::error::problem_json)
    })
    .await;
    let mut stalled = TcpStream::connect(server.addr).await.unwrap();
    stalled
        .write_all(b"POST /limits/echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n01234")
        .await
        .unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(BOUND, stalled.read_to_end(&mut raw))
        .await
        .expect("answered and closed within the bound")
        .unwrap();
    let reply = parse(&raw);
    assert_eq!(reply.status, 408, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    assert_eq!(reply.json()["detail"], "Request body timeout");
    // What `serve` adds to its own answer stays: the id and the close.
    assert_eq!(reply.header("connection"), Some("close"));
    assert!(reply.header("x-request-id").is_some(), "{reply:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn at_max_connections_the_next_one_waits_for_a_free_slot() {
    let (app, _dropped) = app();
    let server = start(app, |s| {
        s.max_connections(2)
            .header_read_timeout(Duration::from_secs(30))
    })
    .await;

    // Two idle connections take both slots (the first byte keeps them out of the
    // first-bytes deadline's way: the header-read timeout is long here anyway).
    let mut idle_a = TcpStream::connect(server.addr).await.unwrap();
    let idle_b = TcpStream::connect(server.addr).await.unwrap();
    idle_a.write_all(b"G").await.unwrap();

    // A third client's request is not answered while they hold the slots...
    let addr = server.addr;
    let third = tokio::spawn(async move { get(addr, "/limits/ping").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!third.is_finished(), "served past max_connections");

    // ...and is as soon as one closes.
    drop(idle_b);
    let reply = tokio::time::timeout(BOUND, third)
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert_eq!(reply.status, 200);
    drop(idle_a);
    server.shutdown().await;
}

#[tokio::test]
async fn a_flood_of_idle_connections_does_not_lock_out_clients() {
    let (app, _dropped) = app();
    let server = start(app, |s| {
        s.max_connections(4)
            .header_read_timeout(Duration::from_millis(200))
    })
    .await;

    // Fifty connections that send nothing, ten that send half an HTTP/2 preface, ten that
    // send half a request line: all past the four slots.
    let mut idle = Vec::new();
    for i in 0..70 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        match i % 7 {
            0 => stream.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap(),
            1 => stream.write_all(b"GET /limits/pi").await.unwrap(),
            _ => {}
        }
        idle.push(stream);
    }

    // A well-behaved client is served: the idle ones are closed as their time runs out.
    let served = tokio::time::timeout(BOUND, assert_served(server.addr)).await;
    assert!(
        served.is_ok(),
        "not served behind a flood of idle connections"
    );

    // And every idle connection was closed by the server, not left hanging.
    for stream in &mut idle {
        assert!(
            closed_by_server(stream).await,
            "an idle connection was never closed"
        );
    }
    assert_served(server.addr).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_never_reads_a_stream_is_dropped() {
    let (app, mut dropped) = app();
    let server = start(app, |s| s.write_timeout(Duration::from_millis(300))).await;

    let mut readers = Vec::new();
    for path in ["/limits/firehose", "/limits/events"] {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        stream
            .write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n").as_bytes())
            .await
            .unwrap();
        // Never read: the socket buffers fill and the server's writes stall.
        readers.push(stream);
    }

    // A well-behaved client is served meanwhile.
    assert_served(server.addr).await;

    // Both streams are let go of (their bodies dropped) once writes stall past the timeout.
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let which = tokio::time::timeout(BOUND, dropped.recv())
            .await
            .expect("the stalled stream is dropped within the bound")
            .unwrap();
        seen.push(which);
    }
    seen.sort();
    assert_eq!(seen, ["events", "firehose"]);

    // The connections are closed: reading drains the buffered data, then EOF or a reset.
    for stream in &mut readers {
        assert!(closed_by_server(stream).await);
    }
    assert_served(server.addr).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_slow_reader_is_not_dropped_while_it_makes_progress() {
    let (app, mut dropped) = app();
    let server = start(app, |s| s.write_timeout(Duration::from_millis(1000))).await;

    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"GET /limits/firehose HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    // Read every 100 ms for 2.5 s: more than twice the write timeout in all, never long
    // without progress. (The socket reports room to write only once a good part of its
    // buffer has drained, so "progress" is not every byte read.)
    let mut buf = vec![0u8; 1024 * 1024];
    let mut total = 0;
    for _ in 0..25 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let n = tokio::time::timeout(BOUND, stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_ne!(n, 0, "closed while the client was reading");
        total += n;
    }
    assert!(total > 0);
    assert!(dropped.try_recv().is_err(), "the stream was dropped");
    drop(stream);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Panics in streamed bodies, with the log captured by a minimal global subscriber.

type Fields = HashMap<&'static str, String>;

fn events() -> &'static Mutex<Vec<Fields>> {
    static EVENTS: OnceLock<Mutex<Vec<Fields>>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        tracing::subscriber::set_global_default(Capture).expect("no other global subscriber");
        Mutex::new(Vec::new())
    })
}

struct Capture;

struct Visitor<'a>(&'a mut Fields);

impl tracing::field::Visit for Visitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("routekit")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        events().lock().unwrap().push(fields);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn panic_event(message: &str) -> Option<Fields> {
    events()
        .lock()
        .unwrap()
        .iter()
        .find(|e| e.get("panic").map(String::as_str) == Some(message))
        .cloned()
}

#[tokio::test]
async fn a_panic_in_a_streamed_body_ends_that_response_only() {
    events(); // install the subscriber before the server starts
    let (app, _dropped) = app();
    let server = start(app, |s| s).await;

    for (path, first, message, route) in [
        (
            "/limits/panicking-stream",
            "first chunk;",
            "stream exploded",
            "/limits/panicking-stream",
        ),
        (
            "/limits/panicking-sse",
            "data: one",
            "sse exploded",
            "/limits/panicking-sse",
        ),
    ] {
        // The response starts, sends what the stream gave before panicking, then the
        // connection ends without the final chunk: the client sees a truncated body.
        let raw = exchange(
            server.addr,
            &format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n"),
        )
        .await;
        let text = String::from_utf8_lossy(&raw);
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(text.contains(first), "{text}");
        assert!(
            !text.ends_with("0\r\n\r\n"),
            "the body looked complete: {text}"
        );

        eventually("the panic is logged", || panic_event(message).is_some()).await;
        let event = panic_event(message).unwrap();
        assert_eq!(event["route"], route, "{event:?}");
        assert_eq!(
            event["message"],
            "response stream panicked; ending the response"
        );

        // Everything else carries on.
        assert_served(server.addr).await;
    }
    server.shutdown().await;
}

/// The route's name reaches the stream from the route itself, not from `serve`: a router
/// called in process (here straight through tower, as `axum::serve` or a test would) logs
/// the panic with it too.
#[tokio::test]
async fn a_panicking_stream_is_named_without_serve() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    events();
    #[route(GET, "/limits/panicking-in-process")]
    async fn in_process() -> Response {
        Response::stream(futures_util::stream::unfold(0, |n| async move {
            if n == 1 {
                panic!("in-process stream exploded");
            }
            Some((Ok::<_, Infallible>("first chunk;"), n + 1))
        }))
    }
    let app: axum::Router = routes![in_process];
    let request = http::Request::get("/limits/panicking-in-process")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.extensions().is_empty(),
        "the name travelled inside the route, not out with the response"
    );
    assert!(
        response.into_body().collect().await.is_err(),
        "the body ends in an error"
    );
    let event = panic_event("in-process stream exploded").expect("the panic is logged");
    assert_eq!(event["route"], "/limits/panicking-in-process", "{event:?}");
}
