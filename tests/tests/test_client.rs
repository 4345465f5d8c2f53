//! `TestClient`'s multipart bodies and cookie jar, through the routes a test would hit.

use routekit::cookie::Cookie;
use routekit::prelude::*;
use routekit::test::{MultipartForm, TestClient};
use serde_json::{json, Value};

#[route(POST, "/api/upload")]
async fn upload(mut req: Request) -> Result<Response, ApiError> {
    let form = req.form_data().await?;
    let file = form
        .file("avatar")
        .ok_or_else(|| ApiError::bad_request("no avatar"))?;
    Ok(Response::json(&json!({
        "title": form.get("title"),
        "tags": form.get_all("tag"),
        "file": file.file_name(),
        "type": file.content_type(),
        "bytes": file.bytes().len(),
        "first": file.bytes().first(),
    })))
}

#[route(POST, "/api/extract")]
async fn extract(mut multipart: axum::extract::Multipart) -> Response {
    let mut names = Vec::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        names.push(json!([field.name(), field.file_name()]));
    }
    Response::json(&names)
}

#[route(POST, "/login")]
async fn login() -> Response {
    Response::text("in")
        .cookie(
            Cookie::build(("session", "abc123"))
                .path("/")
                .http_only(true),
        )
        .cookie(Cookie::build(("scoped", "yes")).path("/echo/admin"))
        .cookie(Cookie::new("theme", "dark"))
}

#[route(POST, "/logout")]
async fn logout() -> Response {
    Response::text("out").cookie(
        Cookie::build(("session", ""))
            .path("/")
            .max_age(routekit::cookie::time::Duration::ZERO),
    )
}

#[route(GET, "/echo/$")]
async fn echo(req: Request) -> Response {
    let cookies: Vec<Value> = req
        .cookies()
        .iter()
        .map(|(name, value)| json!([name, value]))
        .collect();
    Response::json(&cookies)
}

fn client() -> TestClient {
    TestClient::new(routes![upload, extract, login, logout, echo])
}

#[tokio::test]
async fn a_multipart_form_reaches_form_data_with_its_text_and_files() {
    // Bytes that hold a would-be boundary and CRLFs, so the body must be framed right.
    let mut png = b"\x89PNG\r\n--routekit-test-boundary-0000000000000000\r\n".to_vec();
    png.extend_from_slice(&[0u8; 1000]);
    let form = MultipartForm::new()
        .text("title", "Hello, world")
        .text("tag", "a")
        .text("tag", "b")
        .file("avatar", "me \"1\".png", "image/png", png.clone());
    let res = client().post("/api/upload").multipart(&form).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(
        res.json::<Value>(),
        json!({
            "title": "Hello, world",
            "tags": ["a", "b"],
            "file": "me %221%22.png",
            "type": "image/png",
            "bytes": png.len(),
            "first": 0x89,
        })
    );
}

#[tokio::test]
async fn axums_multipart_extractor_reads_the_same_body() {
    let form = MultipartForm::new()
        .text("note", "x")
        .file("doc", "a.txt", "text/plain", "hello");
    let res = client().post("/api/extract").multipart(&form).send().await;
    assert_eq!(
        res.json::<Value>(),
        json!([["note", null], ["doc", "a.txt"]])
    );
}

#[tokio::test]
async fn without_a_jar_no_cookie_is_kept() {
    let client = client();
    client.post("/login").send().await;
    assert_eq!(client.cookie("session"), None);
    assert_eq!(
        client.get("/echo/x").send().await.json::<Value>(),
        json!([])
    );
}

#[tokio::test]
async fn the_jar_sends_what_answers_set_by_path_and_forgets_what_they_expire() {
    let client = client().with_cookie_jar();
    let res = client.post("/login").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(client.cookie("session").as_deref(), Some("abc123"));

    // `theme` has the default path of `/login`, which is `/`; `scoped` only under its path.
    assert_eq!(
        client.get("/echo/x").send().await.json::<Value>(),
        json!([["session", "abc123"], ["theme", "dark"]])
    );
    assert_eq!(
        client.get("/echo/admin/users").send().await.json::<Value>(),
        json!([["scoped", "yes"], ["session", "abc123"], ["theme", "dark"]])
    );
    assert_eq!(
        client
            .get("/echo/administrator")
            .send()
            .await
            .json::<Value>(),
        json!([["session", "abc123"], ["theme", "dark"]])
    );

    // A request's own Cookie header goes first, the jar's after it.
    let res = client.get("/echo/x").header("cookie", "own=1").send().await;
    assert_eq!(
        res.json::<Value>(),
        json!([["own", "1"], ["session", "abc123"], ["theme", "dark"]])
    );

    // Max-Age=0 deletes; a clone shares the jar.
    let clone = client.clone();
    clone.post("/logout").send().await;
    assert_eq!(client.cookie("session"), None);
    assert_eq!(
        client.get("/echo/x").send().await.json::<Value>(),
        json!([["theme", "dark"]])
    );
}
