//! End-to-end ports of the TanStack Start "API Routes" seed (`createFileRoute(path)({ server:
//! { handlers } })`), one route module per `createFileRoute`, over an in-memory database.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use routekit::prelude::*;
use routekit::test::TestClient;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// The in-memory "db" the seed's handlers talk to.

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct DbUser {
    id: u64,
    name: String,
    email: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Post {
    id: u64,
    title: String,
    author_id: u64,
}

#[derive(Default)]
struct Tables {
    users: Vec<DbUser>,
    posts: BTreeMap<u64, Post>,
    events: Vec<String>,
}

#[derive(Clone, Default)]
struct Db(Arc<Mutex<Tables>>);

impl Db {
    fn seeded(users: u64) -> Self {
        let db = Db::default();
        {
            let mut t = db.0.lock().unwrap();
            for id in 1..=users {
                t.users.push(DbUser {
                    id,
                    name: format!("user{id}"),
                    email: format!("user{id}@example.com"),
                });
            }
            t.posts.insert(
                1,
                Post {
                    id: 1,
                    title: "Hello".into(),
                    author_id: 1,
                },
            );
            t.posts.insert(
                2,
                Post {
                    id: 2,
                    title: "Second".into(),
                    author_id: 2,
                },
            );
        }
        db
    }
}

/// `new Date().toISOString()`: `2024-01-02T03:04:05.678Z`.
fn iso_now() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let secs = now.as_secs() as i64;
    let millis = now.subsec_millis();
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

// ---------------------------------------------------------------------------------------
// Middleware of the seed: `context.user`, a logger, a validation step.

#[derive(Clone, Debug)]
struct User {
    id: u64,
}

/// `authMiddleware`: `Authorization: Bearer <user id>` puts the user in the context.
#[middleware]
async fn auth_middleware(headers: HeaderMap) -> Result<User, ApiError> {
    let id = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|v| v.parse().ok());
    match id {
        Some(id) => Ok(User { id }),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

/// `loggerMiddleware`: marks every answer it wrapped with `x-logged: 1`.
#[middleware]
async fn logger_middleware(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    res.header("x-logged", "1")
}

/// `validationMiddleware`: only JSON bodies reach the handler.
#[middleware]
async fn validation_middleware(headers: HeaderMap) -> Result<Validated, ApiError> {
    match headers.get("content-type").and_then(|v| v.to_str().ok()) {
        Some(ct) if ct.starts_with("application/json") => Ok(Validated),
        _ => Err(ApiError::bad_request("Expected a JSON body")),
    }
}

#[derive(Clone, Debug)]
struct Validated;

// ---------------------------------------------------------------------------------------
// Routes.

// Basic Server Route
#[route("/api/hello")]
mod hello {
    use super::*;

    pub async fn GET(request: Request) -> Response {
        let _ = request;
        Response::new("Hello, World!")
    }
}

// REST API with Multiple Methods
#[route("/api/users")]
mod users {
    use super::*;

    pub async fn GET(request: Request, State(db): State<Db>) -> Response {
        let params = request.search_params();
        let page: usize = params
            .get("page")
            .filter(|s| !s.is_empty())
            .unwrap_or("1")
            .parse()
            .unwrap_or(1);
        let limit: usize = params
            .get("limit")
            .filter(|s| !s.is_empty())
            .unwrap_or("10")
            .parse()
            .unwrap_or(10);
        let t = db.0.lock().unwrap();
        let data: Vec<DbUser> = t
            .users
            .iter()
            .skip((page.saturating_sub(1)) * limit)
            .take(limit)
            .cloned()
            .collect();
        let total = t.users.len();
        Response::json(&json!({
            "data": data,
            "pagination": { "page": page, "limit": limit, "total": total },
        }))
    }

    pub async fn POST(State(db): State<Db>, mut request: Request) -> Result<Response, ApiError> {
        let body: Value = request.json().await?;
        // createUserSchema.safeParse(body), answered in the shape of `error.flatten()`.
        let mut field_errors = serde_json::Map::new();
        let name = body.get("name").and_then(Value::as_str).unwrap_or("");
        let email = body.get("email").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            field_errors.insert("name".into(), json!(["Required"]));
        }
        if !email.contains('@') {
            field_errors.insert("email".into(), json!(["Invalid email"]));
        }
        if !field_errors.is_empty() {
            return Ok(Response::json(&json!({
                "error": { "formErrors": [], "fieldErrors": field_errors }
            }))
            .status(400));
        }
        let mut t = db.0.lock().unwrap();
        let user = DbUser {
            id: t.users.len() as u64 + 1,
            name: name.to_owned(),
            email: email.to_owned(),
        };
        t.users.push(user.clone());
        Ok(Response::json(&user).status(201))
    }
}

#[derive(Deserialize)]
struct UpdatePost {
    title: Option<String>,
}

// RESTful Resource with PATCH and DELETE
#[route("/api/posts/$id")]
mod post {
    use super::*;

    pub async fn GET(id: u64, State(db): State<Db>) -> Response {
        let t = db.0.lock().unwrap();
        match t.posts.get(&id) {
            None => Response::json(&json!({ "error": "Not found" })).status(404),
            Some(post) => Response::json(post),
        }
    }

    #[middleware(auth_middleware)]
    pub async fn PATCH(
        id: u64,
        user: Ctx<User>,
        State(db): State<Db>,
        mut request: Request,
    ) -> Result<Response, ApiError> {
        let body: Value = request.json().await?;
        let parsed: UpdatePost =
            match serde_json::from_value(body) {
                Ok(parsed) => parsed,
                Err(_) => return Ok(Response::json(&json!({
                    "error": { "formErrors": [], "fieldErrors": { "title": ["Expected string"] } }
                }))
                .status(400)),
            };
        let mut t = db.0.lock().unwrap();
        match t.posts.get_mut(&id) {
            Some(post) if post.author_id == user.id => {
                if let Some(title) = parsed.title {
                    post.title = title;
                }
                Ok(Response::json(post))
            }
            _ => Ok(Response::json(&json!({ "error": "Not found or forbidden" })).status(404)),
        }
    }

    #[middleware(auth_middleware)]
    pub async fn DELETE(id: u64, user: Ctx<User>, State(db): State<Db>) -> Response {
        let mut t = db.0.lock().unwrap();
        if t.posts.get(&id).is_some_and(|p| p.author_id == user.id) {
            t.posts.remove(&id);
        }
        Response::empty()
    }
}

// Route-Level Middleware
#[route("/api/posts")]
#[middleware(auth_middleware, logger_middleware)]
mod posts {
    use super::*;

    pub async fn GET(State(db): State<Db>) -> Response {
        let t = db.0.lock().unwrap();
        let all: Vec<&Post> = t.posts.values().collect();
        Response::json(&all)
    }

    #[middleware(validation_middleware)]
    pub async fn POST(
        user: Ctx<User>,
        State(db): State<Db>,
        mut request: Request,
    ) -> Result<Response, ApiError> {
        let body: Value = request.json().await?;
        let mut t = db.0.lock().unwrap();
        let id = t.posts.keys().max().copied().unwrap_or(0) + 1;
        let post = Post {
            id,
            title: body["title"].as_str().unwrap_or("").to_owned(),
            author_id: user.id,
        };
        t.posts.insert(id, post.clone());
        Ok(Response::json(&post).status(201))
    }
}

// Webhook Handler
#[route("/api/webhooks/stripe")]
mod stripe_webhook {
    use super::*;

    /// `stripe.webhooks.constructEvent`: the signature must be `v1=<body length>`.
    fn construct_event(body: &str, signature: &str) -> Result<Value, String> {
        if signature != format!("v1={}", body.len()) {
            return Err("No signatures found matching the expected signature".into());
        }
        serde_json::from_str(body).map_err(|e| e.to_string())
    }

    pub async fn POST(State(db): State<Db>, mut request: Request) -> Result<Response, ApiError> {
        let body = request.text().await?;
        let Some(signature) = request.header("stripe-signature") else {
            return Ok(Response::json(&json!({ "error": "Missing signature" })).status(400));
        };
        match construct_event(&body, signature) {
            Ok(event) => {
                let kind = event["type"].as_str().unwrap_or("").to_owned();
                let mut t = db.0.lock().unwrap();
                match kind.as_str() {
                    "checkout.session.completed" => t.events.push(format!(
                        "checkout:{}",
                        event["data"]["object"]["id"].as_str().unwrap_or("")
                    )),
                    "customer.subscription.updated" => t.events.push(format!(
                        "subscription:{}",
                        event["data"]["object"]["id"].as_str().unwrap_or("")
                    )),
                    _ => {}
                }
                Ok(Response::json(&json!({ "received": true })))
            }
            Err(_) => Ok(Response::json(&json!({ "error": "Webhook failed" })).status(400)),
        }
    }
}

// Health Check
#[route("/api/health")]
mod health {
    use super::*;

    pub async fn GET(State(db): State<Db>) -> Response {
        // `SELECT 1`: the lock is the database.
        match db.0.lock() {
            Ok(_) => Response::json(&json!({ "status": "healthy", "timestamp": iso_now() })),
            Err(error) => {
                Response::json(&json!({ "status": "unhealthy", "error": error.to_string() }))
                    .status(503)
            }
        }
    }
}

fn app(db: Db) -> TestClient {
    let app: axum::Router =
        routes![hello, users, post, posts, stripe_webhook, health].with_state(db);
    TestClient::new(app)
}

const JSON_CT: &str = "application/json";
const TEXT_CT: &str = "text/plain; charset=utf-8";

// ---------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn basic_server_route_says_hello() {
    let client = app(Db::seeded(0));
    let res = client.get("/api/hello").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(TEXT_CT));
    assert_eq!(res.text(), "Hello, World!");

    let res = client.post("/api/hello").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
}

