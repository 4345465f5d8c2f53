//! Every `Response` constructor and builder step, over HTTP through a route.

use std::convert::Infallible;

use axum::response::sse::Event;
use bytes::Bytes;
use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};
use serde_json::{json, Value};

#[route("/r/json")]
mod json_route {
    use super::*;
    pub async fn GET() -> Response {
        Response::json(&json!({ "a": 1, "b": [true, null] }))
    }
    pub async fn POST() -> Response {
        Response::json(&json!({ "id": 7 })).status(201)
    }
}

#[route("/r/new-text")]
mod new_text {
    use super::*;
    pub async fn GET() -> Response {
        Response::new("plain body")
    }
    pub async fn POST() -> Response {
        Response::new(String::from("owned body")).status(StatusCode::ACCEPTED)
    }
}

#[route("/r/new-bytes")]
mod new_bytes {
    use super::*;
    pub async fn GET() -> Response {
        Response::new(vec![0u8, 159, 146, 150])
    }
    pub async fn POST() -> Response {
        Response::new(Bytes::from_static(b"raw"))
    }
}

#[route("/r/text")]
mod text {
    use super::*;
    pub async fn GET() -> Response {
        Response::text("some text")
    }
}

#[route("/r/html")]
mod html {
    use super::*;
    pub async fn GET() -> Response {
        Response::html("<h1>Hi</h1>")
    }
}

#[route("/r/xml")]
mod xml {
    use super::*;
    pub async fn GET() -> Response {
        Response::xml(String::from("<rss version=\"2.0\"/>"))
    }
}

#[route("/r/empty")]
mod empty {
    use super::*;
    pub async fn DELETE() -> Response {
        Response::empty()
    }
}

#[route("/r/redirect")]
mod redirect {
    use super::*;
    pub async fn GET() -> Response {
        Response::redirect("/login?next=/r")
    }
}

#[route("/r/redirect/[status]")]
mod redirect_with {
    use super::*;
    pub async fn GET(status: u16) -> Response {
        Response::redirect_with("https://example.com/new", status)
    }
}

#[route("/r/stream")]
mod stream {
    use super::*;
    pub async fn GET() -> Response {
        let chunks = vec![
            Ok::<_, Infallible>(Bytes::from_static(b"chunk-1;")),
            Ok(Bytes::from_static(b"chunk-2;")),
            Ok(Bytes::from_static(b"chunk-3")),
        ];
        Response::stream(futures_util::stream::iter(chunks)).header("content-type", "text/plain")
    }
}

#[route("/r/sse")]
mod sse {
    use super::*;
    pub async fn GET() -> Response {
        let events = vec![
            Ok::<_, Infallible>(Event::default().data("hello")),
            Ok(Event::default().event("update").data("world")),
        ];
        Response::sse(futures_util::stream::iter(events))
    }
}

#[route("/r/error")]
mod error {
    use super::*;
    pub async fn GET() -> Response {
        Response::error(404, "Not found")
    }
    pub async fn POST() -> Response {
        Response::error(StatusCode::CONFLICT, String::from("Already exists"))
    }
}

#[route("/r/header")]
mod header {
    use super::*;
    pub async fn GET() -> Response {
        Response::text("x")
            .header("x-one", "1")
            .header("x-one", "2")
            .header("content-type", "text/csv")
    }
    pub async fn POST() -> Response {
        Response::text("x")
            .header("x-ok", "fine")
            .header("x-injected", "a\r\nset-cookie: evil=1")
            .header("x-after", "1")
    }
    pub async fn PUT() -> Response {
        Response::text("x").header("bad name", "1")
    }
}

#[route("/r/status")]
mod status {
    use super::*;
    pub async fn GET() -> Response {
        Response::text("x").status(1000)
    }
    pub async fn POST() -> Response {
        Response::text("x").status(99)
    }
    pub async fn PUT() -> Response {
        Response::text("teapot").status(418)
    }
}

