//! `routekit::serve` / `routekit::Server` on a real socket: request ids, the request log,
//! the header-read timeout and graceful shutdown, driven over raw TCP with HTTP/1.1.
//!
//! Time appears only as generous upper bounds that turn a hang into a failure; nothing
//! asserts that anything is fast.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use routekit::prelude::*;
use routekit::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

// The raw-response parser the other serve tests use too.
mod serve_support;
use serve_support::{parse, read_response, Reply};

/// Bound on anything that should happen "soon": only there so a bug fails instead of hanging.
const BOUND: Duration = Duration::from_secs(10);

#[derive(Clone, Default)]
struct Gate {
    /// Notified when a slow handler has started, so shutdown is triggered mid-request.
    started: Arc<Notify>,
}

#[route("/serve/posts/$id")]
mod serve_post {
    use super::*;

    pub async fn GET(id: u64, headers: HeaderMap) -> Response {
        let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok());
        Response::json(&serde_json::json!({ "id": id, "request_id": request_id }))
    }
}

#[route(GET, "/serve/slow")]
async fn serve_slow(State(gate): State<Gate>) -> Response {
    gate.started.notify_one();
    tokio::time::sleep(Duration::from_millis(300)).await;
    Response::text("slow and complete")
}

#[route(GET, "/serve/stuck")]
async fn serve_stuck(State(gate): State<Gate>) -> Response {
    gate.started.notify_one();
    std::future::pending::<Response>().await
}

/// Switches to an echo protocol on the raw connection, as a WebSocket handshake does.
#[route(GET, "/serve/upgrade")]
async fn serve_upgrade(mut req: axum::extract::Request) -> axum::response::Response {
    let upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else { return };
        let mut io = hyper_util::rt::TokioIo::new(upgraded);
        let mut buf = [0u8; 64];
        while let Ok(n @ 1..) = io.read(&mut buf).await {
            if io.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
    });
    axum::response::Response::builder()
        .status(101)
        .header("connection", "upgrade")
        .header("upgrade", "echo")
        .body(axum::body::Body::empty())
        .unwrap()
}

fn app(gate: Gate) -> axum::Router {
    routes![serve_post, serve_slow, serve_stuck, serve_upgrade].with_state(gate)
}

/// A server on `127.0.0.1:0`, stopped by sending on the returned channel.
struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

async fn start(configure: impl FnOnce(Server) -> Server, gate: Gate) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = configure(Server::new(app(gate))).with_graceful_shutdown(async move {
        let _ = stopped.await;
    });
    let task = tokio::spawn(server.serve(listener));
    Running { addr, stop, task }
}

impl Running {
    /// Triggers shutdown and waits for `serve` to return.
    async fn shutdown(self) -> SocketAddr {
        self.stop.send(()).unwrap();
        let result = tokio::time::timeout(BOUND, self.task)
            .await
            .expect("serve returns after shutdown")
            .expect("serve does not panic");
        result.expect("serve returns Ok");
        self.addr
    }
}

/// `GET path` on a new connection with `Connection: close`, read to the end.
async fn get(addr: SocketAddr, path: &str, extra_headers: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n{extra_headers}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(BOUND, stream.read_to_end(&mut raw))
        .await
        .expect("response within the bound")
        .unwrap();
    parse(&raw)
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let server = start(|s| s, Gate::default()).await;

    let first = get(server.addr, "/serve/posts/1", "").await;
    let second = get(server.addr, "/serve/posts/2", "").await;
    assert_eq!(first.status, 200, "{first:?}");
    let first_id = first.header("x-request-id").expect("an id on the response");
    let second_id = second
        .header("x-request-id")
        .expect("an id on the response");
    assert_ne!(first_id, second_id);
    // The handler saw the same id the client got back.
    assert_eq!(first.json()["request_id"], first_id);
    assert_eq!(second.json()["request_id"], second_id);

    // A well-formed incoming id is kept, visible to the handler and echoed.
    let kept = get(
        server.addr,
        "/serve/posts/3",
        "X-Request-Id: trace-abc-123\r\n",
    )
    .await;
    assert_eq!(kept.header("x-request-id"), Some("trace-abc-123"));
    assert_eq!(kept.json()["request_id"], "trace-abc-123");

    // A malformed one (spaces) is replaced, for the handler too.
    let replaced = get(server.addr, "/serve/posts/4", "X-Request-Id: not an id\r\n").await;
    let id = replaced.header("x-request-id").unwrap();
    assert_ne!(id, "not an id");
    assert_eq!(replaced.json()["request_id"], id);

    // Answers routekit makes by itself get one too.
    let not_found = get(server.addr, "/serve/nothing-here", "").await;
    assert_eq!(not_found.status, 404);
    assert!(not_found.header("x-request-id").is_some());

    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// The request log, captured by a minimal global subscriber (the server runs on other
// tasks, possibly other threads, so a thread-local default would miss events).

#[derive(Debug, Clone, PartialEq)]
enum Field {
    Str(String),
    U64(u64),
    F64(f64),
    Other(String),
}

type Event = HashMap<&'static str, Field>;

fn events() -> &'static Mutex<Vec<Event>> {
    static EVENTS: OnceLock<Mutex<Vec<Event>>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        tracing::subscriber::set_global_default(Capture).expect("no other global subscriber");
        Mutex::new(Vec::new())
    })
}

