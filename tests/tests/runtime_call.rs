//! Handlers the runtime calls itself (`invoke_params`, `invoke`: path parameters and at
//! most a body, no middleware of their own), in each shape: their arguments, the `400` of
//! a parameter that does not parse (answered before the body is read), the body's own
//! rejection, optional and prefix/suffix parameters, and an `ANY` handler.

use axum::http::Method;
use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Rename {
    name: String,
}

#[route("/calls/items/$id")]
mod item {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }

    pub async fn PUT(id: u64, Json(rename): Json<Rename>) -> Result<Response, ApiError> {
        Ok(Response::json(&json!({ "id": id, "name": rename.name })))
    }
}

#[route(POST, "/calls/notes")]
async fn note(Json(note): Json<Value>) -> Response {
    Response::json(&json!({ "note": note })).status(201)
}

#[route(GET, "/calls/{-$lang}/pages/$page")]
async fn page(lang: Option<String>, page: u32) -> Response {
    Response::json(&json!({ "lang": lang, "page": page }))
}

#[route(GET, "/calls/files/{$name}.txt")]
async fn text_file(name: String) -> String {
    format!("file {name}")
}

#[route("/calls/any/$id")]
mod any {
    use super::*;

    pub async fn ANY(id: i64) -> Response {
        Response::json(&json!({ "any": id }))
    }
}

fn client() -> TestClient {
    TestClient::new(routes![item, note, page, text_file, any])
}

fn answer(res: &TestResponse) -> (u16, Value) {
    (res.status().as_u16(), res.json())
}

#[tokio::test]
async fn path_parameters_and_a_body_reach_the_handler() {
    let client = client();
    let res = client.get("/calls/items/7").send().await;
    assert_eq!(answer(&res), (200, json!({ "id": 7 })));
    let res = client
        .put("/calls/items/7")
        .json(&json!({ "name": "Ada" }))
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "id": 7, "name": "Ada" })));
    let res = client
        .post("/calls/notes")
        .json(&json!({ "text": "hi" }))
        .send()
        .await;
    assert_eq!(answer(&res), (201, json!({ "note": { "text": "hi" } })));
}

#[tokio::test]
async fn a_bad_parameter_is_the_400_before_the_body_is_read() {
    let client = client();
    let expected = json!({
        "error": "invalid path parameter `id`: expected u64",
        "param": "id",
        "expected": "u64",
    });
    let res = client.get("/calls/items/seven").send().await;
    assert_eq!(answer(&res), (400, expected.clone()));
    // The body is not JSON: the parameter's error is still the answer.
    let res = client
        .put("/calls/items/seven")
        .header("content-type", "text/plain")
        .body("not json")
        .send()
        .await;
    assert_eq!(answer(&res), (400, expected));
}

#[tokio::test]
async fn the_body_extractor_rejects_as_everywhere() {
    let client = client();
    let res = client
        .put("/calls/items/7")
        .header("content-type", "text/plain")
        .body(r#"{"name": "Ada"}"#)
        .send()
        .await;
    // axum's own `Json` rejection, in routekit's error shape (`from_request`'s `unify`).
    assert_eq!(
        answer(&res),
        (
            415,
            json!({ "error": "Expected request with `Content-Type: application/json`" })
        )
    );
    let res = client
        .put("/calls/items/7")
        .json(&json!({ "title": "no name" }))
        .send()
        .await;
    assert_eq!(res.status(), 422, "{}", res.text());
    assert!(res.json::<Value>()["error"].is_string(), "{}", res.text());
}

#[tokio::test]
async fn optional_and_prefix_suffix_parameters() {
    let client = client();
    let res = client.get("/calls/pages/3").send().await;
    assert_eq!(answer(&res), (200, json!({ "lang": null, "page": 3 })));
    let res = client.get("/calls/fr/pages/3").send().await;
    assert_eq!(answer(&res), (200, json!({ "lang": "fr", "page": 3 })));
    let res = client.get("/calls/fr/pages/three").send().await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>()["param"], "page");

    let res = client.get("/calls/files/notes.txt").send().await;
    assert_eq!(
        (res.status().as_u16(), res.text()),
        (200, "file notes".into())
    );
    let res = client.get("/calls/files/notes.json").send().await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn an_any_handler_is_called_for_every_method() {
    let client = client();
    for method in [Method::GET, Method::DELETE, Method::OPTIONS] {
        let res = client.request(method.clone(), "/calls/any/-4").send().await;
        assert_eq!(answer(&res), (200, json!({ "any": -4 })), "{method}");
    }
    let res = client.request(Method::PATCH, "/calls/any/x").send().await;
    assert_eq!(res.status(), 400);
}
