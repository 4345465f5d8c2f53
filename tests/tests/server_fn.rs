//! `#[server_fn]` (TanStack Start's `createServerFn`): an RPC endpoint with a route's
//! middleware, `Ctx<T>`, validation and errors, served at `/_server/<module path>/<name>`,
//! in the route table and the OpenAPI document, and callable with a typed Rust call.

use routekit::prelude::*;
use routekit::test::TestClient;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Todo {
    pub id: u64,
    pub title: String,
    pub by: String,
}

#[derive(Serialize, Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct NewTodo {
    #[garde(length(min = 1, max = 20))]
    pub title: String,
}

/// An input without `garde` rules: nothing to validate.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
pub struct Search {
    pub q: String,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Clone)]
pub struct User(pub String);

#[middleware]
#[security(bearer)]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some("Bearer ada") => Ok(User("ada".into())),
        _ => Err(ApiError::unauthorized("Sign in first")),
    }
}

pub mod todos {
    use super::*;

    /// Adds a todo for the signed-in user.
    #[server_fn]
    #[middleware(auth)]
    pub async fn add_todo(user: Ctx<User>, input: NewTodo) -> Result<Todo, ApiError> {
        if input.title == "taken" {
            return Err(ApiError::conflict("That title is taken"));
        }
        Ok(Todo {
            id: 1,
            title: input.title,
            by: user.0 .0.clone(),
        })
    }

    /// Searches todos: the input comes from the query string.
    #[server_fn(method = GET)]
    pub async fn search(input: Search) -> Vec<String> {
        let limit = input.limit.unwrap_or(2) as usize;
        (1..=limit).map(|n| format!("{}-{n}", input.q)).collect()
    }

    /// No input at all, and a plain (not async) function.
    #[server_fn(path = "/rpc/ping")]
    pub fn ping() -> String {
        "pong".to_owned()
    }
}

fn app() -> axum::Router {
    routes![todos::add_todo, todos::search, todos::ping]
}

#[tokio::test]
async fn a_post_server_fn_answers_its_data_as_json() {
    let client = TestClient::new(app());
    let res = client
        .post("/_server/todos/add_todo")
        .header("authorization", "Bearer ada")
        .json(&json!({ "title": "Write docs" }))
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(
        res.json::<Value>(),
        json!({ "id": 1, "title": "Write docs", "by": "ada" })
    );
    // The handler's own error is a route's: its status and `{ error }` body.
    let res = client
        .post("/_server/todos/add_todo")
        .header("authorization", "Bearer ada")
        .json(&json!({ "title": "taken" }))
        .send()
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": "That title is taken" })
    );
    // It is a `POST`: another method is the route's `405` (after its middleware, as a
    // function-form route's automatic answers are).
    let res = client
        .get("/_server/todos/add_todo")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn the_middleware_runs_first_and_its_error_is_the_answer() {
    let client = TestClient::new(app());
    let res = client
        .post("/_server/todos/add_todo")
        .json(&json!({ "title": "Write docs" }))
        .send()
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>(), json!({ "error": "Sign in first" }));
}

#[tokio::test]
async fn an_input_that_breaks_its_rules_is_the_zod_shaped_400() {
    let client = TestClient::new(app());
    let res = client
        .post("/_server/todos/add_todo")
        .header("authorization", "Bearer ada")
        .json(&json!({ "title": "" }))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json();
    assert_eq!(body["error"]["formErrors"], json!([]));
    let title = body["error"]["fieldErrors"]["title"].as_array().unwrap();
    assert_eq!(title.len(), 1, "{body}");
    assert!(title[0].as_str().unwrap().contains("length"), "{body}");

    // A body of the wrong shape names the field, as `Valid<T>` does.
    let res = client
        .post("/_server/todos/add_todo")
        .header("authorization", "Bearer ada")
        .json(&json!({ "title": 7 }))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json();
    assert!(body["error"]["fieldErrors"]["title"].is_array(), "{body}");

    // Not JSON: `415`, as `req.json()`.
    let res = client
        .post("/_server/todos/add_todo")
        .header("authorization", "Bearer ada")
        .header("content-type", "text/plain")
        .body("title=x")
        .send()
        .await;
    assert_eq!(res.status(), 415);
}

#[tokio::test]
async fn a_get_server_fn_reads_its_input_from_the_query() {
    let client = TestClient::new(app());
    let res = client
        .get("/_server/todos/search?q=milk&limit=3")
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.json::<Value>(), json!(["milk-1", "milk-2", "milk-3"]));
    let res = client.get("/_server/todos/search?q=tea").send().await;
    assert_eq!(res.json::<Value>(), json!(["tea-1", "tea-2"]));
    // A missing field names it, in the validation shape.
    let res = client.get("/_server/todos/search?limit=x").send().await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json();
    assert!(body["error"]["fieldErrors"]["q"].is_array(), "{body}");
    assert!(body["error"]["fieldErrors"]["limit"].is_array(), "{body}");
    // It is a `GET`.
    let res = client.post("/_server/todos/search").send().await;
    assert_eq!(res.status(), 405);
}

