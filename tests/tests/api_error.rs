//! `ApiError` end to end: every constructor's status and message, `internal` hiding its
//! cause, `Result<impl IntoResponse, ApiError>` handlers, and `?` converting `serde_json`
//! and body-reader errors.

#[allow(dead_code)]
mod error_support;

use error_support::{answer, assert_json_content_type, read_json, CreateUser, INTERNAL, TOO_LARGE};
use routekit::prelude::*;
use routekit::request::BodyError;
use routekit::test::TestClient;
use serde_json::{json, Value};

#[route("/api/fail/$kind")]
mod fail {
    use super::*;

    pub async fn GET(kind: String) -> Result<Response, ApiError> {
        Err(match kind.as_str() {
            "bad_request" => ApiError::bad_request("bad input"),
            "unauthorized" => ApiError::unauthorized("who are you"),
            "forbidden" => ApiError::forbidden("not yours"),
            "not_found" => ApiError::not_found("no such thing"),
            "conflict" => ApiError::conflict("already exists"),
            "unprocessable" => ApiError::unprocessable("cannot process"),
            "internal" => ApiError::internal(std::io::Error::other("db password is hunter2")),
            "internal_str" => ApiError::internal("connection string postgres://hunter2@db"),
            "new_418" => ApiError::new(418u16, "I'm a teapot"),
            "new_200" => ApiError::new(200u16, "not an error status"),
            "new_999" => ApiError::new(999u16, "out of range"),
            "with_status" => ApiError::with_status(StatusCode::GONE, "gone for good"),
            _ => return Ok(Response::json(&json!({ "kind": kind }))),
        })
    }
}

/// `Result<impl IntoResponse, ApiError>`.
#[route(GET, "/api/impl/$ok")]
async fn impl_into_response(ok: bool) -> Result<Json<Value>, ApiError> {
    if ok {
        Ok(Json(json!({ "ok": true })))
    } else {
        Err(ApiError::conflict("not ok"))
    }
}

#[route(POST, "/convert/serde-json")]
async fn convert_serde_json(mut req: Request) -> Result<Response, ApiError> {
    let text = req.text().await?;
    let value: CreateUser = serde_json::from_str(&text)?;
    Ok(Response::json(&value))
}

#[route(POST, "/convert/body-error")]
async fn convert_body_error(mut req: Request) -> Result<Response, ApiError> {
    let text = req.text().await?;
    Ok(Response::text(text))
}

#[route(POST, "/convert/body-error-direct")]
async fn convert_body_error_direct() -> Result<Response, ApiError> {
    let result: Result<(), BodyError> = Err(BodyError::TooLarge);
    result?;
    Ok(Response::empty())
}

/// A library's own error type, as `sqlx::Error` or `reqwest::Error` are: `?` works on it
/// without a `map_err`, and its text (a connection string here) never reaches the client.
#[derive(Debug)]
struct LibraryError;

impl std::fmt::Display for LibraryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("could not connect to postgres://admin:hunter2@db.internal")
    }
}

impl std::error::Error for LibraryError {}

fn query_the_database() -> Result<u32, LibraryError> {
    Err(LibraryError)
}

#[route(GET, "/convert/library")]
async fn convert_library() -> Result<Response, ApiError> {
    let rows = query_the_database()?;
    let bytes = std::fs::read("/nonexistent/routekit-test-file")?;
    Ok(Response::text(format!("{rows} {}", bytes.len())))
}

#[route(GET, "/convert/io")]
async fn convert_io() -> Result<Response, ApiError> {
    let bytes = std::fs::read("/nonexistent/routekit-test-file")?;
    Ok(Response::text(format!("{}", bytes.len())))
}

#[route(GET, "/convert/validation")]
async fn convert_validation() -> Result<Response, ApiError> {
    let checked: Result<(), routekit::ValidationError> = Err(
        routekit::ValidationError::from_field("email", "not an email"),
    );
    checked?;
    Ok(Response::empty())
}

fn client() -> TestClient {
    TestClient::new(routes![
        convert_library,
        convert_io,
        convert_validation,
        fail,
        impl_into_response,
        convert_serde_json,
        convert_body_error,
        convert_body_error_direct,
        read_json,
    ])
}

#[tokio::test]
async fn internal_errors_never_leak_their_cause() {
    let client = client();
    for kind in ["internal", "internal_str"] {
        let res = client.get(&format!("/api/fail/{kind}")).send().await;
        assert_eq!((res.status().as_u16(), res.text()), (500, INTERNAL.into()));
        assert_json_content_type(&res);
        assert!(!res.text().contains("hunter2"));
        assert!(res
            .headers()
            .iter()
            .all(|(_, v)| !v.to_str().unwrap_or_default().contains("hunter2")));
    }

    // Outside a route, too: the body and `Display` hide the cause.
    let error = ApiError::internal(std::io::Error::other("db password is hunter2"));
    assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(error.error(), &json!("Internal server error"));
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let res = axum::response::IntoResponse::into_response(error);
    assert_eq!(res.status(), 500);
}

