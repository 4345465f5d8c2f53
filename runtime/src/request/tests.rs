//! Unit tests of the request readers and look-ups.

use super::*;
use crate::error::ApiError;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tower::ServiceExt;

fn request(content_type: Option<&str>, body: impl Into<Body>) -> Request {
    let mut builder = http::Request::builder().method("POST").uri("/submit?x=1");
    if let Some(content_type) = content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    Request::from_http(builder.body(body.into()).unwrap())
}

#[derive(Debug, Deserialize, PartialEq)]
struct User {
    name: String,
    address: Address,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Address {
    city: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Signup {
    email: String,
    age: u8,
}

fn invalid(error: BodyError) -> String {
    assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{error}");
    error.to_string()
}

#[test]
fn accessors() {
    let http = http::Request::builder()
        .method("PUT")
        .uri("/posts/1?draft")
        .header("referer", "https://example.com/")
        .header(
            "x-binary",
            http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        )
        .body(Body::empty())
        .unwrap();
    let mut req = Request::from(http);
    assert_eq!(
        (req.method(), req.url().path(), req.url().query()),
        (&Method::PUT, "/posts/1", Some("draft"))
    );
    assert_eq!(req.header("referer"), Some("https://example.com/"));
    assert_eq!(req.header("Referer"), Some("https://example.com/"));
    assert_eq!(
        (req.header("x-binary"), req.header("missing")),
        (Some("café"), None),
        "UTF-8 beyond ASCII reads as text"
    );
    req.extensions_mut().insert(7u32);
    assert_eq!(req.extensions().get::<u32>(), Some(&7));
    let back: http::Request<Body> = req.into();
    assert_eq!(back.uri(), "/posts/1?draft");
}

#[test]
fn request_is_send_and_sync() {
    // Sync is what lets a handler await a helper that borrows the request.
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Request>();
}

#[test]
fn search_params_decode_plus_and_percent() {
    let req = Request::from_http(
        http::Request::get("/search?q=hello+world&tag=a%20b&tag=c&draft&empty=")
            .body(Body::empty())
            .unwrap(),
    );
    let params = req.search_params();
    assert_eq!(params.get("q"), Some("hello world"));
    assert_eq!(params.get("tag"), Some("a b"));
    assert_eq!(params.get_all("tag"), ["a b", "c"]);
    assert!(params.has("draft") && params.has("empty") && !params.has("page"));
    assert_eq!((params.get("draft"), params.get("page")), (Some(""), None));
    assert!(params.get_all("page").is_empty());
    assert_eq!(params.iter().count(), 5);
    assert!(std::ptr::eq(params, req.search_params()), "parsed once");
    let bare = Request::from_http(http::Request::get("/").body(Body::empty()).unwrap());
    assert_eq!(bare.search_params().iter().count(), 0);
}

#[test]
fn cookies_from_every_header() {
    let mut req = Request::from_http(
        http::Request::get("/")
            .header(COOKIE, "token=abc%20def; theme=dark")
            .header(COOKIE, "bare; token=second; lang=en")
            .body(Body::empty())
            .unwrap(),
    );
    let cookies = req.cookies();
    assert_eq!(cookies.get("token"), Some("abc def"));
    assert_eq!(cookies.get_all("token"), ["abc def", "second"]);
    assert_eq!(cookies.get("theme"), Some("dark"));
    assert_eq!(cookies.get("lang"), Some("en"));
    assert_eq!(
        cookies.get("bare"),
        Some("true"),
        "a pair without `=`, as Next.js"
    );
    assert_eq!(
        cookies.iter().map(|(name, _)| name).collect::<Vec<_>>(),
        ["token", "theme", "bare", "token", "lang"]
    );
    req.headers_mut()
        .insert(COOKIE, http::HeaderValue::from_static("fresh=1"));
    assert_eq!(
        (req.cookies().get("fresh"), req.cookies().get("token")),
        (Some("1"), None)
    );
}

/// The four headers of issue 27's differential run against Next.js 16, answered as
/// `cookies().get("token")` answers them there (but for the first of two, see `Cookies`).
#[test]
fn cookies_read_as_nextjs_reads_them() {
    let token = |header: &'static str| {
        let req = Request::from_http(
            http::Request::get("/")
                .header(COOKIE, header)
                .body(Body::empty())
                .unwrap(),
        );
        req.cookies().get("token").map(str::to_owned)
    };
    // Next.js gives `second`; routekit the first, the most specific path's (documented).
    assert_eq!(token("token=first; token=second").as_deref(), Some("first"));
    assert_eq!(token("token=\"quoted\"").as_deref(), Some("\"quoted\""));
    assert_eq!(token("token=%ZZ"), None);
    assert_eq!(token("token=%ZZ; token=ok").as_deref(), Some("ok"));
    assert_eq!(
        token("token=50%"),
        None,
        "a lone `%` throws in decodeURIComponent"
    );
    // HTTP strips the header's own surrounding spaces; the name keeps the one before `=`.
    assert_eq!(token("token = spaced"), None);
    assert_eq!(
        token("a=1;token=x").as_deref(),
        Some("x"),
        "no space after `;`"
    );
    assert_eq!(token("a=1;   token=y ").as_deref(), Some("y "));
}

#[tokio::test]
async fn json_ok_including_plus_json() {
    let body = r#"{"name":"Ada","address":{"city":"London"}}"#;
    let mut req = request(Some("application/json; charset=utf-8"), body);
    let user: User = req.json().await.unwrap();
    assert_eq!(
        user,
        User {
            name: "Ada".into(),
            address: Address {
                city: "London".into()
            }
        }
    );
    let mut req = request(Some("application/merge-patch+json"), r#"{"city":"Paris"}"#);
    assert_eq!(req.json::<Address>().await.unwrap().city, "Paris");
}

#[tokio::test]
async fn json_wrong_content_type_is_415_and_keeps_body() {
    let mut req = request(Some("text/plain"), r#"{"city":"Paris"}"#);
    let error = req.json::<Address>().await.unwrap_err();
    assert_eq!(error.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        error.to_string(),
        "expected content-type application/json, got text/plain"
    );
    assert_eq!(req.text().await.unwrap(), r#"{"city":"Paris"}"#);
    let error = request(None, "{}").json::<Address>().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "expected content-type application/json, got none"
    );
}

#[tokio::test]
async fn json_syntax_error_names_line_and_column() {
    let message = invalid(
        request(Some(JSON), "{\n  \"city\": \"x\",,\n}")
            .json::<Address>()
            .await
            .unwrap_err(),
    );
    assert!(
        message.starts_with("malformed JSON at line 2 column"),
        "{message}"
    );
    let message = invalid(
        request(Some(JSON), r#"{"city":"x"} trailing"#)
            .json::<Address>()
            .await
            .unwrap_err(),
    );
    assert!(
        message.starts_with("malformed JSON at line 1 column 14"),
        "{message}"
    );
    let message = invalid(request(Some(JSON), "").json::<Address>().await.unwrap_err());
    assert_eq!(message, "request body is empty, expected JSON");
}

#[tokio::test]
async fn json_shape_error_names_path() {
    let message = invalid(
        request(Some(JSON), r#"{"address":{"city":"x"}}"#)
            .json::<User>()
            .await
            .unwrap_err(),
    );
    assert_eq!(message, "name: missing field");
    let message = invalid(
        request(Some(JSON), r#"{"name":"a","address":{}}"#)
            .json::<User>()
            .await
            .unwrap_err(),
    );
    assert_eq!(message, "address.city: missing field");
    let message = invalid(
        request(Some(JSON), r#"{"name":"a","address":{"city":5}}"#)
            .json::<User>()
            .await
            .unwrap_err(),
    );
    assert_eq!(
        message,
        "address.city: invalid type: integer `5`, expected a string"
    );
    let message = invalid(
        request(Some(JSON), r#"[1,"x"]"#)
            .json::<Vec<u8>>()
            .await
            .unwrap_err(),
    );
    assert!(
        message.starts_with("[1]: invalid type: string"),
        "{message}"
    );
}

#[tokio::test]
async fn text_and_invalid_utf8() {
    assert_eq!(request(None, "héllo").text().await.unwrap(), "héllo");
    let message = invalid(request(None, vec![b'a', 0xff]).text().await.unwrap_err());
    assert_eq!(message, "request body is not valid UTF-8 (at byte 1)");
    assert_eq!(request(None, "raw").bytes().await.unwrap(), "raw");
}

#[tokio::test]
async fn form_ok_and_errors() {
    let mut req = request(Some(URLENCODED), "email=a%40b.c&age=30");
    assert_eq!(
        req.form::<Signup>().await.unwrap(),
        Signup {
            email: "a@b.c".into(),
            age: 30
        }
    );
    let message = invalid(
        request(Some(URLENCODED), "email=x&age=old")
            .form::<Signup>()
            .await
            .unwrap_err(),
    );
    assert_eq!(message, "age: invalid digit found in string");
    let message = invalid(
        request(Some(URLENCODED), "age=3")
            .form::<Signup>()
            .await
            .unwrap_err(),
    );
    assert_eq!(message, "email: missing field");
    let error = request(Some(JSON), "{}")
        .form::<Signup>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn form_data_urlencoded() {
    let form = request(Some(URLENCODED), "email=a%40b.c&tag=x&tag=y+z")
        .form_data()
        .await
        .unwrap();
    assert_eq!(
        (
            form.text("email"),
            form.get("email").and_then(FormValue::as_text)
        ),
        (Some("a@b.c"), Some("a@b.c"))
    );
    assert!(form.get_all("tag") == ["x", "y z"]);
    assert!(form.file("email").is_none() && form.get("missing").is_none());
    let error = request(Some("text/plain"), "x")
        .form_data()
        .await
        .unwrap_err();
    assert_eq!(error.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(error.to_string().contains("multipart/form-data"));
}

const BOUNDARY: &str = "XyZ";

fn multipart_body() -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@b.c\r\n",
    );
    body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\none\r\n");
    body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\ntwo\r\n");
    body.extend_from_slice(
        b"--XyZ\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n\
          Content-Type: image/png\r\n\r\n\x89PNG\xff\r\n",
    );
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}

#[tokio::test]
async fn form_data_multipart() {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let form = request(Some(&content_type), multipart_body())
        .form_data()
        .await
        .unwrap();
    assert_eq!(form.text("email"), Some("a@b.c"));
    assert!(form.get_all("tag") == ["one", "two"]);
    let avatar = form.file("avatar").unwrap();
    assert_eq!(
        (avatar.name(), avatar.file_name(), avatar.content_type()),
        ("avatar", Some("me.png"), Some("image/png"))
    );
    assert_eq!(avatar.bytes().as_ref(), b"\x89PNG\xff");
    assert_eq!(
        (
            form.text("avatar"),
            form.iter().count(),
            form.files().count()
        ),
        (None, 3, 1)
    );
    // `formData.get` sees the file part, as in Next.js: it says what it found.
    let entry = form.get("avatar").expect("the file part is an entry");
    assert_eq!(
        entry.as_file().and_then(FormFile::file_name),
        Some("me.png")
    );
    assert!(entry.as_text().is_none());
    assert_eq!(serde_json::to_value(entry).unwrap(), serde_json::json!({}));
    assert_eq!(
        serde_json::to_value(form.get_all("tag")).unwrap(),
        serde_json::json!(["one", "two"])
    );
    let names: Vec<&str> = form.entries().map(|(name, _)| name).collect();
    assert_eq!(names, ["email", "tag", "tag", "avatar"]);
}

#[tokio::test]
async fn form_data_multipart_errors() {
    let message = invalid(
        request(Some("multipart/form-data"), multipart_body())
            .form_data()
            .await
            .unwrap_err(),
    );
    assert_eq!(
        message,
        "multipart/form-data content-type has no valid boundary"
    );
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let bad_text =
        b"--XyZ\r\nContent-Disposition: form-data; name=\"bio\"\r\n\r\n\xff\r\n--XyZ--\r\n"
            .to_vec();
    let message = invalid(
        request(Some(&content_type), bad_text)
            .form_data()
            .await
            .unwrap_err(),
    );
    assert_eq!(message, "form field `bio` is not valid UTF-8");
    let truncated = b"--XyZ\r\nContent-Disposition: form-data; name=\"bio\"\r\n\r\nhi".to_vec();
    let message = invalid(
        request(Some(&content_type), truncated)
            .form_data()
            .await
            .unwrap_err(),
    );
    assert!(message.starts_with("malformed multipart body"), "{message}");
}

#[tokio::test]
async fn second_read_is_400() {
    let mut req = request(Some(JSON), "{}");
    req.bytes().await.unwrap();
    for error in [
        req.bytes().await.unwrap_err(),
        req.text().await.unwrap_err(),
        req.json::<serde_json::Value>().await.unwrap_err(),
        req.form_data().await.unwrap_err(),
    ] {
        assert_eq!(
            (error.status(), error.to_string()),
            (StatusCode::BAD_REQUEST, "body already read".to_owned())
        );
    }
}

async fn call(
    app: axum::Router,
    content_type: &str,
    body: impl Into<Body>,
) -> (StatusCode, String) {
    let request = http::Request::post("/")
        .header(CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

async fn echo_text(mut req: Request) -> Result<String, BodyError> {
    req.text().await
}

async fn count_form_fields(mut req: Request) -> Result<String, ApiError> {
    Ok(req.form_data().await?.iter().count().to_string())
}

#[tokio::test]
async fn body_over_route_limit_is_413() {
    let app = axum::Router::new()
        .route("/", post(echo_text))
        .layer(DefaultBodyLimit::max(10));
    assert_eq!(
        call(app.clone(), "text/plain", "short").await,
        (StatusCode::OK, "short".to_owned())
    );
    let too_large = r#"{"error":"request body is larger than this route accepts"}"#.to_owned();
    assert_eq!(
        call(app, "text/plain", "0123456789ABC").await,
        (StatusCode::PAYLOAD_TOO_LARGE, too_large.clone())
    );

    let app = axum::Router::new()
        .route("/", post(count_form_fields))
        .layer(DefaultBodyLimit::max(10));
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    assert_eq!(
        call(app, &content_type, multipart_body()).await,
        (StatusCode::PAYLOAD_TOO_LARGE, too_large)
    );
}

#[tokio::test]
async fn body_over_default_limit_is_413() {
    let app = axum::Router::new().route("/", post(echo_text));
    let (status, _) = call(app, "text/plain", vec![b'a'; 2 * 1024 * 1024 + 1]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn errors_answer_json_through_api_error() {
    let app = axum::Router::new().route("/", post(count_form_fields));
    let expected = r#"{"error":"expected content-type multipart/form-data or application/x-www-form-urlencoded, got application/json"}"#;
    assert_eq!(
        call(app.clone(), "application/json", "{}").await,
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, expected.to_owned())
    );
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    assert_eq!(
        call(app, &content_type, multipart_body()).await,
        (StatusCode::OK, "3".to_owned())
    );
    let api: ApiError = BodyError::TooLarge.into();
    assert_eq!(api.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// The `fieldErrors` of a body that does not fit `T`.
async fn field_errors<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> serde_json::Value {
    match request(Some(JSON), body.to_owned()).json::<T>().await {
        Err(BodyError::Invalid(errors)) => errors.to_json(),
        other => panic!("{body}: {other:?}"),
    }
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Order {
    id: u32,
    customer: Customer,
    items: Vec<Item>,
    note: Option<String>,
    #[serde(default)]
    gift: bool,
    status: Status,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Customer {
    name: String,
    email: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Item {
    sku: String,
    qty: u8,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Status {
    Open,
    Closed { reason: String },
}

#[tokio::test]
async fn every_shape_error_is_named_at_once() {
    // Missing fields, wrong types, out-of-range numbers, nested and by index, in one answer;
    // `Option` and `#[serde(default)]` fields may be absent.
    let json = field_errors::<Order>(
        r#"{"id": "7", "customer": {"email": 5}, "items": [{"sku": "a", "qty": 300}, {"qty": 1}, 4]}"#,
    )
    .await;
    assert_eq!(
        json,
        serde_json::json!({ "formErrors": [], "fieldErrors": {
            "id": ["invalid type: string \"7\", expected u32"],
            "customer.name": ["missing field"],
            "customer.email": ["invalid type: integer `5`, expected a string"],
            "items[0].qty": ["invalid value: integer `300`, expected u8"],
            "items[1].sku": ["missing field"],
            "items[2]": ["invalid type: integer `4`, expected struct Item"],
            "status": ["missing field"],
        }})
    );
    // An enum: an unknown variant, and a wrong field inside a struct variant.
    let json = field_errors::<Order>(
        r#"{"id": 1, "customer": {"name": "a", "email": "b"}, "items": [], "status": "Shut"}"#,
    )
    .await;
    assert_eq!(
        json["fieldErrors"],
        serde_json::json!({ "status": ["unknown variant `Shut`, expected `Open` or `Closed`"] })
    );
    let json = field_errors::<Order>(
        r#"{"id": 1, "customer": {"name": "a", "email": "b"}, "items": [], "status": {"Closed": {"reason": 1}}}"#,
    )
    .await;
    assert_eq!(
        json["fieldErrors"],
        serde_json::json!({ "status.Closed.reason": ["invalid type: integer `1`, expected a string"] })
    );
    // Not an object at all: one error about the whole input.
    let json = field_errors::<Order>(r#"[]"#).await;
    assert_eq!(json["fieldErrors"], serde_json::json!({}));
    assert_eq!(json["formErrors"].as_array().unwrap().len(), 1, "{json}");
}

#[tokio::test]
async fn a_type_that_refuses_placeholders_still_reports_its_error() {
    /// A `Deserialize` that refuses every string but "ok", placeholders included.
    #[derive(Debug)]
    struct Strict;
    impl<'de> Deserialize<'de> for Strict {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let text = String::deserialize(d)?;
            (text == "ok")
                .then_some(Strict)
                .ok_or_else(|| serde::de::Error::custom("not ok"))
        }
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Form {
        a: Strict,
        b: u8,
        c: Strict,
    }
    let json = field_errors::<Form>(r#"{"a": "no", "b": "x"}"#).await;
    assert_eq!(
        json["fieldErrors"]["a"],
        serde_json::json!(["not ok"]),
        "{json}"
    );
    assert_eq!(
        json["fieldErrors"]["b"],
        serde_json::json!(["invalid type: string \"x\", expected u8"]),
        "{json}"
    );
    // Recursive types get placeholders too, bounded: a type that requires itself cannot
    // be built, and the search ends with what it found.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Endless {
        name: String,
        child: Box<Endless>,
    }
    let json = field_errors::<Endless>(r#"{"child": {"name": "x"}}"#).await;
    assert_eq!(
        json["fieldErrors"],
        serde_json::json!({ "child.child": ["missing field"] })
    );
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Tree {
        name: String,
        children: Vec<Tree>,
    }
    let json = field_errors::<Tree>(r#"{"children": [{"name": 1, "children": []}, {}]}"#).await;
    assert_eq!(
        json["fieldErrors"],
        serde_json::json!({
            "name": ["missing field"],
            "children[0].name": ["invalid type: integer `1`, expected a string"],
            "children[1].name": ["missing field"],
            "children[1].children": ["missing field"],
        })
    );
}

#[tokio::test]
async fn json_skips_a_byte_order_mark() {
    let body = "\u{feff}{\"city\":\"Paris\"}";
    let address: Address = request(Some(JSON), body).json().await.unwrap();
    assert_eq!(address.city, "Paris");
    // Only one, and only at the start.
    let error = request(Some(JSON), "\u{feff}\u{feff}{}")
        .json::<Address>()
        .await
        .unwrap_err();
    assert!(matches!(error, BodyError::Malformed(_)), "{error:?}");
    let error = request(Some(JSON), "\u{feff}")
        .json::<Address>()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "request body is empty, expected JSON");
}

#[tokio::test]
async fn json_any_content_type_reads_text_plain_and_none() {
    for content_type in [Some("text/plain;charset=UTF-8"), None, Some(JSON)] {
        let mut req = request(content_type, r#"{"city":"Oslo"}"#);
        let address: Address = req.json_any_content_type().await.unwrap();
        assert_eq!(address.city, "Oslo", "{content_type:?}");
    }
    let error = request(Some("text/plain"), "{}")
        .json_any_content_type::<Address>()
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "city: missing field");
}

#[test]
fn cookie_names_are_matched_as_sent() {
    let req = Request::from_http(
        http::Request::get("/")
            .header(
                COOKIE,
                "__Host%2Dsid=evil; __Host-sid=real; v=%E2%9C%93; bad=%FF",
            )
            .body(Body::empty())
            .unwrap(),
    );
    let cookies = req.cookies();
    assert_eq!(cookies.get("__Host-sid"), Some("real"));
    assert_eq!(cookies.get("__Host%2Dsid"), Some("evil"));
    assert_eq!(cookies.get("v"), Some("✓"));
    assert_eq!(cookies.get("bad"), None, "not UTF-8 once decoded: skipped");
}

#[tokio::test]
async fn unknown_fields_flatten_and_untagged_enums_are_reported_too() {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        name: String,
        age: u8,
    }
    let json = field_errors::<Strict>(r#"{"name": 1, "extra": true}"#).await;
    assert_eq!(
        json["fieldErrors"],
        serde_json::json!({
            "name": ["invalid type: integer `1`, expected a string"],
            "extra": ["unknown field `extra`, expected `name` or `age`"],
            "age": ["missing field"],
        })
    );

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Meta {
        id: u32,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct WithMeta {
        title: String,
        #[serde(flatten)]
        meta: Meta,
    }
    let json = field_errors::<WithMeta>(r#"{"title": 2}"#).await;
    assert_eq!(
        json["fieldErrors"]["title"],
        serde_json::json!(["invalid type: integer `2`, expected a string"]),
        "{json}"
    );

    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum IdOrName {
        Id(u32),
        Name(String),
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Lookup {
        who: IdOrName,
        n: u8,
    }
    let json = field_errors::<Lookup>(r#"{"who": [], "n": "x"}"#).await;
    assert_eq!(
        json["fieldErrors"],
        serde_json::json!({
            "who": ["data did not match any variant of untagged enum IdOrName"],
            "n": ["invalid type: string \"x\", expected u8"],
        })
    );
}

#[test]
fn a_header_beyond_ascii_reads_as_utf8_and_its_bytes_stay_available() {
    let req = Request::from_http(
        http::Request::get("/")
            .header(
                "referer",
                http::HeaderValue::from_bytes("https://example.com/ü".as_bytes()).unwrap(),
            )
            .header(
                "x-latin1",
                http::HeaderValue::from_bytes(b"caf\xe9").unwrap(),
            )
            .header("x-plain", "ascii")
            .body(Body::empty())
            .unwrap(),
    );
    assert_eq!(req.header("referer"), Some("https://example.com/ü"));
    assert_eq!(req.header("x-plain"), Some("ascii"));
    assert_eq!(req.header("x-latin1"), None, "not UTF-8");
    assert_eq!(req.header_bytes("x-latin1"), Some(&b"caf\xe9"[..]));
    assert_eq!(req.header("absent"), None);
}

/// Issue 27's JSON that JavaScript's `request.json()` accepts: a lone surrogate and a
/// byte that is not UTF-8 read as U+FFFD, as there; `1e400` is a field error.
#[tokio::test]
async fn json_that_javascript_reads_is_read_as_it_reads_it() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct S {
        s: String,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct N {
        n: f64,
    }
    async fn read<T: serde::de::DeserializeOwned>(body: &'static [u8]) -> Result<T, BodyError> {
        let mut req = Request::from_http(
            http::Request::post("/")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        );
        req.json::<T>().await
    }
    assert_eq!(read::<S>(br#"{"s":"\ud800"}"#).await.unwrap().s, "\u{FFFD}");
    assert_eq!(
        read::<S>(br#"{"s":"a\udc00b"}"#).await.unwrap().s,
        "a\u{FFFD}b"
    );
    assert_eq!(read::<S>(br#"{"s":"\ud83d\ude00"}"#).await.unwrap().s, "😀");
    assert_eq!(
        read::<S>(br#"{"s":"\\ud800"}"#).await.unwrap().s,
        "\\ud800",
        "an escaped backslash, not an escape"
    );
    assert_eq!(
        read::<S>(b"{\"s\":\"caf\xe9\"}").await.unwrap().s,
        "caf\u{FFFD}"
    );
    let error = read::<N>(br#"{"n": 1e400}"#).await.unwrap_err();
    assert_eq!(error.to_string(), "n: number out of range");
    assert!(
        matches!(error, BodyError::Invalid(_)),
        "a 400 in zod's shape: {error:?}"
    );
    // Still malformed: a surrogate fixed does not make broken JSON whole.
    let error = read::<S>(br#"{"s":"\ud800"#).await.unwrap_err();
    assert!(matches!(error, BodyError::Malformed(_)), "{error:?}");
}
