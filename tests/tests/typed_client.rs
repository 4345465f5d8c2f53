//! Typed calls (feature `client`): every route's `get`/`post`/… next to its `href`, sent in
//! process by `TestClient` and over HTTP by `routekit::client::Client` against
//! `routekit::serve`.

use routekit::client::{Client, ClientError, ErrorBody, Raw};
use routekit::prelude::*;
use routekit::test::TestClient;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
struct Todo {
    id: u64,
    title: String,
    done: bool,
}

#[derive(Serialize, Deserialize, garde::Validate, schemars::JsonSchema)]
struct NewTodo {
    #[garde(length(min = 1))]
    title: String,
}

#[derive(Serialize, Deserialize, garde::Validate, schemars::JsonSchema)]
struct Filter {
    #[garde(skip)]
    done: Option<bool>,
    #[garde(range(min = 1, max = 50))]
    limit: u32,
}

#[route("/api/todos/$id")]
mod todo {
    use super::*;

    /// Typed by its return type.
    pub async fn GET(id: u64) -> Result<Json<Todo>, ApiError> {
        match id {
            404 => Err(ApiError::not_found("No such todo")),
            _ => Ok(Json(Todo {
                id,
                title: format!("todo {id}"),
                done: false,
            })),
        }
    }

    /// Typed by its declarations, the body read by hand.
    #[body(NewTodo)]
    #[response(200, Todo)]
    pub async fn PUT(id: u64, mut req: Request) -> Result<Response, ApiError> {
        let new: NewTodo = req.json_valid().await?;
        Ok(Response::json(&Todo {
            id,
            title: new.title,
            done: true,
        }))
    }

    #[response(204)]
    pub async fn DELETE(id: u64) -> Response {
        let _ = id;
        Response::empty().status(204)
    }
}

#[route(POST, "/api/todos")]
async fn create(body: Valid<NewTodo>, headers: HeaderMap) -> (StatusCode, Json<Todo>) {
    let Valid(new) = body;
    let done = headers.get("x-done").is_some();
    (
        StatusCode::CREATED,
        Json(Todo {
            id: 1,
            title: new.title,
            done,
        }),
    )
}

#[route(POST, "/api/rename")]
async fn rename(axum::Form(new): axum::Form<NewTodo>) -> Result<String, ApiError> {
    Ok(format!("form:{}", new.title))
}

#[route(GET, "/api/todos")]
async fn list(ValidQuery(filter): ValidQuery<Filter>) -> Json<Vec<Todo>> {
    let todos = (1..=u64::from(filter.limit))
        .map(|id| Todo {
            id,
            title: format!("todo {id}"),
            done: filter.done.unwrap_or(false),
        })
        .collect();
    Json(todos)
}

#[route(GET, "/api/files/{-$lang}/docs/$")]
async fn file(lang: Option<String>, _splat: Vec<String>) -> String {
    format!("{}:{}", lang.unwrap_or_default(), _splat.join("/"))
}

#[route(GET, "/api/who")]
async fn who(headers: HeaderMap) -> impl axum::response::IntoResponse {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("nobody")
        .to_owned();
    Response::text(token)
}

fn app() -> axum::Router {
    routes![todo, create, rename, list, file, who]
}

#[tokio::test]
async fn a_call_is_typed_by_the_handler_in_process() {
    let client = TestClient::new(app());
    let got: Todo = todo::get(7).send(&client).await.unwrap();
    assert_eq!(got.title, "todo 7");

    let put = todo::put(
        3,
        &NewTodo {
            title: "Write docs".into(),
        },
    );
    assert_eq!((put.method().as_str(), put.path()), ("PUT", "/api/todos/3"));
    let put: Todo = put.send(&client).await.unwrap();
    assert_eq!(
        (put.id, put.title.as_str(), put.done),
        (3, "Write docs", true)
    );

    // `#[response(204)]`: the call answers `()`, and the answer it read was the `204`.
    todo::delete(3)
        .send(&client)
        .await
        .expect("a 204 decodes as ()");
    let raw = todo::delete(3).send_raw(&client).await.unwrap();
    assert_eq!((raw.status.as_u16(), raw.body.len()), (204, 0));

    // A `Form<T>` handler: the call sends the body urlencoded; a `&str` answer is text.
    let echoed: String = rename::post(&NewTodo {
        title: "a b&c".into(),
    })
    .send(&client)
    .await
    .unwrap();
    assert_eq!(echoed, "form:a b&c");

    let created: Todo = create::post(&NewTodo {
        title: "New".into(),
    })
    .header("x-done", "1")
    .send(&client)
    .await
    .unwrap();
    assert_eq!((created.title.as_str(), created.done), ("New", true));

    let listed: Vec<Todo> = list::get()
        .query(&Filter {
            done: Some(true),
            limit: 2,
        })
        .send(&client)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|t| t.done));
}

#[tokio::test]
async fn a_call_goes_where_href_goes() {
    let client = TestClient::new(app());
    let call = file::get(Some("en"), ["a b", "c"]);
    assert_eq!(call.path(), file::href(Some("en"), ["a b", "c"]));
    assert_eq!(call.send(&client).await.unwrap(), "en:a b/c");
    assert_eq!(file::get(None, ["x"]).send(&client).await.unwrap(), ":x");
    // `impl IntoResponse` names no type: the answer is raw.
    let raw: Raw = who::get().send(&client).await.unwrap();
    assert_eq!((raw.status.as_u16(), raw.text().as_str()), (200, "nobody"));
}

#[tokio::test]
async fn errors_carry_status_and_routekit_error_body() {
    let client = TestClient::new(app());
    match todo::get(404).send(&client).await {
        Err(ClientError::Status { status, body, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(body.message(), Some("No such todo"));
        }
        other => panic!("expected 404, got {other:?}"),
    }
    let invalid = create::post(&NewTodo { title: "".into() })
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(invalid.status().unwrap(), 400);
    match invalid.body().unwrap() {
        ErrorBody::Validation { field_errors, .. } => {
            assert!(field_errors.contains_key("title"), "{field_errors:?}")
        }
        other => panic!("expected a validation body, got {other:?}"),
    }
    let out_of_range = list::get()
        .query(&Filter {
            done: None,
            limit: 500,
        })
        .send(&client)
        .await
        .unwrap_err();
    assert!(!out_of_range.body().unwrap().field("limit").is_empty());
    // A bad path parameter is routekit's own `400 {"error": …}`.
    let raw = TestClient::new(app()).get("/api/todos/abc").send().await;
    assert_eq!(raw.status(), 400);
    let a_header_that_cannot_be = todo::get(1).header("x-bad", "line\nbreak");
    assert!(matches!(
        a_header_that_cannot_be.send(&client).await,
        Err(ClientError::Request(_))
    ));
}

#[tokio::test]
async fn over_http_with_default_headers() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(routekit::serve_on(app(), listener));
    let client = Client::new(format!("http://{addr}/")).header("authorization", "Bearer svc");

    let got: Todo = todo::get(9).send(&client).await.unwrap();
    assert_eq!(got.id, 9);
    let who = who::get().send(&client).await.unwrap();
    assert_eq!(who.text(), "Bearer svc");
    let own = who::get()
        .header("authorization", "Bearer own")
        .send(&client)
        .await
        .unwrap();
    assert_eq!(
        own.text(),
        "Bearer own",
        "a call's header replaces the default"
    );
    let error = todo::get(404).send(&client).await.unwrap_err();
    assert_eq!(error.to_string(), "404 Not Found: No such todo");
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::new(format!("http://{addr}"));
    let error = todo::get(1).send(&client).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
}
