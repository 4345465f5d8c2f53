//! `Server` on a real socket: HTTP/1.1 and HTTP/2 (prior knowledge) on the same port,
//! response compression, and `routekit::after`.

mod serve_support;

use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::response::sse::Event;
use routekit::prelude::*;
use routekit::test::TestClient;
use serve_support::*;
use tokio::sync::Notify;

#[derive(Clone, Default)]
struct Shared {
    /// What `after` work has done, in order.
    done: Arc<Mutex<Vec<&'static str>>>,
    /// Opened by the test to let the gated `after` work finish.
    gate: Arc<Notify>,
    /// Notified when a slow handler has started.
    started: Arc<Notify>,
    /// Opened by the test to let the streamed body go on.
    resume: Arc<Notify>,
}

impl Shared {
    fn done(&self) -> Vec<&'static str> {
        self.done.lock().unwrap().clone()
    }
}

#[route("/proto/posts/$id")]
mod proto_post {
    use super::*;
    pub async fn GET(id: u64, headers: HeaderMap) -> Response {
        let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok());
        Response::json(&serde_json::json!({ "id": id, "request_id": request_id }))
    }
}

#[route("/proto/slow")]
mod proto_slow {
    use super::*;
    pub async fn GET(State(shared): State<Shared>) -> Response {
        shared.started.notify_one();
        tokio::time::sleep(Duration::from_millis(300)).await;
        Response::text("slow and complete")
    }
}

/// A JSON list of `n` posts: about 60 bytes each.
fn posts(n: usize) -> serde_json::Value {
    (0..n)
        .map(|i| serde_json::json!({ "id": i, "title": format!("Post number {i}"), "published": true }))
        .collect()
}

#[route("/proto/big")]
mod proto_big {
    use super::*;
    pub async fn GET() -> Response {
        Response::json(&posts(200))
    }
}

#[route("/proto/small")]
mod proto_small {
    use super::*;
    pub async fn GET() -> Response {
        Response::json(&posts(2))
    }
}

#[route("/proto/events")]
mod proto_events {
    use super::*;
    /// One event, then nothing until the test lets it go on (it never does).
    pub async fn GET(State(shared): State<Shared>) -> Response {
        let first = futures_util::stream::once(async {
            Ok::<_, Infallible>(Event::default().data("x".repeat(4096)))
        });
        let rest = futures_util::stream::once(async move {
            shared.resume.notified().await;
            Ok::<_, Infallible>(Event::default().data("late"))
        });
        Response::sse(futures_util::StreamExt::chain(first, rest))
    }
}

#[route("/proto/stream")]
mod proto_stream {
    use super::*;
    /// 4 KiB of text, then a wait for the test, then the rest.
    pub async fn GET(State(shared): State<Shared>) -> Response {
        let first = futures_util::stream::once(async { Ok::<_, Infallible>("a".repeat(4096)) });
        let rest = futures_util::stream::once(async move {
            shared.resume.notified().await;
            Ok::<_, Infallible>("b".repeat(4096))
        });
        Response::stream(futures_util::StreamExt::chain(first, rest))
            .header("content-type", "text/plain")
    }
}

#[route("/proto/after")]
mod proto_after {
    use super::*;
    /// Registers work that waits for the test's gate.
    pub async fn POST(State(shared): State<Shared>) -> Response {
        routekit::after(async move {
            shared.gate.notified().await;
            shared.done.lock().unwrap().push("gated");
        });
        Response::json(&serde_json::json!({ "created": true })).status(201)
    }
}

#[route("/proto/after-error")]
mod proto_after_error {
    use super::*;
    pub async fn GET(State(shared): State<Shared>) -> Result<Response, ApiError> {
        routekit::after(async move {
            shared.done.lock().unwrap().push("after an error");
        });
        Err(ApiError::not_found("no such thing"))
    }
}

#[route("/proto/after-panic")]
mod proto_after_panic {
    use super::*;
    pub async fn GET(State(shared): State<Shared>) -> Response {
        routekit::after(async move {
            shared.done.lock().unwrap().push("after a panic");
        });
        panic!("handler exploded after registering work");
    }
}

#[route("/proto/after-slow")]
mod proto_after_slow {
    use super::*;
    pub async fn GET(State(shared): State<Shared>) -> Response {
        routekit::after(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            shared.done.lock().unwrap().push("slow work");
        });
        Response::text("answered")
    }
}

fn app(shared: Shared) -> axum::Router {
    routes![
        proto_post,
        proto_slow,
        proto_big,
        proto_small,
        proto_events,
        proto_stream,
        proto_after,
        proto_after_error,
        proto_after_panic,
        proto_after_slow
    ]
    .with_state(shared)
}

