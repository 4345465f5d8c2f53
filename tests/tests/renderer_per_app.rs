//! An error renderer belongs to the app it wraps: two apps in one process, one speaking
//! RFC 9457 through `render_with(problem_json)` and one the default JSON, each answer in
//! their own shape. Nothing is process-wide: the renderer is the layer's.

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

#[route(GET, "/api/own")]
async fn own() -> Response {
    // A handler's own JSON error answer, not an `ApiError`: the renderer leaves it alone.
    Response::json(&serde_json::json!({ "message": "mine" })).status(400)
}

#[route(GET, "/api/denied")]
async fn denied() -> Result<Response, ApiError> {
    Err(ApiError::unauthorized("Sign in"))
}

#[tokio::test]
async fn only_routekits_error_answers_are_rendered_again_and_keep_their_headers() {
    let app = routes![own, denied]
        .layer(tower_http::set_header::SetResponseHeaderLayer::appending(
            http::header::SET_COOKIE,
            http::HeaderValue::from_static("a=1"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::appending(
            http::header::SET_COOKIE,
            http::HeaderValue::from_static("b=2"),
        ))
        .layer(render_with(problem_json));
    let client = TestClient::new(app);
    let res = client.get("/api/own").send().await;
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "message": "mine" })
    );
    let res = client.get("/api/denied").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    assert_eq!(res.json::<serde_json::Value>()["detail"], "Sign in");
    let cookies: Vec<_> = res
        .headers()
        .get_all(http::header::SET_COOKIE)
        .iter()
        .collect();
    assert_eq!(
        cookies,
        ["a=1", "b=2"],
        "both values of a repeated header kept"
    );
}
