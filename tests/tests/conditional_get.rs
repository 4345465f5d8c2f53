//! `ETagLayer`: an `ETag` from the body of small `GET`/`HEAD` answers, `304` for a matching
//! `If-None-Match`, streamed bodies and other answers untouched.

#![allow(non_snake_case)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use routekit::conditional::ETagLayer;
use routekit::prelude::*;
use routekit::test::TestClient;

static VERSION: AtomicU64 = AtomicU64::new(1);
/// The version only `a_changed_body_gets_a_new_tag_and_a_full_answer` changes: tests run in
/// parallel, and the others expect `/api/feed` to keep its tag.
static CHANGING: AtomicU64 = AtomicU64::new(1);

#[route(GET, "/api/changing")]
#[middleware(ETagLayer::new())]
async fn changing() -> Response {
    Response::json(&serde_json::json!({ "version": CHANGING.load(Ordering::SeqCst) }))
}

#[route("/api/feed")]
#[middleware(ETagLayer::new())]
mod feed {
    use super::*;

    pub async fn GET() -> Response {
        let version = VERSION.load(Ordering::SeqCst);
        Response::json(&serde_json::json!({ "version": version, "posts": [1, 2, 3] }))
            .header("cache-control", "public, max-age=0, must-revalidate")
            .header("vary", "accept-language")
            .header("last-modified", "Wed, 21 Oct 2015 07:28:00 GMT")
            .cookie(routekit::cookie::Cookie::new("seen", "1"))
    }

    pub async fn POST() -> Response {
        Response::text("posted")
    }
}