fn h2() -> reqwest::Client {
    reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap()
}

fn h1() -> reqwest::Client {
    reqwest::Client::builder().http1_only().build().unwrap()
}

fn url(server: &Running, path: &str) -> String {
    format!("http://{}{path}", server.addr)
}

// ---------------------------------------------------------------------------------------
// The request log, captured by a minimal global subscriber.

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
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "routekit::request"
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

fn logged(request_id: &str) -> Option<Fields> {
    events()
        .lock()
        .unwrap()
        .iter()
        .find(|e| e.get("request_id").map(String::as_str) == Some(request_id))
        .cloned()
}

// ---------------------------------------------------------------------------------------
// HTTP/2

#[tokio::test]
async fn http1_and_http2_share_the_port_ids_and_log() {
    events();
    let server = start(app(Shared::default()), |s| s).await;

    let res = h2()
        .get(url(&server, "/proto/posts/7"))
        .header("x-request-id", "h2-trace-1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.version(), http::Version::HTTP_2);
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-request-id"], "h2-trace-1");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({ "id": 7, "request_id": "h2-trace-1" })
    );

    // A generated id, over HTTP/2 as well.
    let res = h2()
        .get(url(&server, "/proto/posts/8"))
        .send()
        .await
        .unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str());

    // The same request log.
    eventually("the HTTP/2 request is logged", || {
        logged("h2-trace-1").is_some()
    })
    .await;
    let event = logged("h2-trace-1").unwrap();
    assert_eq!(event["route"], "/proto/posts/$id");
    assert_eq!(event["method"], "GET");

    // Several HTTP/2 requests at once on one connection.
    let client = h2();
    let answers = futures_util::future::join_all((0..20).map(|i| {
        client
            .get(url(&server, &format!("/proto/posts/{i}")))
            .send()
    }))
    .await;
    for (i, res) in answers.into_iter().enumerate() {
        let res = res.unwrap();
        assert_eq!(res.version(), http::Version::HTTP_2);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["id"], i);
    }

    // HTTP/1.1 on the same port.
    let res = h1()
        .get(url(&server, "/proto/posts/9"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.version(), http::Version::HTTP_11);
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    let raw = get(server.addr, "/proto/posts/10").await;
    assert_eq!(raw.status, 200);

    server.shutdown().await;
}

#[tokio::test]
async fn http2_shutdown_lets_the_request_in_flight_finish() {
    let shared = Shared::default();
    let server = start(app(shared.clone()), |s| s).await;
    let addr = server.addr;
    let slow = tokio::spawn(h2().get(url(&server, "/proto/slow")).send());
    tokio::time::timeout(BOUND, shared.started.notified())
        .await
        .expect("the slow handler starts");

    server.shutdown().await;
    let res = tokio::time::timeout(BOUND, slow)
        .await
        .expect("the client finishes")
        .unwrap()
        .unwrap();
    assert_eq!(res.version(), http::Version::HTTP_2);
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "slow and complete");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

// ---------------------------------------------------------------------------------------
// Compression

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = flate2::write::GzDecoder::new(Vec::new());
    out.write_all(bytes).unwrap();
    out.finish().unwrap()
}

