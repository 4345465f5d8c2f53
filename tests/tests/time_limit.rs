//! `TimeLimitLayer`: past the limit the handler future is dropped and the client gets a JSON
//! `503`; a streamed body is cut at the same deadline.

use std::convert::Infallible;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use routekit::prelude::*;
use routekit::test::TestClient;
use routekit::time_limit::TimeLimitLayer;

/// Sets its flag when dropped: proof that the handler future was dropped.
struct DropFlag(&'static AtomicBool);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

static SLOW_DROPPED: AtomicBool = AtomicBool::new(false);
static SLOW_FINISHED: AtomicBool = AtomicBool::new(false);

#[route(GET, "/api/slow")]
#[middleware(TimeLimitLayer::new(Duration::from_millis(100)))]
async fn slow() -> Response {
    let _guard = DropFlag(&SLOW_DROPPED);
    tokio::time::sleep(Duration::from_secs(30)).await;
    SLOW_FINISHED.store(true, Ordering::SeqCst);
    Response::text("finished")
}

#[route(GET, "/api/quick")]
#[middleware(TimeLimitLayer::from_secs(10))]
async fn quick() -> Response {
    tokio::time::sleep(Duration::from_millis(10)).await;
    Response::text("quick")
}

static TICKS: AtomicUsize = AtomicUsize::new(0);

/// One chunk every 20 ms, forever.
#[route(GET, "/api/ticker")]
#[middleware(TimeLimitLayer::new(Duration::from_millis(150)))]
async fn ticker() -> Response {
    let stream = futures_util::stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        TICKS.fetch_add(1, Ordering::SeqCst);
        Some((Ok::<_, Infallible>(Bytes::from_static(b"tick\n")), ()))
    });
    Response::stream(stream)
}

fn client() -> TestClient {
    TestClient::new(routes![slow, quick, ticker])
}

#[tokio::test]
async fn a_slow_handler_is_dropped_and_answered_503() {
    let started = Instant::now();
    let res = client().get("/api/slow").send().await;
    let elapsed = started.elapsed();
    assert_eq!(res.status(), 503);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.text(), r#"{"error":"Request took longer than 100 ms"}"#);
    assert_eq!(res.header("retry-after"), None);
    assert!(
        elapsed >= Duration::from_millis(100) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    assert!(
        SLOW_DROPPED.load(Ordering::SeqCst),
        "the handler future was dropped, not left running"
    );
    assert!(!SLOW_FINISHED.load(Ordering::SeqCst));
}

#[tokio::test]
async fn a_handler_within_its_limit_answers_as_usual() {
    let res = client().get("/api/quick").send().await;
    assert_eq!((res.status().as_u16(), res.text().as_str()), (200, "quick"));
}

#[tokio::test]
async fn the_message_names_whole_seconds() {
    #[route(GET, "/api/stuck")]
    #[middleware(TimeLimitLayer::from_secs(1))]
    async fn stuck() -> Response {
        std::future::pending().await
    }

    let res = TestClient::new(routes![stuck])
        .get("/api/stuck")
        .send()
        .await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.text(), r#"{"error":"Request took longer than 1 s"}"#);
}

/// Over a socket, a stream past its deadline ends without the final chunk: the client sees
/// an incomplete response, not a clean end, and the stream stops being polled.
#[tokio::test]
async fn a_stream_is_cut_at_the_deadline() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, routes![slow, quick, ticker]).into_future());

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /api/ticker HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut raw = Vec::new();
    // The server closes the connection at the cut, so this ends; bounded in any case.
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut raw))
        .await
        .expect("the connection is closed at the deadline")
        .unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("transfer-encoding: chunked"), "{text}");
    assert!(text.contains("tick"), "some chunks went out: {text}");
    assert!(
        !text.ends_with("0\r\n\r\n"),
        "no clean end of the chunked body: {text}"
    );
    let ticks = TICKS.load(Ordering::SeqCst);
    assert!(
        (2..=9).contains(&ticks),
        "{ticks} ticks in 150 ms at one per 20 ms"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        TICKS.load(Ordering::SeqCst),
        ticks,
        "the stream is no longer polled"
    );
    server.abort();
}

#[tokio::test]
async fn on_plain_axum() {
    let app = axum::Router::new().route(
        "/a",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        })
        .layer(TimeLimitLayer::new(Duration::from_millis(20))),
    );
    let res = TestClient::new(app).get("/a").send().await;
    assert_eq!(res.status(), 503);
}