#[tokio::test]
async fn a_custom_path_replaces_the_default() {
    let client = TestClient::new(app());
    let res = client.post("/rpc/ping").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>(), json!("pong"));
    assert_eq!(
        client.post("/_server/todos/ping").send().await.status(),
        404
    );
    assert_eq!(todos::ping::href(), "/rpc/ping");
    assert_eq!(todos::add_todo::href(), "/_server/todos/add_todo");
}

#[test]
fn server_fns_are_rows_of_the_route_table() {
    let table = routekit::route_table(&app());
    let row = |path: &str, method: &str| {
        table
            .iter()
            .find(|e| e.path == path && e.method == method)
            .unwrap_or_else(|| panic!("no {method} {path} in {table:#?}"))
    };
    let add = row("/_server/todos/add_todo", "POST");
    assert_eq!(add.template, "/_server/todos/add_todo");
    assert_eq!(add.middleware, ["auth"]);
    assert!(add.handler.contains("add_todo"), "{}", add.handler);
    assert!(add.location.contains("server_fn.rs"), "{}", add.location);
    row("/_server/todos/search", "GET");
    row("/rpc/ping", "POST");
}

#[test]
fn server_fns_are_in_the_openapi_document_under_server() {
    let infos = routekit::openapi::routes_of(&app());
    let doc = routekit::openapi::document(&infos, &routekit::openapi::Info::new("t", "1"));
    let add = &doc["paths"]["/_server/todos/add_todo"]["post"];
    assert_eq!(add["operationId"], "server.addTodo", "{add:#}");
    assert_eq!(add["x-routekit-server-fn"], true);
    assert_eq!(add["summary"], "Adds a todo for the signed-in user.");
    assert!(
        add["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap()
            .ends_with("/NewTodo"),
        "{add:#}"
    );
    assert!(add["responses"]["200"].is_object(), "{add:#}");
    assert!(add["responses"]["400"].is_object(), "{add:#}");
    assert!(add["responses"]["401"].is_object(), "{add:#}");
    assert!(add["security"].is_array(), "{add:#}");

    let search = &doc["paths"]["/_server/todos/search"]["get"];
    assert_eq!(search["operationId"], "server.search");
    let params: Vec<&str> = search["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["limit", "q"]);
    assert!(search.get("requestBody").is_none());
    assert_eq!(
        doc["paths"]["/rpc/ping"]["post"]["operationId"],
        "server.ping"
    );
}

#[tokio::test]
async fn a_server_fn_is_called_with_the_typed_call_of_a_route() {
    let client = TestClient::new(app());
    let todo: Todo = todos::add_todo::post(&NewTodo {
        title: "Typed".into(),
    })
    .header("authorization", "Bearer ada")
    .send(&client)
    .await
    .unwrap();
    assert_eq!(
        todo,
        Todo {
            id: 1,
            title: "Typed".into(),
            by: "ada".into()
        }
    );
    let err = todos::add_todo::post(&NewTodo { title: "".into() })
        .header("authorization", "Bearer ada")
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap(), 400);
    let err = todos::add_todo::post(&NewTodo { title: "x".into() })
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap(), 401);

    let found: Vec<String> = todos::search::get()
        .query(&Search {
            q: "a b".into(),
            limit: Some(1),
        })
        .send(&client)
        .await
        .unwrap();
    assert_eq!(found, ["a b-1"]);
    let pong: String = todos::ping::post().send(&client).await.unwrap();
    assert_eq!(pong, "pong");
}

/// A counter the app is built with.
#[derive(Clone, Default)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicU64>);

/// `#[middleware]` written above `#[server_fn]`, and the app's state.
#[middleware(auth)]
#[server_fn(path = "/rpc/count")]
async fn count(State(counter): State<Counter>, user: Ctx<User>) -> String {
    let n = counter.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    format!("{} {n}", user.0 .0)
}

#[tokio::test]
async fn a_server_fn_takes_the_app_state_and_a_middleware_written_above() {
    let client = TestClient::new(routes![count].with_state(Counter::default()));
    let call = || {
        client
            .post("/rpc/count")
            .header("authorization", "Bearer ada")
    };
    assert_eq!(call().send().await.json::<String>(), "ada 1");
    assert_eq!(call().send().await.json::<String>(), "ada 2");
    assert_eq!(client.post("/rpc/count").send().await.status(), 401);
}

/// An error type of its own (any `IntoResponse`), and a bare number as the input.
#[server_fn]
async fn halve(input: u32) -> Result<u32, (StatusCode, &'static str)> {
    if input % 2 == 1 {
        return Err((StatusCode::UNPROCESSABLE_ENTITY, "odd"));
    }
    Ok(input / 2)
}

#[tokio::test]
async fn a_server_fn_error_of_its_own_is_its_answer() {
    let client = TestClient::new(routes![halve]);
    let res = client.post("/_server/halve").json(&8).send().await;
    assert_eq!((res.status().as_u16(), res.json::<u32>()), (200, 4));
    let res = client.post("/_server/halve").json(&3).send().await;
    assert_eq!((res.status().as_u16(), res.text()), (422, "odd".to_owned()));
    let res = client.post("/_server/halve").json(&"x").send().await;
    assert_eq!(res.status(), 400);
    let doubled: u32 = halve::post(&10).send(&client).await.unwrap();
    assert_eq!(doubled, 5);
}