#[route("/r/cookie")]
mod cookie {
    use super::*;
    pub async fn GET() -> Response {
        Response::json(&json!({ "ok": true })).cookie(("token", "abc"))
    }
    pub async fn POST() -> Response {
        let session = routekit::cookie::Cookie::build(("session", "a b"))
            .path("/")
            .http_only(true)
            .build();
        Response::empty().cookie(session).cookie(("theme", "dark"))
    }
    pub async fn PUT() -> Response {
        let bad = routekit::cookie::Cookie::build(("a", "1"))
            .path("/\r\nx: y")
            .build();
        Response::empty().cookie(bad)
    }
}

#[route("/r/api-error/[kind]")]
mod api_error {
    use super::*;
    pub async fn GET(kind: String) -> Result<Response, ApiError> {
        match kind.as_str() {
            "bad" => Err(ApiError::bad_request("Bad input")),
            "unauthorized" => Err(ApiError::unauthorized("Unauthorized")),
            "forbidden" => Err(ApiError::forbidden("Forbidden")),
            "missing" => Err(ApiError::not_found("No such thing")),
            "conflict" => Err(ApiError::conflict("Taken")),
            "unprocessable" => Err(ApiError::unprocessable("Cannot process")),
            "internal" => Err(ApiError::internal("database password is hunter2")),
            _ => Ok(Response::text("fine")),
        }
    }
}

fn client() -> TestClient {
    let app: axum::Router = routes![
        json_route,
        new_text,
        new_bytes,
        text,
        html,
        xml,
        empty,
        redirect,
        redirect_with,
        stream,
        sse,
        error,
        header,
        status,
        cookie,
        api_error
    ];
    TestClient::new(app)
}

const JSON_CT: &str = "application/json";
const TEXT_CT: &str = "text/plain; charset=utf-8";
const INTERNAL: &str = r#"{"error":"Internal server error"}"#;

fn assert_internal(res: &TestResponse) {
    assert_eq!(res.status(), 500, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), INTERNAL);
}

#[tokio::test]
async fn json_and_json_with_status() {
    let client = client();
    let res = client.get("/r/json").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.json::<Value>(), json!({ "a": 1, "b": [true, null] }));

    let res = client.post("/r/json").send().await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"id":7}"#);
}

#[tokio::test]
async fn new_with_text_is_text_plain() {
    let client = client();
    let res = client.get("/r/new-text").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(TEXT_CT));
    assert_eq!(res.text(), "plain body");

    let res = client.post("/r/new-text").send().await;
    assert_eq!(res.status(), 202);
    assert_eq!(res.header("content-type"), Some(TEXT_CT));
    assert_eq!(res.text(), "owned body");
}

#[tokio::test]
async fn new_with_bytes_is_untyped() {
    let client = client();
    let res = client.get("/r/new-bytes").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), None);
    assert_eq!(res.bytes().as_ref(), &[0u8, 159, 146, 150]);

    let res = client.post("/r/new-bytes").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), None);
    assert_eq!(res.bytes().as_ref(), b"raw");
}

#[tokio::test]
async fn text_html_and_xml() {
    let client = client();
    for (uri, content_type, body) in [
        ("/r/text", TEXT_CT, "some text"),
        ("/r/html", "text/html; charset=utf-8", "<h1>Hi</h1>"),
        (
            "/r/xml",
            "text/xml; charset=utf-8",
            "<rss version=\"2.0\"/>",
        ),
    ] {
        let res = client.get(uri).send().await;
        assert_eq!(res.status(), 200, "{uri}");
        assert_eq!(res.header("content-type"), Some(content_type), "{uri}");
        assert_eq!(res.text(), body, "{uri}");
    }
}

#[tokio::test]
async fn empty_is_204() {
    let res = client().delete("/r/empty").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("content-type"), None);
    assert!(res.bytes().is_empty());
}

#[tokio::test]
async fn redirect_is_307() {
    let res = client().get("/r/redirect").send().await;
    assert_eq!(res.status(), 307);
    assert_eq!(res.header("location"), Some("/login?next=/r"));
    assert!(res.bytes().is_empty());
}

#[tokio::test]
async fn redirect_with_redirect_statuses() {
    let client = client();
    for status in [301u16, 302, 303, 307, 308] {
        let res = client.get(&format!("/r/redirect/{status}")).send().await;
        assert_eq!(res.status(), status);
        assert_eq!(res.header("location"), Some("https://example.com/new"));
    }
}

