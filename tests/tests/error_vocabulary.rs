//! One vocabulary: every error routekit answers by itself, and every `ApiError`, is JSON
//! with an `error` member (path parameters that do not parse or decode, validation,
//! malformed JSON, a provider's refusal, unknown paths and methods, body limits, content
//! types, panics, internal errors, and axum's own extractor rejections).

#[allow(dead_code)]
mod error_support;

use error_support::{answer, assert_json_content_type, json_string_body, read_json, users, MIB};
use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};
use serde_json::{json, Value};

#[route("/api/items/$name")]
mod items {
    use super::*;

    pub async fn GET(name: String) -> Response {
        Response::json(&json!({ "name": name }))
    }
}

#[route("/api/posts/$id")]
mod posts {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
}

#[derive(Clone, Debug)]
struct User;

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization") {
        Some(v) if v == "Bearer ok" => Ok(User),
        _ => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[route("/api/me")]
#[middleware(auth)]
mod me {
    use super::*;

    pub async fn GET(user: Ctx<User>) -> Response {
        let _ = user;
        Response::json(&json!({ "me": true }))
    }
}

#[route(POST, "/read/bytes")]
async fn read_bytes(mut req: Request) -> Result<Response, ApiError> {
    let bytes = req.bytes().await?;
    Ok(Response::json(&json!({ "len": bytes.len() })))
}

#[route(GET, "/panic")]
async fn panicking() -> Response {
    panic!("secret panic message: db password is hunter2");
}

#[route(GET, "/api/fail/internal")]
async fn fail_internal() -> Result<Response, ApiError> {
    Err(ApiError::internal(std::io::Error::other(
        "db password is hunter2",
    )))
}

fn client() -> TestClient {
    TestClient::new(routes![
        items,
        posts,
        me,
        users,
        read_bytes,
        read_json,
        panicking,
        fail_internal,
    ])
}

// ---------------------------------------------------------------------------------------
// Path parameters.

#[tokio::test]
async fn invalid_utf8_in_a_path_parameter_is_400() {
    let client = client();
    let res = client.get("/api/items/%FF").send().await;
    assert_json_content_type(&res);
    assert_eq!(
        answer(&res),
        (
            400,
            json!({ "error": "invalid path parameter `name`: not valid UTF-8", "param": "name" })
        )
    );
    let res = client.get("/api/items/caf%C3%A9").send().await;
    assert_eq!(answer(&res), (200, json!({ "name": "café" })));
}

#[tokio::test]
async fn bad_percent_encoding_in_a_path_parameter_is_400() {
    let client = client();
    for path in [
        "/api/items/%zz",
        "/api/items/a%2",
        "/api/items/%",
        "/api/posts/%zz",
    ] {
        let res = client.get(path).send().await;
        assert_json_content_type(&res);
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": "invalid percent-encoding in the request path" })
            ),
            "{path}"
        );
    }
    let res = client.get("/api/items/a%20b").send().await;
    assert_eq!(answer(&res), (200, json!({ "name": "a b" })));
}

// ---------------------------------------------------------------------------------------
// One vocabulary.

#[tokio::test]
async fn every_error_routekit_answers_is_json_with_an_error_member() {
    let client = client();
    let cases: Vec<(u16, &str, TestResponse)> = vec![
        (400, "param", client.get("/api/posts/abc").send().await),
        (
            400,
            "percent-encoding",
            client.get("/api/items/%zz").send().await,
        ),
        (
            400,
            "validation",
            client.post("/api/users").json(&json!({})).send().await,
        ),
        (
            400,
            "syntax",
            client
                .post("/api/users")
                .header("content-type", "application/json")
                .body("{")
                .send()
                .await,
        ),
        (401, "provider", client.get("/api/me").send().await),
        (404, "unknown path", client.get("/nowhere").send().await),
        (405, "method", client.delete("/api/users").send().await),
        (
            413,
            "body limit",
            client
                .post("/read/bytes")
                .body(vec![b'a'; 3 * MIB])
                .send()
                .await,
        ),
        (
            415,
            "content type",
            client
                .post("/read/json")
                .header("content-type", "text/plain")
                .body("{}")
                .send()
                .await,
        ),
        (500, "panic", client.get("/panic?boom").send().await),
        (
            500,
            "internal",
            client.get("/api/fail/internal").send().await,
        ),
    ];
    for (status, what, res) in cases {
        assert_eq!(res.status().as_u16(), status, "{what}: {}", res.text());
        assert_json_content_type(&res);
        let body: Value = res.json();
        let object = body.as_object().unwrap_or_else(|| panic!("{what}: {body}"));
        assert!(object.contains_key("error"), "{what}: {body}");
        assert!(
            object
                .keys()
                .all(|k| ["error", "param", "expected"].contains(&k.as_str())),
            "{what}: {body}"
        );
    }
}

#[tokio::test]
async fn a_path_parameter_that_does_not_parse_names_the_parameter_and_type() {
    let client = client();
    let res = client.get("/api/posts/abc").send().await;
    let (status, body) = answer(&res);
    assert_eq!(status, 400);
    assert_eq!(body["param"], json!("id"), "{body}");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(
        message.contains("`id`") && message.contains("u64"),
        "{body}"
    );
}

#[route(POST, "/api/axum-json")]
async fn axum_json(Json(value): Json<Value>) -> Json<Value> {
    Json(value)
}

/// axum's own extractor rejections (plain text in axum) answer routekit's JSON shape when
/// they happen in a routekit handler, with the status axum chose.
#[tokio::test]
async fn axum_extractor_rejections_speak_the_same_json() {
    let client = TestClient::new(routes![axum_json]);
    let res = client
        .post("/api/axum-json")
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await;
    assert_eq!(res.status(), 415);
    assert_json_content_type(&res);
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": "Expected request with `Content-Type: application/json`" })
    );
    let res = client
        .post("/api/axum-json")
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_json_content_type(&res);
    assert!(res.json::<Value>()["error"]
        .as_str()
        .unwrap()
        .contains("line 1 column 2"));
    let res = client
        .post("/api/axum-json")
        .header("content-type", "application/json")
        .body(json_string_body(3 * 1024 * 1024))
        .send()
        .await;
    assert_eq!(res.status(), 413);
    assert_json_content_type(&res);
    assert!(res.json::<Value>()["error"].is_string());
}
