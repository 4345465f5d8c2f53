//! Body size and depth, end to end: the 2 MiB default limit for routekit's readers and
//! axum's extractors alike, `body_limit = N` lowering and raising it per route, and JSON
//! nested 10,000 deep refused with `400`, never a stack overflow.

#[allow(dead_code)]
mod error_support;

use error_support::{
    answer, assert_json_content_type, json_string_body, kind, read_json, users, users_extractor,
    MIB, TOO_LARGE,
};
use routekit::prelude::*;
use routekit::test::TestClient;
use serde_json::{json, Value};

#[route(POST, "/read/bytes")]
async fn read_bytes(mut req: Request) -> Result<Response, ApiError> {
    let bytes = req.bytes().await?;
    Ok(Response::json(&json!({ "len": bytes.len() })))
}

#[route(POST, "/extract/string")]
async fn extract_string(body: String) -> Response {
    Response::json(&json!({ "len": body.len() }))
}

#[route(POST, "/extract/json")]
async fn extract_json(Json(value): Json<Value>) -> Response {
    Response::json(&json!({ "kind": kind(&value) }))
}

#[route(POST, "/limited/small", body_limit = 1024)]
async fn limited_small(mut req: Request) -> Result<Response, ApiError> {
    let bytes = req.bytes().await?;
    Ok(Response::json(&json!({ "len": bytes.len() })))
}

#[route("/limited/module", body_limit = 1024)]
mod limited_module {
    use super::*;

    pub async fn POST(body: String) -> Response {
        Response::json(&json!({ "len": body.len() }))
    }

    pub async fn PUT(mut req: Request) -> Result<Response, ApiError> {
        let value: Value = req.json().await?;
        Ok(Response::json(&json!({ "kind": kind(&value) })))
    }
}

#[route(POST, "/limited/large", body_limit = 4_194_304)]
async fn limited_large(mut req: Request) -> Result<Response, ApiError> {
    let bytes = req.bytes().await?;
    Ok(Response::json(&json!({ "len": bytes.len() })))
}

fn client() -> TestClient {
    TestClient::new(routes![
        users,
        users_extractor,
        read_json,
        read_bytes,
        extract_string,
        extract_json,
        limited_small,
        limited_module,
        limited_large,
    ])
}

// ---------------------------------------------------------------------------------------
// Deep nesting: refused with 400, never a stack overflow.

fn nested_arrays(depth: usize) -> String {
    let mut body = String::with_capacity(depth * 2);
    body.extend(std::iter::repeat_n('[', depth));
    body.extend(std::iter::repeat_n(']', depth));
    body
}

fn nested_objects(depth: usize) -> String {
    let mut body = String::with_capacity(depth * 6);
    for _ in 0..depth {
        body.push_str(r#"{"a":"#);
    }
    body.push('1');
    body.extend(std::iter::repeat_n('}', depth));
    body
}

#[tokio::test]
async fn json_nested_ten_thousand_deep_is_400_through_req_json() {
    let client = client();
    for body in [nested_arrays(10_000), nested_objects(10_000)] {
        let res = client
            .post("/read/json")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        assert_json_content_type(&res);
        let (status, value) = answer(&res);
        assert_eq!(status, 400, "{value}");
        let message = value["error"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("malformed JSON at line 1 column ")
                && message.ends_with("recursion limit exceeded"),
            "{value}"
        );
        assert_eq!(value.as_object().unwrap().len(), 1, "{value}");
    }
    // Typed bodies and the validating extractor refuse it too: serde stops at the first
    // value that does not fit, or skips an unknown field without recursing.
    for path in ["/api/users", "/api/users-extractor"] {
        let res = client
            .post(path)
            .header("content-type", "application/json")
            .body(nested_arrays(10_000))
            .send()
            .await;
        assert_json_content_type(&res);
        assert_eq!(res.status(), 400, "{path}: {}", res.text());

        let res = client
            .post(path)
            .header("content-type", "application/json")
            .body(nested_objects(10_000))
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": { "name": ["missing field"] } } })
            ),
            "{path}"
        );

        let mut deep_name = String::from(r#"{"email":"a@b.c","name":"#);
        deep_name.push_str(&nested_arrays(10_000));
        deep_name.push('}');
        let res = client
            .post(path)
            .header("content-type", "application/json")
            .body(deep_name)
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": {
                    "name": ["invalid type: sequence, expected a string"],
                } } })
            ),
            "{path}"
        );
    }
    // The router still serves after it.
    let res = client
        .post("/read/json")
        .header("content-type", "application/json")
        .body(nested_arrays(100))
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "kind": "array" })));
}