#[tokio::test]
async fn users_get_paginates_with_defaults() {
    let client = app(Db::seeded(25));
    let res = client.get("/api/users").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    let body: Value = res.json();
    let ids: Vec<u64> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    assert_eq!(
        body["data"][0],
        json!({"id": 1, "name": "user1", "email": "user1@example.com"})
    );
    assert_eq!(
        body["pagination"],
        json!({"page": 1, "limit": 10, "total": 25})
    );
    assert_eq!(body.as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn users_get_paginates_with_explicit_values() {
    let client = app(Db::seeded(25));
    let res = client.get("/api/users?page=3&limit=5").send().await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json();
    let ids: Vec<u64> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![11, 12, 13, 14, 15]);
    assert_eq!(
        body["pagination"],
        json!({"page": 3, "limit": 5, "total": 25})
    );

    // The last, partial page, and a page past the end.
    let body: Value = client.get("/api/users?page=3").send().await.json();
    assert_eq!(body["data"].as_array().unwrap().len(), 5);
    assert_eq!(
        body["pagination"],
        json!({"page": 3, "limit": 10, "total": 25})
    );
    let body: Value = client.get("/api/users?page=9&limit=10").send().await.json();
    assert_eq!(body["data"], json!([]));
    assert_eq!(
        body["pagination"],
        json!({"page": 9, "limit": 10, "total": 25})
    );
}

#[tokio::test]
async fn users_post_creates_with_201() {
    let db = Db::seeded(2);
    let client = app(db.clone());
    let res = client
        .post("/api/users")
        .json(&json!({"name": "Ada", "email": "ada@example.com"}))
        .send()
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(
        res.json::<Value>(),
        json!({"id": 3, "name": "Ada", "email": "ada@example.com"})
    );
    assert_eq!(db.0.lock().unwrap().users.len(), 3);

    let body: Value = client.get("/api/users").send().await.json();
    assert_eq!(body["pagination"]["total"], 3);
}

#[tokio::test]
async fn users_post_validation_fails_with_400() {
    let db = Db::seeded(0);
    let client = app(db.clone());
    let res = client
        .post("/api/users")
        .json(&json!({"name": "Ada", "email": "not-an-email"}))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(
        res.json::<Value>(),
        json!({"error": {"formErrors": [], "fieldErrors": {"email": ["Invalid email"]}}})
    );
    assert!(db.0.lock().unwrap().users.is_empty());

    // `await request.json()` on a body that is not JSON.
    let res = client
        .post("/api/users")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON"),
        "{body}"
    );
}