#[tokio::test]
async fn large_bodies_are_compressed_when_the_client_accepts_it() {
    let server = start(app(Shared::default()), |s| s).await;
    let expected = serde_json::to_vec(&posts(200)).unwrap();
    assert!(expected.len() > 4096);

    for client in [h1(), h2()] {
        let res = client
            .get(url(&server, "/proto/big"))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-encoding"], "gzip");
        assert_eq!(res.headers()["content-type"], "application/json");
        assert!(res.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("accept-encoding"));
        assert!(res.headers().contains_key("x-request-id"));
        let body = res.bytes().await.unwrap();
        assert!(body.len() < expected.len() / 2, "{} bytes", body.len());
        assert_eq!(gunzip(&body), expected);
    }

    // Brotli when preferred or alone.
    let res = h1()
        .get(url(&server, "/proto/big"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert!(res.bytes().await.unwrap().len() < expected.len() / 2);

    // Nothing accepted, nothing compressed; `Vary` still tells caches the answer depends
    // on `Accept-Encoding`.
    let res = h1().get(url(&server, "/proto/big")).send().await.unwrap();
    assert!(!res.headers().contains_key("content-encoding"));
    assert_eq!(res.headers()["vary"], "accept-encoding");
    assert_eq!(res.bytes().await.unwrap(), expected);
    server.shutdown().await;
}

#[tokio::test]
async fn small_bodies_and_event_streams_are_not_compressed() {
    let shared = Shared::default();
    let server = start(app(shared.clone()), |s| s).await;

    let res = h1()
        .get(url(&server, "/proto/small"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(!res.headers().contains_key("content-encoding"));
    assert!(!res.headers().contains_key("vary"));
    assert_eq!(
        res.bytes().await.unwrap(),
        serde_json::to_vec(&posts(2)).unwrap()
    );

    // SSE: never compressed, and the first event arrives while the stream is still open.
    let mut res = h1()
        .get(url(&server, "/proto/events"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    assert!(!res.headers().contains_key("content-encoding"));
    let mut received = Vec::new();
    tokio::time::timeout(BOUND, async {
        while received.len() < 4096 {
            let chunk = res
                .chunk()
                .await
                .unwrap()
                .expect("the stream is still open");
            received.extend_from_slice(&chunk);
        }
    })
    .await
    .expect("the first event is not held back");
    assert!(received.starts_with(b"data: xxxx"));
    drop(res);
    server.shutdown().await;
}

#[tokio::test]
async fn a_stream_goes_out_uncompressed_and_whole() {
    let shared = Shared::default();
    let server = start(app(shared.clone()), |s| s).await;

    let mut res = h1()
        .get(url(&server, "/proto/stream"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    // The first 4 KiB arrive before the stream produces the rest.
    let mut received = Vec::new();
    tokio::time::timeout(BOUND, async {
        while received.len() < 4096 {
            let chunk = res
                .chunk()
                .await
                .unwrap()
                .expect("the stream is still open");
            received.extend_from_slice(&chunk);
        }
    })
    .await
    .expect("the first chunk is sent, not buffered");
    shared.resume.notify_one();
    while let Some(chunk) = res.chunk().await.unwrap() {
        received.extend_from_slice(&chunk);
    }
    assert_eq!(
        received,
        format!("{}{}", "a".repeat(4096), "b".repeat(4096)).as_bytes()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn compression_can_be_turned_off() {
    let server = start(app(Shared::default()), |s| s.compression(false)).await;
    let res = h1()
        .get(url(&server, "/proto/big"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(!res.headers().contains_key("content-encoding"));
    assert_eq!(
        res.bytes().await.unwrap(),
        serde_json::to_vec(&posts(200)).unwrap()
    );
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// after

#[tokio::test]
async fn after_work_runs_once_the_response_is_sent() {
    let shared = Shared::default();
    let server = start(app(shared.clone()), |s| s).await;

    for client in [h1(), h2()] {
        // The client has its answer while the work is still waiting on the gate.
        let res = client
            .post(url(&server, "/proto/after"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(
            res.json::<serde_json::Value>().await.unwrap(),
            serde_json::json!({ "created": true })
        );
        assert!(shared.done().is_empty());
        shared.gate.notify_one();
        eventually("the after work finishes", || shared.done() == ["gated"]).await;
        shared.done.lock().unwrap().clear();
    }
    server.shutdown().await;
}

#[tokio::test]
async fn after_work_runs_when_the_handler_failed() {
    let shared = Shared::default();
    let server = start(app(shared.clone()), |s| s).await;

    let reply = get(server.addr, "/proto/after-error").await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json(),
        serde_json::json!({ "error": "no such thing" })
    );
    eventually("work after an error", || {
        shared.done().contains(&"after an error")
    })
    .await;

    let reply = get(server.addr, "/proto/after-panic").await;
    assert_eq!(reply.status, 500);
    eventually("work after a panic", || {
        shared.done().contains(&"after a panic")
    })
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn graceful_shutdown_waits_for_after_work() {
    let shared = Shared::default();
    let server = start(app(shared.clone()), |s| s).await;

    let reply = get(server.addr, "/proto/after-slow").await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "answered"));
    // The answer is in; the work sleeps 400 ms. Shutdown returns only after it.
    assert!(shared.done().is_empty());
    server.shutdown().await;
    assert_eq!(shared.done(), ["slow work"]);
}

#[tokio::test]
async fn the_shutdown_timeout_bounds_the_wait_for_after_work() {
    let shared = Shared::default();
    let server = start(app(shared.clone()), |s| {
        s.shutdown_timeout(Duration::from_millis(100))
    })
    .await;
    // Work that waits on a gate nobody opens.
    let res = h1()
        .post(url(&server, "/proto/after"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    server.shutdown().await;
    assert!(shared.done().is_empty());
}

#[tokio::test]
async fn under_test_client_send_returns_after_the_work() {
    let shared = Shared::default();
    let client = TestClient::new(app(shared.clone()));
    let res = client.get("/proto/after-slow").send().await;
    assert_eq!(res.text(), "answered");
    assert_eq!(shared.done(), ["slow work"]);
    let res = client.get("/proto/after-error").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(shared.done(), ["slow work", "after an error"]);
}
