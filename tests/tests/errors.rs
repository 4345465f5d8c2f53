//! Every failure path, end to end: `garde` validation in zod's `error.flatten()` shape (the
//! seed's `createUserSchema.safeParse`), bodies that do not deserialize, malformed and
//! deeply nested JSON, the default and per-route body limits, panics in handlers and
//! middleware, `ApiError` and its `?` conversions, bad percent-encoding in path
//! parameters, and the one `{"error": …}` vocabulary of everything routekit answers.

use garde::Validate;
use routekit::prelude::*;
use routekit::request::BodyError;
use routekit::test::{TestClient, TestResponse};
use routekit::ValidationError;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------
// The seed's `createUserSchema` (`z.object({ name: z.string().min(2), email: z.string()
// .email() })`), ported to garde.

#[derive(Debug, Deserialize, Serialize, Validate)]
struct CreateUser {
    #[garde(length(min = 2))]
    name: String,
    #[garde(email)]
    email: String,
}

#[derive(Debug, Deserialize, Validate)]
struct Address {
    #[garde(length(min = 1))]
    city: String,
}

#[derive(Debug, Deserialize, Validate)]
struct Signup {
    #[garde(length(min = 2))]
    name: String,
    #[garde(dive)]
    address: Address,
    #[garde(inner(length(min = 1)))]
    tags: Vec<String>,
}

fn created(user: CreateUser) -> Response {
    Response::json(&json!({ "id": 1, "name": user.name, "email": user.email })).status(201)
}

// The seed's POST, as written with `request.json()` then `safeParse`.
#[route("/api/users")]
mod users {
    use super::*;

    pub async fn POST(mut req: Request) -> Result<Response, ApiError> {
        let user: CreateUser = req.json_valid().await?;
        Ok(created(user))
    }
}

// The same, with the extractor.
#[route(POST, "/api/users-extractor")]
async fn users_extractor(Valid(user): Valid<CreateUser>) -> Response {
    created(user)
}

// The same, urlencoded, with `form_valid`.
#[route(POST, "/api/users-form")]
async fn users_form(mut req: Request) -> Result<Response, ApiError> {
    let user: CreateUser = req.form_valid().await?;
    Ok(created(user))
}

#[route(POST, "/api/signup")]
async fn signup(mut req: Request) -> Result<Response, ApiError> {
    let signup: Signup = req.json_valid().await?;
    Ok(Response::json(&json!({
        "name": signup.name,
        "city": signup.address.city,
        "tags": signup.tags,
    })))
}

#[route(POST, "/api/signup-extractor")]
async fn signup_extractor(Valid(signup): Valid<Signup>) -> Response {
    Response::json(&json!({ "name": signup.name, "tags": signup.tags.len() }))
}

// ---------------------------------------------------------------------------------------
// Body readers, raw, for JSON depth and body limits.

#[route(POST, "/read/json")]
async fn read_json(mut req: Request) -> Result<Response, ApiError> {
    let value: Value = req.json().await?;
    Ok(Response::json(&json!({ "kind": kind(&value) })))
}

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

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

// ---------------------------------------------------------------------------------------
// Panics, `ApiError` and its conversions.

#[route("/panic")]
mod panicking {
    use super::*;

    pub async fn GET(req: Request) -> Response {
        if req.search_params().has("boom") {
            panic!("secret panic message: db password is hunter2");
        }
        Response::json(&json!({ "ok": true }))
    }

    pub async fn POST(req: Request) -> Response {
        if req.search_params().has("boom") {
            let secret = "hunter2";
            panic!("formatted panic with {secret}");
        }
        Response::json(&json!({ "ok": "post" }))
    }
}

#[route(GET, "/panic-sync")]
fn panic_sync(req: Request) -> Response {
    if req.search_params().has("boom") {
        panic!("sync handler panic hunter2");
    }
    Response::text("fine")
}

#[derive(Clone, Debug)]
struct Boom;

/// A provider that panics when asked to.
#[middleware]
async fn panicking_provider(headers: HeaderMap) -> Result<Boom, ApiError> {
    if headers.contains_key("x-boom") {
        panic!("provider panic: hunter2");
    }
    Ok(Boom)
}