#[tokio::test]
async fn every_api_error_constructor_answers_its_status_and_message() {
    let client = client();
    for (kind, status, message) in [
        ("bad_request", 400, "bad input"),
        ("unauthorized", 401, "who are you"),
        ("forbidden", 403, "not yours"),
        ("not_found", 404, "no such thing"),
        ("conflict", 409, "already exists"),
        ("unprocessable", 422, "cannot process"),
        ("internal", 500, "Internal server error"),
        ("new_418", 418, "I'm a teapot"),
        ("new_200", 500, "not an error status"),
        ("new_999", 500, "out of range"),
        ("with_status", 410, "gone for good"),
    ] {
        let res = client.get(&format!("/api/fail/{kind}")).send().await;
        assert_json_content_type(&res);
        assert_eq!(
            answer(&res),
            (status, json!({ "error": message })),
            "{kind}"
        );
    }
    let res = client.get("/api/fail/none").send().await;
    assert_eq!(answer(&res), (200, json!({ "kind": "none" })));

    // The same, without a router.
    for (error, status) in [
        (ApiError::bad_request("x"), 400),
        (ApiError::unauthorized("x"), 401),
        (ApiError::forbidden("x"), 403),
        (ApiError::not_found("x"), 404),
        (ApiError::conflict("x"), 409),
        (ApiError::unprocessable("x"), 422),
        (ApiError::internal("x"), 500),
        (ApiError::new(429u16, "x"), 429),
        (
            ApiError::with_status(StatusCode::SERVICE_UNAVAILABLE, "x"),
            503,
        ),
    ] {
        assert_eq!(error.status().as_u16(), status, "{error:?}");
    }
}

#[tokio::test]
async fn handlers_return_result_of_impl_into_response() {
    let client = client();
    let res = client.get("/api/impl/true").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": true })));
    let res = client.get("/api/impl/false").send().await;
    assert_eq!(answer(&res), (409, json!({ "error": "not ok" })));
}

#[tokio::test]
async fn question_mark_converts_serde_json_errors() {
    let client = client();
    let res = client
        .post("/convert/serde-json")
        .body(r#"{"name":"Ada"}"#)
        .send()
        .await;
    assert_json_content_type(&res);
    // The handler parsed the JSON itself: its failure is the server's, and the message,
    // which quotes the input, stays in the log.
    assert_eq!(
        answer(&res),
        (500, json!({ "error": "Internal server error" }))
    );
    let res = client
        .post("/convert/serde-json")
        .body(r#"{"name":"Ada","email":"a@b.c"}"#)
        .send()
        .await;
    assert_eq!(
        answer(&res),
        (200, json!({ "name": "Ada", "email": "a@b.c" }))
    );
}

#[tokio::test]
async fn question_mark_converts_any_library_error_to_a_500_that_keeps_its_cause() {
    let client = client();
    for path in ["/convert/library", "/convert/io"] {
        let res = client.get(path).send().await;
        assert_json_content_type(&res);
        assert_eq!(
            answer(&res),
            (500, json!({ "error": "Internal server error" })),
            "{path}"
        );
        assert!(!res.text().contains("hunter2") && !res.text().contains("nonexistent"));
    }
    // The cause is kept for the log, not for the client.
    let error = ApiError::from(LibraryError);
    assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!error.to_string().contains("hunter2"), "{error}");
    assert!(
        format!("{error:?}").contains("LibraryError"),
        "the cause is kept: {error:?}"
    );
    // routekit's own errors keep their answers through the same `?`.
    let res = client.get("/convert/validation").send().await;
    assert_eq!(
        answer(&res),
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": { "email": ["not an email"] } } })
        )
    );
}

#[tokio::test]
async fn question_mark_converts_body_errors() {
    let client = client();
    let res = client
        .post("/convert/body-error")
        .body(vec![b'o', b'k', 0xff])
        .send()
        .await;
    assert_json_content_type(&res);
    assert_eq!(
        answer(&res),
        (
            400,
            json!({ "error": "request body is not valid UTF-8 (at byte 2)" })
        )
    );
    let res = client.post("/convert/body-error-direct").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (413, TOO_LARGE.into()));

    // `req.json` with the wrong content type: 415.
    let res = client
        .post("/read/json")
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await;
    assert_eq!(
        answer(&res),
        (
            415,
            json!({ "error": "expected content-type application/json, got text/plain" })
        )
    );

    // `BodyError` into `ApiError` outside a router.
    let error = ApiError::from(BodyError::Malformed("bad".into()));
    assert_eq!(
        (error.status(), error.error()),
        (StatusCode::BAD_REQUEST, &json!("bad"))
    );
}
