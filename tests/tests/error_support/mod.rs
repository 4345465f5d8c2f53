//! Shared by the error tests (`validation`, `body_limits`, `panics`, `api_error`,
//! `error_vocabulary`): the seed's `createUserSchema`, a raw JSON reader route, and the
//! helpers that compare answers. Each of those files declares it with `mod error_support;`.

use garde::Validate;
use routekit::prelude::*;
use routekit::test::TestResponse;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const MIB: usize = 1024 * 1024;

pub const INTERNAL: &str = r#"{"error":"Internal server error"}"#;

pub const TOO_LARGE: &str = r#"{"error":"request body is larger than this route accepts"}"#;

/// The seed's `createUserSchema` (`z.object({ name: z.string().min(2), email: z.string()
/// .email() })`), ported to garde.
#[derive(Debug, Deserialize, Serialize, Validate)]
pub struct CreateUser {
    #[garde(length(min = 2))]
    pub name: String,
    #[garde(email)]
    pub email: String,
}

pub fn created(user: CreateUser) -> Response {
    Response::json(&json!({ "id": 1, "name": user.name, "email": user.email })).status(201)
}

// The seed's POST, as written with `request.json()` then `safeParse`.
#[route("/api/users")]
pub mod users {
    use super::*;

    pub async fn POST(mut req: Request) -> Result<Response, ApiError> {
        let user: CreateUser = req.json_valid().await?;
        Ok(created(user))
    }
}

// The same, with the extractor.
#[route(POST, "/api/users-extractor")]
pub async fn users_extractor(Valid(user): Valid<CreateUser>) -> Response {
    created(user)
}

/// `POST /read/json`: `req.json()` into a `Value`, answering its kind.
#[route(POST, "/read/json")]
pub async fn read_json(mut req: Request) -> Result<Response, ApiError> {
    let value: Value = req.json().await?;
    Ok(Response::json(&json!({ "kind": kind(&value) })))
}

pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub fn json_string_body(len: usize) -> Vec<u8> {
    // `"aaa…"`: a valid JSON document of exactly `len` bytes.
    let mut body = vec![b'a'; len];
    body[0] = b'"';
    body[len - 1] = b'"';
    body
}

/// Status and JSON body in one comparable value.
pub fn answer(res: &TestResponse) -> (u16, Value) {
    (res.status().as_u16(), res.json::<Value>())
}

pub fn assert_json_content_type(res: &TestResponse) {
    assert_eq!(
        res.header("content-type"),
        Some("application/json"),
        "{} {}",
        res.status(),
        res.text()
    );
}
