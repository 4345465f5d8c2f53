//! Validation end to end: `garde` rules in zod's `error.flatten()` shape (the seed's
//! `createUserSchema.safeParse`), through `req.json_valid()`, `req.form_valid()` and the
//! `Valid<T>` extractor; bodies that do not deserialize, named by field; malformed JSON
//! named by line and column; and `?` on `garde` reports and hand-made `ValidationError`s.

#[allow(dead_code)]
mod error_support;

use error_support::{
    answer, assert_json_content_type, created, read_json, users, users_extractor, CreateUser,
};
use garde::Validate;
use routekit::prelude::*;
use routekit::test::TestClient;
use routekit::ValidationError;
use serde::Deserialize;
use serde_json::json;

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

fn client() -> TestClient {
    TestClient::new(routes![
        users,
        users_extractor,
        users_form,
        signup,
        signup_extractor,
        read_json,
        convert_validation,
    ])
}

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
