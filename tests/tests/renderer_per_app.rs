//! An error renderer belongs to the app it wraps: two apps in one process, one speaking
//! RFC 9457 through `render_with(problem_json)` and one the default JSON, each answer in
//! their own shape. (No `set_renderer` in this binary: the default stays the default.)

use routekit::error::{problem_json, render_with};
use routekit::prelude::*;
use routekit::test::TestClient;

#[route("/api/posts/$id")]
mod posts {
    use super::*;

    pub async fn GET(id: u64) -> Result<Response, ApiError> {
        match id {
            1 => Ok(Response::text("one")),
            _ => Err(ApiError::not_found("No such post")),
        }
    }
}

#[route(GET, "/api/boom")]
async fn boom() -> Response {
    panic!("the handler broke")
}

fn problem_app() -> axum::Router {
    routes![posts, boom].layer(render_with(problem_json))
}

fn default_app() -> axum::Router {
    routes![posts, boom]
}

#[tokio::test]
async fn each_app_renders_its_own_errors() {
    let problem = TestClient::new(problem_app());
    let plain = TestClient::new(default_app());

    // A handler's ApiError.
    let res = problem.get("/api/posts/2").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    assert_eq!(res.json::<serde_json::Value>()["detail"], "No such post");
    assert_eq!(res.json::<serde_json::Value>()["status"], 404);
    let res = plain.get("/api/posts/2").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.json::<serde_json::Value>()["error"], "No such post");

    // routekit's own answers: a parameter that does not parse, an unknown path, a method
    // the path lacks (answered without running the handler's future), a panic.
    for (method, path, status) in [
        ("GET", "/api/posts/x", 400),
        ("GET", "/nowhere", 404),
        ("DELETE", "/api/posts/1", 405),
        ("GET", "/api/boom", 500),
    ] {
        let method = axum::http::Method::from_bytes(method.as_bytes()).unwrap();
        let res = problem.request(method.clone(), path).send().await;
        assert_eq!(res.status(), status, "{method} {path}");
        assert_eq!(
            res.header("content-type"),
            Some("application/problem+json"),
            "{method} {path}"
        );
        assert_eq!(
            res.json::<serde_json::Value>()["status"],
            status,
            "{method} {path}"
        );
        let res = plain.request(method.clone(), path).send().await;
        assert_eq!(res.status(), status, "{method} {path}");
        assert_eq!(res.header("content-type"), Some("application/json"));
        assert!(
            res.json::<serde_json::Value>()["error"].is_string(),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn a_success_passes_through_untouched() {
    let res = TestClient::new(problem_app())
        .get("/api/posts/1")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "one");
}