#[route(GET, "/api/versioned")]
#[middleware(ETagLayer::new())]
async fn versioned() -> Response {
    Response::text("row 7").header("etag", r#"W/"v7""#)
}

#[route(GET, "/api/stream")]
#[middleware(ETagLayer::new())]
async fn stream() -> Response {
    let chunks =
        futures_util::stream::iter(["a", "b"].map(|c| Ok::<_, Infallible>(Bytes::from(c))));
    Response::stream(chunks)
}

#[route(GET, "/api/big")]
#[middleware(ETagLayer::new().max_size(16))]
async fn big() -> Response {
    Response::text("x".repeat(17))
}

#[route(GET, "/api/missing")]
#[middleware(ETagLayer::new())]
async fn missing() -> Result<Response, ApiError> {
    Err(ApiError::not_found("Not found"))
}

#[route(GET, "/api/created")]
#[middleware(ETagLayer::new())]
async fn created() -> Response {
    Response::text("made").status(201)
}

fn client() -> TestClient {
    TestClient::new(routes![
        feed, changing, versioned, stream, big, missing, created
    ])
}

#[tokio::test]
async fn a_matching_if_none_match_answers_304_with_the_cache_headers() {
    let client = client();
    let first = client.get("/api/feed").send().await;
    assert_eq!(first.status(), 200);
    let etag = first.header("etag").expect("an ETag").to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    assert!(first.text().contains("\"version\""));

    // The same body gives the same tag.
    let second = client.get("/api/feed").send().await;
    assert_eq!(second.header("etag"), Some(etag.as_str()));

    let res = client
        .get("/api/feed")
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(res.status(), 304);
    assert!(res.bytes().is_empty());
    assert_eq!(res.header("etag"), Some(etag.as_str()));
    assert_eq!(
        res.header("cache-control"),
        Some("public, max-age=0, must-revalidate")
    );
    assert_eq!(res.header("vary"), Some("accept-language"));
    assert_eq!(res.header("set-cookie"), Some("seen=1"));
    assert_eq!(res.header("content-type"), None);
    assert_eq!(res.header("last-modified"), None, "ETag supersedes it");
}

#[tokio::test]
async fn lists_weak_tags_and_star_match() {
    let client = client();
    let etag = client
        .get("/api/feed")
        .send()
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    for header in [
        format!(r#""nope", {etag}"#),
        format!("W/{etag}"),
        format!(r#"W/"x",W/{etag} , "y""#),
        "*".to_owned(),
    ] {
        let res = client
            .get("/api/feed")
            .header("if-none-match", &header)
            .send()
            .await;
        assert_eq!(res.status(), 304, "If-None-Match: {header}");
    }
    // Two header lines are one list.
    let res = client
        .get("/api/feed")
        .header("if-none-match", r#""nope""#)
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(res.status(), 304);
}

#[tokio::test]
async fn a_changed_body_gets_a_new_tag_and_a_full_answer() {
    let client = client();
    let old = client
        .get("/api/changing")
        .send()
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    CHANGING.fetch_add(1, Ordering::SeqCst);
    let res = client
        .get("/api/changing")
        .header("if-none-match", &old)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_ne!(res.header("etag"), Some(old.as_str()));
    assert!(!res.bytes().is_empty());
    let res = client
        .get("/api/changing")
        .header("if-none-match", r#""other""#)
        .send()
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn head_gets_the_same_tag_and_the_same_304() {
    let client = client();
    let get = client.get("/api/feed").send().await;
    let etag = get.header("etag").unwrap();
    let head = client.head("/api/feed").send().await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("etag"), Some(etag));
    assert!(head.bytes().is_empty());
    let res = client
        .head("/api/feed")
        .header("if-none-match", etag)
        .send()
        .await;
    assert_eq!(res.status(), 304);
}

#[tokio::test]
async fn a_handlers_own_etag_is_kept_and_compared() {
    let client = client();
    let res = client.get("/api/versioned").send().await;
    assert_eq!(res.header("etag"), Some(r#"W/"v7""#));
    assert_eq!(res.text(), "row 7");
    let res = client
        .get("/api/versioned")
        .header("if-none-match", r#""v7""#)
        .send()
        .await;
    assert_eq!(res.status(), 304);
    assert_eq!(res.header("etag"), Some(r#"W/"v7""#));
    let res = client
        .get("/api/versioned")
        .header("if-none-match", r#""v6""#)
        .send()
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn streamed_and_big_bodies_are_left_alone() {
    let client = client();
    let res = client
        .get("/api/stream")
        .header("if-none-match", r#""x""#)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("etag"), None);
    assert_eq!(res.text(), "ab");
    // `*` matches any current representation, tagged or not (RFC 9110 §13.1.2).
    let res = client
        .get("/api/stream")
        .header("if-none-match", "*")
        .send()
        .await;
    assert_eq!(res.status(), 304);
    assert!(res.bytes().is_empty());
    let res = client.get("/api/big").send().await;
    assert_eq!(res.header("etag"), None);
    assert_eq!(res.text().len(), 17);
}

#[tokio::test]
async fn other_methods_and_statuses_pass_through() {
    let client = client();
    let res = client
        .post("/api/feed")
        .header("if-none-match", "*")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.header("etag")), (200, None));
    let res = client
        .get("/api/missing")
        .header("if-none-match", "*")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.header("etag")), (404, None));
    let res = client
        .get("/api/created")
        .header("if-none-match", "*")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.header("etag")), (201, None));
}

#[tokio::test]
async fn on_plain_axum() {
    let app = axum::Router::new()
        .route("/a", axum::routing::get(|| async { "hello" }))
        .layer(ETagLayer::new());
    let client = TestClient::new(app);
    let etag = client
        .get("/a")
        .send()
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let res = client.get("/a").header("if-none-match", &etag).send().await;
    assert_eq!(res.status(), 304);
}

/// Over a socket: the `304` has no body, for `GET` and `HEAD`, and the connection stays
/// usable.
#[tokio::test]
async fn over_a_socket() {
    use std::future::IntoFuture;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, routes![feed, versioned]).into_future());
    let etag = client()
        .get("/api/feed")
        .send()
        .await
        .header("etag")
        .unwrap()
        .to_owned();

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let requests = format!(
        "GET /api/feed HTTP/1.1\r\nhost: x\r\nif-none-match: {etag}\r\n\r\n\
         HEAD /api/feed HTTP/1.1\r\nhost: x\r\nif-none-match: {etag}\r\n\r\n\
         GET /api/versioned HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(requests.as_bytes()).await.unwrap();
    let mut raw = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_string(&mut raw),
    )
    .await
    .expect("three answers, then close")
    .unwrap();
    let answers: Vec<&str> = raw.split("HTTP/1.1 ").skip(1).collect();
    assert_eq!(answers.len(), 3, "{raw}");
    for answer in &answers[..2] {
        assert!(answer.starts_with("304"), "{answer}");
        assert!(answer.contains(&format!("etag: {etag}")), "{answer}");
        // axum's router fills in `Content-Length: 0` for the empty body; RFC 9111 §3.2 has
        // caches ignore a 304's Content-Length. Never the 200's length with no body after it.
        assert!(
            answer.contains("content-length: 0\r\n") || !answer.contains("content-length"),
            "{answer}"
        );
        assert!(answer.ends_with("\r\n\r\n"), "no body: {answer:?}");
    }
    assert!(
        answers[2].starts_with("200") && answers[2].ends_with("row 7"),
        "{}",
        answers[2]
    );
    server.abort();
}
