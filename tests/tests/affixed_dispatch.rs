//! Where the prefix/suffix text of a route is checked: by the route's handler, first, for a
//! route alone on its axum path (so a path without the text never reaches its middleware),
//! by a layer in front of a route that leading layers wrap, and by a group for routes that
//! share a path (whose plain members' handlers it calls directly).

use std::sync::atomic::{AtomicUsize, Ordering};

use routekit::prelude::*;
use routekit::test::TestClient;
use serde_json::{json, Value};

static SEEN: AtomicUsize = AtomicUsize::new(0);

#[middleware]
async fn count(req: Request, next: Next) -> Response {
    SEEN.fetch_add(1, Ordering::SeqCst);
    next.run(req).await
}

#[route("/c/post-{$id}")]
#[middleware(count)]
mod counted {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
}

#[tokio::test]
async fn a_lone_route_checks_its_text_before_its_middleware() {
    let client = TestClient::new(routes![counted]);
    for uri in ["/c/page-1", "/c/post-", "/c/post", "/c/xpost-1"] {
        assert_eq!(client.get(uri).send().await.status(), 404, "{uri}");
        // 404 before 405: the method is not looked at when the text is missing.
        assert_eq!(client.put(uri).send().await.status(), 404, "{uri}");
        assert_eq!(client.options(uri).send().await.status(), 404, "{uri}");
    }
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        0,
        "no middleware ran for a 404"
    );
    let res = client.get("/c/post-7").send().await;
    assert_eq!(res.json::<Value>(), json!({ "id": 7 }));
    // An escaped segment is compared decoded (`%2D` is `-`).
    let res = client.get("/c/post%2D8").send().await;
    assert_eq!(res.json::<Value>(), json!({ "id": 8 }));
    assert_eq!(client.put("/c/post-7").send().await.status(), 405);
    assert_eq!(SEEN.load(Ordering::SeqCst), 3);
}

#[route("/k/post-{$id}")]
#[middleware(tower_http::set_header::SetResponseHeaderLayer::overriding(
    http::header::HeaderName::from_static("x-layer"),
    http::HeaderValue::from_static("on"),
))]
mod layered {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
}

#[tokio::test]
async fn a_leading_layer_does_not_run_for_a_path_without_the_text() {
    let client = TestClient::new(routes![layered]);
    let res = client.get("/k/page-1").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("x-layer"), None);
    assert_eq!(client.delete("/k/page-1").send().await.status(), 404);
    let res = client.get("/k/post-1").send().await;
    assert_eq!(res.json::<Value>(), json!({ "id": 1 }));
    assert_eq!(res.header("x-layer"), Some("on"));
}

#[route("/f/{$id}.json")]
mod json_file {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "json": id }))
    }
}

#[route(GET, "/f/{$id}.txt")]
async fn text_file(id: u64) -> Response {
    Response::json(&json!({ "txt": id }))
}

#[route("/f/$name")]
mod any_file {
    use super::*;
    pub async fn GET(name: String) -> Response {
        Response::json(&json!({ "any": name }))
    }
}

#[tokio::test]
async fn a_group_calls_its_members_and_leaves_no_check_skipped_behind() {
    let client = TestClient::new(routes![json_file, text_file, any_file, counted]);
    // Each member answers what it fits, and its own methods.
    assert_eq!(
        client.get("/f/1.json").send().await.json::<Value>(),
        json!({ "json": 1 })
    );
    assert_eq!(
        client.get("/f/2.txt").send().await.json::<Value>(),
        json!({ "txt": 2 })
    );
    assert_eq!(
        client.get("/f/3.md").send().await.json::<Value>(),
        json!({ "any": "3.md" })
    );
    let res = client.post("/f/2.txt").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.head("/f/1.json").send().await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().is_empty());
    // After a group passed a request to a member whose handler checks the same text, the
    // next route's handler still checks its own (on the same thread).
    for member in ["/f/1.json", "/f/2.txt", "/f/3.md"] {
        client.get(member).send().await;
        assert_eq!(
            client.get("/c/page-1").send().await.status(),
            404,
            "{member}"
        );
    }
}

#[tokio::test]
async fn a_nested_router_checks_the_text_of_its_own_path() {
    let app: axum::Router = axum::Router::new().nest("/v1", routes![layered, json_file, any_file]);
    let client = TestClient::new(app);
    assert_eq!(
        client.get("/v1/k/post-4").send().await.json::<Value>(),
        json!({ "id": 4 })
    );
    assert_eq!(client.get("/v1/k/page-4").send().await.status(), 404);
    assert_eq!(
        client.get("/v1/f/5.json").send().await.json::<Value>(),
        json!({ "json": 5 })
    );
    assert_eq!(
        client.get("/v1/f/5.jsonx").send().await.json::<Value>(),
        json!({ "any": "5.jsonx" })
    );
}

#[middleware]
async fn app_tag(req: Request, next: Next) -> Response {
    next.run(req).await.header("x-app", "yes")
}

#[route("/a/post-{$id}")]
mod behind_app {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
}

#[tokio::test]
async fn affixed_routes_behind_app_wide_middleware() {
    let client = TestClient::new(routes![middleware(app_tag); behind_app, json_file, any_file]);
    let res = client.get("/a/post-9").send().await;
    assert_eq!(res.json::<Value>(), json!({ "id": 9 }));
    assert_eq!(res.header("x-app"), Some("yes"));
    let res = client.get("/a/page-9").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("x-app"), Some("yes"));
    assert_eq!(
        client.get("/f/6.json").send().await.json::<Value>(),
        json!({ "json": 6 })
    );
    assert_eq!(
        client.get("/f/6").send().await.json::<Value>(),
        json!({ "any": "6" })
    );
}

#[route(GET, "/g/{$id}.json")]
async fn read_g(id: u64) -> Response {
    Response::json(&json!({ "read": id }))
}

#[route(POST, "/g/{$id}.json")]
async fn write_g(id: u64) -> Response {
    Response::json(&json!({ "wrote": id }))
}

#[tokio::test]
async fn the_automatic_answers_of_functions_sharing_an_affixed_path_check_its_text() {
    let client = TestClient::new(routes![read_g, write_g]);
    let res = client.options("/g/7.json").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
    let res = client.put("/g/7.json").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
    // The path lacks the text: the JSON 404 for every method, the automatic ones too.
    for res in [
        client.options("/g/7.txt").send().await,
        client.put("/g/7.txt").send().await,
        client.get("/g/7.txt").send().await,
    ] {
        assert_eq!(res.status(), 404);
        assert_eq!(res.json::<Value>()["error"], "Not found");
    }
}
