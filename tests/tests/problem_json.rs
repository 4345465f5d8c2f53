//! Swapping the error renderer for RFC 9457 `application/problem+json`, in one place: the
//! app's `render_with(problem_json)` layer, which every answer of the app goes through.

use garde::Validate;
use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Deserialize, Validate)]
struct CreateUser {
    #[garde(length(min = 2))]
    name: String,
    #[garde(email)]
    email: String,
}

#[route("/api/users")]
mod users {
    use super::*;

    pub async fn POST(mut req: Request) -> Result<Response, ApiError> {
        let user: CreateUser = req.json_valid().await?;
        Ok(Response::json(&json!({ "name": user.name, "email": user.email })).status(201))
    }
}

#[route(POST, "/api/users-extractor")]
async fn users_extractor(Valid(user): Valid<CreateUser>) -> Response {
    Response::json(&json!({ "name": user.name })).status(201)
}

#[route("/api/posts/$id")]
mod posts {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
}

#[route("/api/items/$name")]
mod items {
    use super::*;

    pub async fn GET(name: String) -> Result<Response, ApiError> {
        match name.as_str() {
            "secret" => Err(ApiError::internal(std::io::Error::other("hunter2"))),
            "gone" => Err(ApiError::with_status(StatusCode::GONE, "gone for good")),
            "panic" => panic!("hunter2"),
            _ => Ok(Response::json(&json!({ "name": name }))),
        }
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
    TestClient::new(
        routes![users, users_extractor, posts, items, me]
            .layer(routekit::error::render_with(routekit::error::problem_json)),
    )
}

/// Checks the content type and returns status and body.
fn problem(res: &TestResponse) -> (u16, Value) {
    assert_eq!(
        res.header("content-type"),
        Some("application/problem+json"),
        "{} {}",
        res.status(),
        res.text()
    );
    let body: Value = res.json();
    // RFC 9457 members every problem carries here.
    assert_eq!(body["type"], json!("about:blank"), "{body}");
    assert_eq!(body["status"], json!(res.status().as_u16()), "{body}");
    assert_eq!(
        body["title"],
        json!(res.status().canonical_reason().unwrap()),
        "{body}"
    );
    assert!(body.get("error").is_none(), "{body}");
    (res.status().as_u16(), body)
}

#[tokio::test]
async fn unknown_path_is_a_404_problem() {
    let res = client().get("/nowhere").send().await;
    assert_eq!(
        problem(&res),
        (
            404,
            json!({ "type": "about:blank", "title": "Not Found", "status": 404, "detail": "Not found" })
        )
    );
}

#[tokio::test]
async fn missing_method_is_a_405_problem_with_allow() {
    let client = client();
    let res = client.delete("/api/users").send().await;
    assert_eq!(
        problem(&res),
        (
            405,
            json!({
                "type": "about:blank",
                "title": "Method Not Allowed",
                "status": 405,
                "detail": "method DELETE not allowed",
            })
        )
    );
    assert!(res
        .header("allow")
        .is_some_and(|allow| allow.contains("POST")));

    let res = client.put("/api/posts/1").send().await;
    let (status, body) = problem(&res);
    assert_eq!(status, 405, "{body}");
    assert_eq!(body["detail"], json!("method PUT not allowed"));
    assert!(res
        .header("allow")
        .is_some_and(|allow| allow.contains("GET")));
}

#[tokio::test]
async fn bad_path_parameter_is_a_400_problem() {
    let client = client();
    let res = client.get("/api/posts/abc").send().await;
    let (status, body) = problem(&res);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["title"], json!("Bad Request"));
    // Extra members of the error are kept next to the RFC 9457 ones.
    assert_eq!(body["param"], json!("id"), "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("`id`") && detail.contains("u64"), "{body}");

    let res = client.get("/api/items/%FF").send().await;
    assert_eq!(
        problem(&res),
        (
            400,
            json!({
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "invalid path parameter `name`: not valid UTF-8",
                "param": "name",
            })
        )
    );

    let res = client.get("/api/items/%zz").send().await;
    assert_eq!(
        problem(&res),
        (
            400,
            json!({
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "invalid percent-encoding in the request path",
            })
        )
    );
}

#[tokio::test]
async fn validation_failure_is_a_400_problem_with_errors() {
    let client = client();
    for path in ["/api/users", "/api/users-extractor"] {
        let res = client
            .post(path)
            .json(&json!({ "name": "A", "email": "not-an-email" }))
            .send()
            .await;
        assert_eq!(
            problem(&res),
            (
                400,
                json!({
                    "type": "about:blank",
                    "title": "Bad Request",
                    "status": 400,
                    "errors": {
                        "formErrors": [],
                        "fieldErrors": {
                            "name": ["length is lower than 2"],
                            "email": ["not a valid email: value is missing `@`"],
                        },
                    },
                })
            ),
            "{path}"
        );

        let res = client
            .post(path)
            .json(&json!({ "email": "ada@example.com" }))
            .send()
            .await;
        assert_eq!(
            problem(&res),
            (
                400,
                json!({
                    "type": "about:blank",
                    "title": "Bad Request",
                    "status": 400,
                    "errors": { "formErrors": [], "fieldErrors": { "name": ["missing field"] } },
                })
            ),
            "{path}"
        );

        // Success is untouched by the renderer.
        let res = client
            .post(path)
            .json(&json!({ "name": "Ada", "email": "ada@example.com" }))
            .send()
            .await;
        assert_eq!(res.status(), 201, "{path}: {}", res.text());
        assert_eq!(res.header("content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn other_routekit_errors_are_problems_too() {
    let client = client();

    let res = client
        .post("/api/users")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await;
    let (status, body) = problem(&res);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("malformed JSON at line 1 column 1")),
        "{body}"
    );

    let res = client
        .post("/api/users")
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await;
    assert_eq!(
        problem(&res),
        (
            415,
            json!({
                "type": "about:blank",
                "title": "Unsupported Media Type",
                "status": 415,
                "detail": "expected content-type application/json, got text/plain",
            })
        )
    );

    let res = client
        .post("/api/users")
        .header("content-type", "application/json")
        .body(vec![b' '; 3 * 1024 * 1024])
        .send()
        .await;
    assert_eq!(
        problem(&res),
        (
            413,
            json!({
                "type": "about:blank",
                "title": "Payload Too Large",
                "status": 413,
                "detail": "request body is larger than this route accepts",
            })
        )
    );

    let res = client.get("/api/me").send().await;
    assert_eq!(
        problem(&res),
        (
            401,
            json!({ "type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "Unauthorized" })
        )
    );

    let res = client.get("/api/items/gone").send().await;
    assert_eq!(
        problem(&res),
        (
            410,
            json!({ "type": "about:blank", "title": "Gone", "status": 410, "detail": "gone for good" })
        )
    );

    for path in ["/api/items/secret", "/api/items/panic"] {
        let res = client.get(path).send().await;
        assert_eq!(
            problem(&res),
            (
                500,
                json!({
                    "type": "about:blank",
                    "title": "Internal Server Error",
                    "status": 500,
                    "detail": "Internal server error",
                })
            ),
            "{path}"
        );
        assert!(!res.text().contains("hunter2"));
    }

    let res = client.get("/api/items/fine").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>(), json!({ "name": "fine" }));
}