#[tokio::test]
async fn post_get_found_and_not_found() {
    let client = app(Db::seeded(0));
    let res = client.get("/api/posts/1").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(
        res.json::<Value>(),
        json!({"id": 1, "title": "Hello", "authorId": 1})
    );

    let res = client.get("/api/posts/42").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"error":"Not found"}"#);
}

#[tokio::test]
async fn post_delete_needs_a_user_and_answers_204() {
    let db = Db::seeded(0);
    let client = app(db.clone());

    let res = client.delete("/api/posts/1").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>(), json!({"error": "Unauthorized"}));
    assert!(db.0.lock().unwrap().posts.contains_key(&1));

    let res = client
        .delete("/api/posts/1")
        .header("authorization", "Bearer 1")
        .send()
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.text(), "");
    assert_eq!(res.header("content-type"), None);
    assert!(!db.0.lock().unwrap().posts.contains_key(&1));

    let res = client.get("/api/posts/1").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.json::<Value>(), json!({"error": "Not found"}));
}

#[tokio::test]
async fn post_patch_updates_own_posts_only() {
    let db = Db::seeded(0);
    let client = app(db.clone());

    let res = client
        .patch("/api/posts/1")
        .json(&json!({"title": "Renamed"}))
        .send()
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>(), json!({"error": "Unauthorized"}));

    let res = client
        .patch("/api/posts/1")
        .header("authorization", "Bearer 1")
        .json(&json!({"title": "Renamed"}))
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(
        res.json::<Value>(),
        json!({"id": 1, "title": "Renamed", "authorId": 1})
    );

    // Post 2 belongs to user 2.
    let res = client
        .patch("/api/posts/2")
        .header("authorization", "Bearer 1")
        .json(&json!({"title": "Stolen"}))
        .send()
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>(),
        json!({"error": "Not found or forbidden"})
    );
    assert_eq!(db.0.lock().unwrap().posts[&2].title, "Second");

    let res = client
        .patch("/api/posts/1")
        .header("authorization", "Bearer 1")
        .json(&json!({"title": 5}))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>(),
        json!({"error": {"formErrors": [], "fieldErrors": {"title": ["Expected string"]}}})
    );
}