/// An around middleware that panics when asked to.
#[middleware]
async fn panicking_around(req: Request, next: Next) -> Response {
    if req.header("x-boom-around").is_some() {
        panic!("around panic: hunter2");
    }
    next.run(req).await
}

#[route("/mw-panic")]
#[middleware(panicking_provider)]
mod mw_panic {
    use super::*;

    pub async fn GET(boom: Ctx<Boom>) -> Response {
        let _ = boom;
        Response::json(&json!({ "ok": true }))
    }

    #[middleware(panicking_around)]
    pub async fn POST() -> Response {
        Response::json(&json!({ "ok": "post" }))
    }
}

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

#[route(POST, "/convert/validation")]
async fn convert_validation(mut req: Request) -> Result<Response, ApiError> {
    let user: CreateUser = req.json().await?;
    user.validate().map_err(ValidationError::from)?;
    if user.email == "taken@example.com" {
        let mut errors = ValidationError::from_field("email", "already registered");
        errors.push("", "try signing in instead");
        return Err(errors.into());
    }
    let check: Result<(), ValidationError> = if user.name == "root" {
        Err(ValidationError::from_field("name", "reserved"))
    } else {
        Ok(())
    };
    check?;
    Ok(created(user))
}

// ---------------------------------------------------------------------------------------
// Path parameters, and a provider's `ApiError` for the vocabulary check.

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

fn client() -> TestClient {
    TestClient::new(routes![
        users,
        users_extractor,
        users_form,
        signup,
        signup_extractor,
        read_json,
        read_bytes,
        extract_string,
        extract_json,
        limited_small,
        limited_module,
        limited_large,
        panicking,
        panic_sync,
        mw_panic,
        fail,
        impl_into_response,
        convert_serde_json,
        convert_body_error,
        convert_body_error_direct,
        convert_validation,
        items,
        posts,
        me,
    ])
}

/// Status and JSON body in one comparable value.
fn answer(res: &TestResponse) -> (u16, Value) {
    (res.status().as_u16(), res.json::<Value>())
}

fn assert_json_content_type(res: &TestResponse) {
    assert_eq!(
        res.header("content-type"),
        Some("application/json"),
        "{} {}",
        res.status(),
        res.text()
    );
}

const INTERNAL: &str = r#"{"error":"Internal server error"}"#;

// ---------------------------------------------------------------------------------------
// Validation: the seed's `createUserSchema.safeParse`.

const NAME_TOO_SHORT: &str = "length is lower than 2";
const BAD_EMAIL: &str = "not a valid email: value is missing `@`";

#[tokio::test]
async fn create_user_schema_rejects_name_and_email_with_flattened_field_errors() {
    let client = client();
    for path in ["/api/users", "/api/users-extractor"] {
        let res = client
            .post(path)
            .json(&json!({ "name": "A", "email": "not-an-email" }))
            .send()
            .await;
        assert_json_content_type(&res);
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": {
                    "formErrors": [],
                    "fieldErrors": { "name": [NAME_TOO_SHORT], "email": [BAD_EMAIL] },
                }})
            ),
            "{path}"
        );

        // Only the failing field is reported.
        let res = client
            .post(path)
            .json(&json!({ "name": "Ada Lovelace", "email": "ada" }))
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": { "email": [BAD_EMAIL] } } })
            ),
            "{path}"
        );
    }
}

#[tokio::test]
async fn create_user_schema_accepts_a_valid_user_with_201() {
    let client = client();
    for path in ["/api/users", "/api/users-extractor"] {
        let res = client
            .post(path)
            .json(&json!({ "name": "Ada", "email": "ada@example.com" }))
            .send()
            .await;
        assert_json_content_type(&res);
        assert_eq!(
            answer(&res),
            (
                201,
                json!({ "id": 1, "name": "Ada", "email": "ada@example.com" })
            ),
            "{path}"
        );
    }
}