#[tokio::test]
async fn redirect_with_a_non_redirect_status_is_500() {
    let client = client();
    for status in [200u16, 304, 404, 1000] {
        let res = client.get(&format!("/r/redirect/{status}")).send().await;
        assert_internal(&res);
        assert_eq!(res.header("location"), None, "{status}");
    }
}

#[tokio::test]
async fn stream_body_arrives_in_order() {
    let res = client().get("/r/stream").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("text/plain"));
    assert_eq!(res.text(), "chunk-1;chunk-2;chunk-3");
}

#[tokio::test]
async fn sse_is_an_event_stream() {
    let res = client().get("/r/sse").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("text/event-stream"));
    let body = res.text();
    assert!(body.contains("data: hello\n"), "{body:?}");
    assert_eq!(body, "data: hello\n\nevent: update\ndata: world\n\n");
}

#[tokio::test]
async fn error_is_json_error_body() {
    let client = client();
    let res = client.get("/r/error").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"error":"Not found"}"#);

    let res = client.post("/r/error").send().await;
    assert_eq!(res.status(), 409);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"error":"Already exists"}"#);
}

#[tokio::test]
async fn header_sets_and_replaces() {
    let res = client().get("/r/header").send().await;
    assert_eq!(res.status(), 200);
    let values: Vec<_> = res.headers().get_all("x-one").iter().collect();
    assert_eq!(values, ["2"]);
    assert_eq!(res.header("content-type"), Some("text/csv"));
    assert_eq!(
        res.headers().get_all("content-type").iter().count(),
        1,
        "content-type replaced, not appended"
    );
    assert_eq!(res.text(), "x");
}

#[tokio::test]
async fn header_value_with_line_break_is_500_and_not_sent() {
    let res = client().post("/r/header").send().await;
    assert_internal(&res);
    assert_eq!(res.header("x-injected"), None);
    assert_eq!(res.header("x-ok"), None);
    assert_eq!(res.header("x-after"), None);
    assert_eq!(res.header("set-cookie"), None);
}

#[tokio::test]
async fn invalid_header_name_is_500() {
    let res = client().put("/r/header").send().await;
    assert_internal(&res);
}

#[tokio::test]
async fn status_outside_100_to_999_is_500() {
    let client = client();
    assert_internal(&client.get("/r/status").send().await);
    assert_internal(&client.post("/r/status").send().await);
    let res = client.put("/r/status").send().await;
    assert_eq!(res.status(), 418);
    assert_eq!(res.text(), "teapot");
}

#[tokio::test]
async fn cookie_sets_set_cookie() {
    let client = client();
    let res = client.get("/r/cookie").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.header("set-cookie"), Some("token=abc"));
    assert_eq!(res.text(), r#"{"ok":true}"#);

    let res = client.post("/r/cookie").send().await;
    assert_eq!(res.status(), 204);
    let cookies: Vec<_> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(cookies, ["session=a%20b; HttpOnly; Path=/", "theme=dark"]);

    let res = client.put("/r/cookie").send().await;
    assert_internal(&res);
    assert_eq!(res.header("set-cookie"), None);
}

#[tokio::test]
async fn api_error_answers_its_status_and_hides_internal_causes() {
    let client = client();
    for (kind, status, message) in [
        ("bad", 400, "Bad input"),
        ("unauthorized", 401, "Unauthorized"),
        ("forbidden", 403, "Forbidden"),
        ("missing", 404, "No such thing"),
        ("conflict", 409, "Taken"),
        ("unprocessable", 422, "Cannot process"),
        ("internal", 500, "Internal server error"),
    ] {
        let res = client.get(&format!("/r/api-error/{kind}")).send().await;
        assert_eq!(res.status(), status, "{kind}");
        assert_eq!(res.header("content-type"), Some(JSON_CT), "{kind}");
        assert_eq!(res.json::<Value>(), json!({ "error": message }), "{kind}");
        assert!(!res.text().contains("hunter2"));
    }
    let res = client.get("/r/api-error/none").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "fine");
}

#[tokio::test]
async fn head_of_a_json_route_keeps_headers_without_body() {
    let res = client().head("/r/json").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert!(res.bytes().is_empty());
}