#[tokio::test]
async fn route_level_middleware_wraps_every_method() {
    let db = Db::seeded(0);
    let client = app(db.clone());

    let res = client.get("/api/posts").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>(), json!({"error": "Unauthorized"}));

    let res = client
        .get("/api/posts")
        .header("authorization", "Bearer 7")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-logged"), Some("1"));
    assert_eq!(
        res.json::<Value>(),
        json!([
            {"id": 1, "title": "Hello", "authorId": 1},
            {"id": 2, "title": "Second", "authorId": 2}
        ])
    );

    // POST runs validationMiddleware after the route's middleware.
    let res = client
        .post("/api/posts")
        .header("authorization", "Bearer 7")
        .header("content-type", "text/plain")
        .body("title")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.header("x-logged"), Some("1"));
    assert_eq!(
        res.json::<Value>(),
        json!({"error": "Expected a JSON body"})
    );

    let res = client
        .post("/api/posts")
        .header("content-type", "text/plain")
        .body("title")
        .send()
        .await;
    assert_eq!(res.status(), 401, "auth runs before validation");

    let res = client
        .post("/api/posts")
        .header("authorization", "Bearer 7")
        .json(&json!({"title": "Third"}))
        .send()
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    assert_eq!(res.header("x-logged"), Some("1"));
    assert_eq!(
        res.json::<Value>(),
        json!({"id": 3, "title": "Third", "authorId": 7})
    );
    assert_eq!(db.0.lock().unwrap().posts.len(), 3);
}

#[tokio::test]
async fn health_check_reports_healthy_with_timestamp() {
    let client = app(Db::seeded(0));
    let before = iso_now();
    let res = client.get("/api/health").send().await;
    let after = iso_now();
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    let body: Value = res.json();
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    assert_eq!(body["status"], "healthy");
    let ts = body["timestamp"].as_str().unwrap();
    assert_eq!(ts.len(), 24, "{ts}");
    assert!(ts.ends_with('Z') && &ts[10..11] == "T", "{ts}");
    assert!(
        before.as_str() <= ts && ts <= after.as_str(),
        "{before} {ts} {after}"
    );
}

#[tokio::test]
async fn webhook_requires_a_signature() {
    let db = Db::seeded(0);
    let client = app(db.clone());
    let event = r#"{"type":"checkout.session.completed","data":{"object":{"id":"cs_1"}}}"#;

    let res = client
        .post("/api/webhooks/stripe")
        .header("content-type", "application/json")
        .body(event)
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"error":"Missing signature"}"#);
    assert!(db.0.lock().unwrap().events.is_empty());
}

#[tokio::test]
async fn webhook_verifies_and_dispatches_events() {
    let db = Db::seeded(0);
    let client = app(db.clone());
    let event = r#"{"type":"checkout.session.completed","data":{"object":{"id":"cs_1"}}}"#;

    let res = client
        .post("/api/webhooks/stripe")
        .header("stripe-signature", format!("v1={}", event.len()))
        .body(event)
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"received":true}"#);

    let update = r#"{"type":"customer.subscription.updated","data":{"object":{"id":"sub_9"}}}"#;
    let res = client
        .post("/api/webhooks/stripe")
        .header("stripe-signature", format!("v1={}", update.len()))
        .body(update)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        db.0.lock().unwrap().events,
        vec!["checkout:cs_1".to_owned(), "subscription:sub_9".to_owned()]
    );

    let res = client
        .post("/api/webhooks/stripe")
        .header("stripe-signature", "v1=0")
        .body(event)
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.text(), r#"{"error":"Webhook failed"}"#);
    assert_eq!(db.0.lock().unwrap().events.len(), 2);
}