#[tokio::test]
async fn urlencoded_forms_validate_through_form_valid_and_the_extractor() {
    let client = client();
    for path in ["/api/users-form", "/api/users-extractor"] {
        let res = client
            .post(path)
            .form(&[("name", "Ada"), ("email", "ada@example.com")])
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                201,
                json!({ "id": 1, "name": "Ada", "email": "ada@example.com" })
            ),
            "{path}"
        );
        let res = client
            .post(path)
            .form(&[("name", "A"), ("email", "nope")])
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": {
                    "formErrors": [],
                    "fieldErrors": {
                        "name": [NAME_TOO_SHORT],
                        "email": ["not a valid email: value is missing `@`"],
                    },
                }})
            ),
            "{path}"
        );
        let res = client.post(path).form(&[("name", "Ada")]).send().await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": { "email": ["missing field"] } } })
            ),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_missing_field_is_named_in_field_errors() {
    let client = client();
    for path in ["/api/users", "/api/users-extractor"] {
        let res = client
            .post(path)
            .json(&json!({ "email": "ada@example.com" }))
            .send()
            .await;
        assert_json_content_type(&res);
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": { "name": ["missing field"] } } })
            ),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_wrong_type_is_named_in_field_errors() {
    let client = client();
    for path in ["/api/users", "/api/users-extractor"] {
        let res = client
            .post(path)
            .json(&json!({ "name": 5, "email": "ada@example.com" }))
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": {
                    "name": ["invalid type: integer `5`, expected a string"],
                } } })
            ),
            "{path}"
        );
        // Not an object at all: an error about the whole input.
        let res = client.post(path).json(&json!("Ada")).send().await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": ["invalid type: string \"Ada\", expected struct CreateUser"], "fieldErrors": {} } })
            ),
            "{path}"
        );
    }
}

#[tokio::test]
async fn nested_fields_by_dotted_path_and_list_items_by_index() {
    let client = client();
    for path in ["/api/signup", "/api/signup-extractor"] {
        // garde rules on nested fields and list items.
        let res = client
            .post(path)
            .json(&json!({ "name": "A", "address": { "city": "" }, "tags": ["ok", "", "fine"] }))
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": {
                    "name": [NAME_TOO_SHORT],
                    "address.city": ["length is lower than 1"],
                    "tags[1]": ["length is lower than 1"],
                } } })
            ),
            "{path}"
        );

        // Deserialization failures, nested and by index.
        let res = client
            .post(path)
            .json(&json!({ "name": "Ada", "address": {}, "tags": [] }))
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": { "address.city": ["missing field"] } } })
            ),
            "{path}"
        );
        let res = client
            .post(path)
            .json(&json!({ "name": "Ada", "address": { "city": 7 }, "tags": [] }))
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": {
                    "address.city": ["invalid type: integer `7`, expected a string"],
                } } })
            ),
            "{path}"
        );
        let res = client
            .post(path)
            .json(&json!({ "name": "Ada", "address": { "city": "London" }, "tags": ["a", 2] }))
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": { "formErrors": [], "fieldErrors": {
                    "tags[1]": ["invalid type: integer `2`, expected a string"],
                } } })
            ),
            "{path}"
        );

        let res = client
            .post(path)
            .json(&json!({ "name": "Ada", "address": { "city": "London" }, "tags": ["a"] }))
            .send()
            .await;
        assert_eq!(res.status(), 200, "{path}: {}", res.text());
    }
}

#[tokio::test]
async fn malformed_json_syntax_names_line_and_column() {
    let client = client();
    for path in ["/api/users", "/api/users-extractor", "/read/json"] {
        let res = client
            .post(path)
            .header("content-type", "application/json")
            .body("{\n  \"name\": \"Ada\",,\n}")
            .send()
            .await;
        assert_json_content_type(&res);
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": "malformed JSON at line 2 column 17: key must be a string" })
            ),
            "{path}"
        );

        let res = client
            .post(path)
            .header("content-type", "application/json")
            .body(r#"{"name":"Ada","email":"ada@example.com"} trailing"#)
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": "malformed JSON at line 1 column 42: trailing characters" })
            ),
            "{path}"
        );

        let res = client
            .post(path)
            .header("content-type", "application/json")
            .body(r#"{"name":"Ada""#)
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": "malformed JSON at line 1 column 13: EOF while parsing an object" })
            ),
            "{path}"
        );

        let res = client
            .post(path)
            .header("content-type", "application/json")
            .send()
            .await;
        assert_eq!(
            answer(&res),
            (
                400,
                json!({ "error": "request body is empty, expected JSON" })
            ),
            "{path}"
        );
    }
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