#[tokio::test]
async fn json_nested_ten_thousand_deep_is_400_through_axum_json_extractor() {
    let client = client();
    for body in [nested_arrays(10_000), nested_objects(10_000)] {
        let res = client
            .post("/extract/json")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        assert_eq!(res.status(), 400, "{}", res.text());
    }
    let res = client
        .post("/extract/json")
        .header("content-type", "application/json")
        .body(nested_objects(50))
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "kind": "object" })));
}

// ---------------------------------------------------------------------------------------
// Body limits: 2 MiB by default for routekit's readers and axum's extractors alike.
#[tokio::test]
async fn three_mib_is_413_against_the_default_limit_for_routekit_readers() {
    let client = client();
    let res = client
        .post("/read/bytes")
        .header("content-type", "application/octet-stream")
        .body(vec![b'a'; 3 * MIB])
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (413, TOO_LARGE.into()));
    assert_json_content_type(&res);

    let res = client
        .post("/read/json")
        .header("content-type", "application/json")
        .body(json_string_body(3 * MIB))
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (413, TOO_LARGE.into()));

    for path in ["/api/users", "/api/users-extractor"] {
        let res = client
            .post(path)
            .header("content-type", "application/json")
            .body(json_string_body(3 * MIB))
            .send()
            .await;
        assert_eq!(
            (res.status().as_u16(), res.text()),
            (413, TOO_LARGE.into()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn three_mib_is_413_against_the_default_limit_for_axum_extractors() {
    let client = client();
    let res = client
        .post("/extract/string")
        .header("content-type", "text/plain")
        .body(vec![b'a'; 3 * MIB])
        .send()
        .await;
    assert_eq!(res.status(), 413, "{}", res.text());

    let res = client
        .post("/extract/json")
        .header("content-type", "application/json")
        .body(json_string_body(3 * MIB))
        .send()
        .await;
    assert_eq!(res.status(), 413, "{}", res.text());
}

#[tokio::test]
async fn one_mib_passes_the_default_limit_everywhere() {
    let client = client();
    let res = client
        .post("/read/bytes")
        .body(vec![b'a'; MIB])
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "len": MIB })));

    let res = client
        .post("/read/json")
        .header("content-type", "application/json")
        .body(json_string_body(MIB))
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "kind": "string" })));

    let res = client
        .post("/extract/string")
        .header("content-type", "text/plain")
        .body(vec![b'a'; MIB])
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "len": MIB })));

    let res = client
        .post("/extract/json")
        .header("content-type", "application/json")
        .body(json_string_body(MIB))
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "kind": "string" })));
}

#[tokio::test]
async fn the_default_limit_is_exactly_two_mib() {
    let client = client();
    let res = client
        .post("/read/bytes")
        .body(vec![b'a'; 2 * MIB])
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "len": 2 * MIB })));
    let res = client
        .post("/read/bytes")
        .body(vec![b'a'; 2 * MIB + 1])
        .send()
        .await;
    assert_eq!(res.status(), 413, "{}", res.text());
    let res = client
        .post("/extract/string")
        .body(vec![b'a'; 2 * MIB + 1])
        .send()
        .await;
    assert_eq!(res.status(), 413, "{}", res.text());
}

#[tokio::test]
async fn per_route_body_limit_lowers_the_cap() {
    let client = client();
    let res = client
        .post("/limited/small")
        .body(vec![b'a'; 1024])
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "len": 1024 })));
    let res = client
        .post("/limited/small")
        .body(vec![b'a'; 1025])
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (413, TOO_LARGE.into()));

    // Module form: every method, routekit readers and axum extractors alike.
    let res = client
        .post("/limited/module")
        .body(vec![b'a'; 1024])
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "len": 1024 })));
    let res = client
        .post("/limited/module")
        .body(vec![b'a'; 1025])
        .send()
        .await;
    assert_eq!(res.status(), 413, "{}", res.text());
    let res = client
        .put("/limited/module")
        .header("content-type", "application/json")
        .body(json_string_body(1025))
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (413, TOO_LARGE.into()));
    let res = client
        .put("/limited/module")
        .header("content-type", "application/json")
        .body(json_string_body(1024))
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "kind": "string" })));

    // Other routes keep the default.
    let res = client
        .post("/read/bytes")
        .body(vec![b'a'; 4096])
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "len": 4096 })));
}

#[tokio::test]
async fn per_route_body_limit_raises_the_cap() {
    let client = client();
    let res = client
        .post("/limited/large")
        .body(vec![b'a'; 3 * MIB])
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "len": 3 * MIB })));
    let res = client
        .post("/limited/large")
        .body(vec![b'a'; 4 * MIB + 1])
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (413, TOO_LARGE.into()));
}
