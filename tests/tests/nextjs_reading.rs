//! The requests of issue 27's differential run against Next.js 16, sent through the public
//! API, with the answers routekit gives: the same as Next.js where the porting guide says
//! so, the documented difference where it does not.

use routekit::prelude::*;
use routekit::request::FormValue;
use routekit::test::{MultipartForm, TestClient};
use serde_json::{json, Value};

// As the seed's `/api/cookies`: `(await cookies()).get("token")`.
#[route(GET, "/api/cookies")]
async fn cookies(req: Request) -> Response {
    Response::json(&json!({
        "token": req.cookies().get("token"),
        "all": req.cookies().get_all("token"),
    }))
}

// As the seed's `/api/headers`: `(await headers()).get("referer")`.
#[route(GET, "/api/headers")]
async fn headers(req: Request) -> Response {
    Response::json(&json!({ "referer": req.header("referer") }))
}

#[route(POST, "/api/echo")]
async fn echo(mut req: Request) -> Result<Response, ApiError> {
    let body: Value = req.json().await?;
    Ok(Response::json(&body))
}

#[derive(serde::Deserialize)]
struct Measure {
    n: f64,
}

#[route(POST, "/api/measure")]
async fn measure(mut req: Request) -> Result<Response, ApiError> {
    let body: Measure = req.json().await?;
    Ok(Response::json(&json!({ "n": body.n })))
}

// The seed's FormData handler: `formData.get('name')`, `Response.json({ name })`.
#[route(POST, "/api/form")]
async fn form(mut req: Request) -> Result<Response, ApiError> {
    let form = req.form_data().await?;
    let kind = match form.get("name") {
        Some(FormValue::Text(_)) => "text",
        Some(FormValue::File(_)) => "file",
        None => "absent",
    };
    Ok(Response::json(&json!({
        "name": form.get("name"),
        "kind": kind,
        "text": form.text("name"),
        "file": form.file("name").and_then(|f| f.file_name()),
    })))
}

fn client() -> TestClient {
    TestClient::new(routes![cookies, headers, echo, measure, form])
}

async fn token(cookie: &str) -> Value {
    let res = client()
        .get("/api/cookies")
        .header("cookie", cookie)
        .send()
        .await;
    res.json::<Value>()["token"].clone()
}

#[tokio::test]
async fn cookies_as_nextjs_reads_them_but_the_first_of_two() {
    // The one documented difference: the first, the most specific path's.
    let res = client()
        .get("/api/cookies")
        .header("cookie", "token=first; token=second")
        .send()
        .await;
    assert_eq!(
        res.json::<Value>(),
        json!({ "token": "first", "all": ["first", "second"] })
    );
    // As Next.js: quotes kept, a bad escape drops the cookie, a spaced name is another name.
    assert_eq!(token("token=\"quoted\"").await, json!("\"quoted\""));
    assert_eq!(token("token=%ZZ").await, Value::Null);
    assert_eq!(token("  token = spaced ").await, Value::Null);
    assert_eq!(token("token=a%20b").await, json!("a b"));
}

#[tokio::test]
async fn a_utf8_header_reads_as_its_text() {
    let referer = http::HeaderValue::from_bytes("https://example.com/ü".as_bytes()).unwrap();
    let res = client()
        .get("/api/headers")
        .header("referer", referer)
        .send()
        .await;
    assert_eq!(
        res.json::<Value>(),
        json!({ "referer": "https://example.com/ü" })
    );
    let latin1 = http::HeaderValue::from_bytes(b"https://example.com/\xfc").unwrap();
    let res = client()
        .get("/api/headers")
        .header("referer", latin1)
        .send()
        .await;
    assert_eq!(res.json::<Value>(), json!({ "referer": null }));
}

#[tokio::test]
async fn json_javascript_accepts_reads_as_it_would_there() {
    let post = |body: &'static [u8]| async move {
        let res = client()
            .post("/api/echo")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        (res.status().as_u16(), res.json::<Value>())
    };
    assert_eq!(
        post(br#"{"s":"\ud800"}"#).await,
        (200, json!({ "s": "\u{FFFD}" }))
    );
    assert_eq!(
        post(b"{\"s\":\"caf\xe9\"}").await,
        (200, json!({ "s": "caf\u{FFFD}" }))
    );
    let res = client()
        .post("/api/measure")
        .header("content-type", "application/json")
        .body(r#"{"n": 1e400}"#)
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": { "formErrors": [], "fieldErrors": { "n": ["number out of range"] } } })
    );
}

#[tokio::test]
async fn a_file_part_is_what_get_finds_and_says_so() {
    // `formData.append("name", blob)`: the browser sends `filename="blob"`.
    let blob = MultipartForm::new().file("name", "blob", "application/octet-stream", "Ada");
    let res = client().post("/api/form").multipart(&blob).send().await;
    assert_eq!(
        res.json::<Value>(),
        json!({ "name": {}, "kind": "file", "text": null, "file": "blob" })
    );
    let text = MultipartForm::new().text("name", "Ada");
    let res = client().post("/api/form").multipart(&text).send().await;
    assert_eq!(
        res.json::<Value>(),
        json!({ "name": "Ada", "kind": "text", "text": "Ada", "file": null })
    );
}