fn json_string_body(len: usize) -> Vec<u8> {
    // `"aaa…"`: a valid JSON document of exactly `len` bytes.
    let mut body = vec![b'a'; len];
    body[0] = b'"';
    body[len - 1] = b'"';
    body
}

const TOO_LARGE: &str = r#"{"error":"request body is larger than this route accepts"}"#;

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

// ---------------------------------------------------------------------------------------
// Panics: 500 with a body that leaks nothing, and the router goes on serving.

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_same_router_keeps_serving() {
    let client = client();
    for (method, path) in [
        ("GET", "/panic?boom"),
        ("POST", "/panic?boom"),
        ("GET", "/panic-sync?boom"),
    ] {
        let res = client.request(method.parse().unwrap(), path).send().await;
        assert_eq!(
            (res.status().as_u16(), res.text()),
            (500, INTERNAL.into()),
            "{method} {path}"
        );
        assert_json_content_type(&res);
        assert!(!res.text().contains("hunter2") && !res.text().contains("panic"));
    }

    // Same client, same router.
    let res = client.get("/panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": true })));
    let res = client.post("/panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": "post" })));
    let res = client.get("/panic-sync").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "fine".into()));

    // Many times over: nothing poisoned.
    for _ in 0..20 {
        let res = client.get("/panic?boom").send().await;
        assert_eq!(res.status(), 500);
        let res = client.get("/panic").send().await;
        assert_eq!(res.status(), 200);
    }
}

#[tokio::test]
async fn a_panicking_middleware_answers_500_and_the_same_router_keeps_serving() {
    let client = client();
    let res = client.get("/mw-panic").header("x-boom", "1").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (500, INTERNAL.into()));
    assert_json_content_type(&res);

    let res = client
        .post("/mw-panic")
        .header("x-boom-around", "1")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (500, INTERNAL.into()));
    assert_json_content_type(&res);

    // A route-level provider panicking on an automatic answer (405).
    let res = client
        .delete("/mw-panic")
        .header("x-boom", "1")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (500, INTERNAL.into()));

    let res = client.get("/mw-panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": true })));
    let res = client.post("/mw-panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": "post" })));
}

// ---------------------------------------------------------------------------------------
// `ApiError`.

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

#[tokio::test]
async fn question_mark_converts_validation_errors() {
    let client = client();
    // `garde::Report` → `ValidationError` → `ApiError`.
    let res = client
        .post("/convert/validation")
        .json(&json!({ "name": "A", "email": "ada@example.com" }))
        .send()
        .await;
    assert_json_content_type(&res);
    assert_eq!(
        answer(&res),
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": { "name": [NAME_TOO_SHORT] } } })
        )
    );
    // A hand-made `ValidationError` with a form error.
    let res = client
        .post("/convert/validation")
        .json(&json!({ "name": "Ada", "email": "taken@example.com" }))
        .send()
        .await;
    assert_eq!(
        answer(&res),
        (
            400,
            json!({ "error": {
                "formErrors": ["try signing in instead"],
                "fieldErrors": { "email": ["already registered"] },
            } })
        )
    );
    // `?` on a `Result<_, ValidationError>`.
    let res = client
        .post("/convert/validation")
        .json(&json!({ "name": "root", "email": "root@example.com" }))
        .send()
        .await;
    assert_eq!(
        answer(&res),
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": { "name": ["reserved"] } } })
        )
    );
    let res = client
        .post("/convert/validation")
        .json(&json!({ "name": "Ada", "email": "ada@example.com" }))
        .send()
        .await;
    assert_eq!(
        answer(&res),
        (
            201,
            json!({ "id": 1, "name": "Ada", "email": "ada@example.com" })
        )
    );
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