struct Capture;

struct Visitor<'a>(&'a mut Event);

impl tracing::field::Visit for Visitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name(), Field::Str(value.to_owned()));
    }
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0.insert(field.name(), Field::U64(value));
    }
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        self.0.insert(field.name(), Field::F64(value));
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name(), Field::Other(format!("{value:?}")));
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
        let mut fields = Event::new();
        event.record(&mut Visitor(&mut fields));
        events().lock().unwrap().push(fields);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// The log event of the request with this id (it is emitted before the response is sent,
/// but allow for scheduling).
async fn event_for(request_id: &str) -> Event {
    let wanted = Field::Str(request_id.to_owned());
    tokio::time::timeout(BOUND, async {
        loop {
            let found = events()
                .lock()
                .unwrap()
                .iter()
                .find(|e| e.get("request_id") == Some(&wanted))
                .cloned();
            if let Some(event) = found {
                return event;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no log event for {request_id}"))
}

#[tokio::test]
async fn each_request_is_logged_with_its_template() {
    events(); // install the subscriber before the server starts
    let server = start(|s| s, Gate::default()).await;

    let reply = get(
        server.addr,
        "/serve/posts/42",
        "X-Request-Id: log-matched\r\n",
    )
    .await;
    assert_eq!(reply.status, 200);
    let event = event_for("log-matched").await;
    assert_eq!(event["method"], Field::Str("GET".into()));
    assert_eq!(event["route"], Field::Str("/serve/posts/$id".into()));
    assert_eq!(event["status"], Field::U64(200));
    assert!(
        matches!(event["latency_ms"], Field::F64(ms) if ms >= 0.0),
        "{event:?}"
    );
    assert!(!event.contains_key("path"), "{event:?}");
    assert_eq!(event["message"], Field::Other("request".into()));

    // A parameter that does not parse: the route matched, the status is the 400.
    get(
        server.addr,
        "/serve/posts/x",
        "X-Request-Id: log-bad-param\r\n",
    )
    .await;
    let event = event_for("log-bad-param").await;
    assert_eq!(event["route"], Field::Str("/serve/posts/$id".into()));
    assert_eq!(event["status"], Field::U64(400));

    // Nothing matched: route `-` and the path.
    get(
        server.addr,
        "/serve/missing/7",
        "X-Request-Id: log-unmatched\r\n",
    )
    .await;
    let event = event_for("log-unmatched").await;
    assert_eq!(event["route"], Field::Str("-".into()));
    assert_eq!(event["path"], Field::Str("/serve/missing/7".into()));
    assert_eq!(event["status"], Field::U64(404));

    // A generated id is logged as sent.
    let reply = get(server.addr, "/serve/posts/5", "").await;
    let id = reply.header("x-request-id").unwrap().to_owned();
    let event = event_for(&id).await;
    assert_eq!(event["route"], Field::Str("/serve/posts/$id".into()));

    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_client_stalling_in_its_headers_is_disconnected() {
    let server = start(
        |s| s.header_read_timeout(Duration::from_millis(200)),
        Gate::default(),
    )
    .await;

    let mut stalled = TcpStream::connect(server.addr).await.unwrap();
    stalled.write_all(b"GET /serve/posts/1 HT").await.unwrap();
    let mut raw = Vec::new();
    // EOF (or a `408` then EOF) well within the bound; without the timeout this would hang.
    tokio::time::timeout(BOUND, stalled.read_to_end(&mut raw))
        .await
        .expect("the server closes the stalled connection")
        .ok();
    assert!(
        raw.is_empty() || raw.starts_with(b"HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&raw)
    );

    // A client that sends its request in time is served.
    let reply = get(server.addr, "/serve/posts/1", "").await;
    assert_eq!(reply.status, 200);

    server.shutdown().await;
}

#[tokio::test]
async fn the_header_deadline_skips_requests_in_flight_and_closes_idle_keep_alive() {
    // A 200 ms header-read timeout, and a handler that takes 300 ms: the clock does not run
    // while a request is in flight, only while the server waits for the next one. Were it
    // running, the first request would expire the connection and the second request's read
    // would fail, closing it before its answer.
    let server = start(
        |s| s.header_read_timeout(Duration::from_millis(200)),
        Gate::default(),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    for _ in 0..2 {
        stream
            .write_all(b"GET /serve/slow HTTP/1.1\r\nHost: test\r\n\r\n")
            .await
            .unwrap();
        let reply = read_response(&mut stream, "slow and complete").await;
        assert_eq!(reply.status, 200);
    }
    // Then idle: closed by the server, after the timeout and within a few ticks of it.
    let idle = std::time::Instant::now();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(BOUND, stream.read(&mut buf))
        .await
        .expect("the idle keep-alive connection is closed")
        .unwrap_or(0);
    assert_eq!(n, 0);
    let waited = idle.elapsed();
    assert!(
        waited >= Duration::from_millis(190),
        "closed after {waited:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_upgraded_connection_outlives_the_header_deadline() {
    // After a `101` the socket belongs to the new protocol: the header-read deadline, which
    // would otherwise close a connection idle for 200 ms, stops for good.
    let server = start(
        |s| s.header_read_timeout(Duration::from_millis(200)),
        Gate::default(),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(
            b"GET /serve/upgrade HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\n",
        )
        .await
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    tokio::time::timeout(BOUND, async {
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
    })
    .await
    .expect("the 101 head within the bound");
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{:?}",
        String::from_utf8_lossy(&head)
    );

    // Idle for three times the header timeout (more than the timeout plus two ticks).
    tokio::time::sleep(Duration::from_millis(600)).await;
    stream.write_all(b"still here").await.unwrap();
    let mut echoed = [0u8; 10];
    tokio::time::timeout(BOUND, stream.read_exact(&mut echoed))
        .await
        .expect("the echo within the bound")
        .expect("the upgraded connection is still open");
    assert_eq!(&echoed, b"still here");
    drop(stream);
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish() {
    let gate = Gate::default();
    let server = start(|s| s, gate.clone()).await;
    let addr = server.addr;

    let client = tokio::spawn(async move { get(addr, "/serve/slow", "").await });
    tokio::time::timeout(BOUND, gate.started.notified())
        .await
        .expect("the slow handler starts");

    // Shut down while the handler sleeps: `serve` returns only after the answer.
    let addr = server.shutdown().await;
    let reply = tokio::time::timeout(BOUND, client)
        .await
        .expect("the client finishes")
        .unwrap();
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.body, "slow and complete");

    // The listener is closed: new connections are refused.
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_closes_idle_keep_alive_connections() {
    // A long shutdown timeout: returning within the bound shows `serve` did not wait on the
    // idle connection.
    let server = start(
        |s| s.shutdown_timeout(Duration::from_secs(600)),
        Gate::default(),
    )
    .await;

    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /serve/posts/9 HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    // Read the one response (keep-alive: the connection stays open).
    assert_eq!(read_response(&mut idle, "\"id\":9").await.status, 200);
    let mut buf = [0u8; 1024];

    server.shutdown().await;
    let n = tokio::time::timeout(BOUND, idle.read(&mut buf))
        .await
        .expect("the idle connection is closed")
        .unwrap_or(0);
    assert_eq!(n, 0);
}

#[tokio::test]
async fn shutdown_gives_up_on_requests_after_the_timeout() {
    let gate = Gate::default();
    let server = start(
        |s| s.shutdown_timeout(Duration::from_millis(200)),
        gate.clone(),
    )
    .await;
    let addr = server.addr;

    let mut stuck = TcpStream::connect(addr).await.unwrap();
    stuck
        .write_all(b"GET /serve/stuck HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    tokio::time::timeout(BOUND, gate.started.notified())
        .await
        .expect("the stuck handler starts");

    // The handler never finishes; `serve` still returns Ok and closes the connection.
    server.shutdown().await;
    let mut raw = Vec::new();
    tokio::time::timeout(BOUND, stuck.read_to_end(&mut raw))
        .await
        .expect("the connection is closed")
        .ok();
    assert!(raw.is_empty(), "{:?}", String::from_utf8_lossy(&raw));
}

#[tokio::test]
async fn serve_on_keeps_working() {
    // The plain entry point: serves with the defaults (it stops on Ctrl-C/SIGTERM, so the
    // task is simply dropped at the end of the test).
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(routekit::serve_on(app(Gate::default()), listener));
    let reply = get(addr, "/serve/posts/11", "").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["id"], 11);
    assert!(reply.header("x-request-id").is_some());
    task.abort();
}
