//! One trailing-slash policy for every route kind, decided before any middleware or handler
//! runs: by default a `308` to the slash-less path (Next.js), or a `404`.

#![allow(non_snake_case)]

use routekit::prelude::*;
use routekit::test::TestClient;

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::text("hello")
}

#[route("/docs/[...slug]")]
mod docs {
    use super::*;

    pub async fn GET(slug: Vec<String>) -> Response {
        Response::json(&slug)
    }
}

#[route("/shop/[[...slug]]")]
mod shop {
    use super::*;

    pub async fn GET(slug: Vec<String>) -> Response {
        Response::json(&slug)
    }
}

#[route("/posts/{-$category}")]
mod posts {
    use super::*;

    pub async fn GET(category: Option<String>) -> Response {
        Response::json(&category)
    }
}

#[middleware]
async fn guard(headers: HeaderMap) -> Result<(), ApiError> {
    match headers.get("authorization") {
        Some(_) => Ok(()),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[route("/secure/$id")]
#[middleware(guard)]
mod secure {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&id)
    }
}

#[route("/files/$")]
#[middleware(guard)]
mod files {
    use super::*;

    pub async fn GET(_splat: String) -> Response {
        Response::text(_splat)
    }
}

fn client() -> TestClient {
    TestClient::new(routes![hello, docs, shop, posts, secure, files].with_state(()))
}

async fn location(client: &TestClient, uri: &str) -> (u16, Option<String>) {
    let res = client.get(uri).send().await;
    (
        res.status().as_u16(),
        res.header("location").map(str::to_owned),
    )
}

#[tokio::test]
async fn every_route_kind_redirects_a_trailing_slash_with_308() {
    let client = client();
    for (uri, target) in [
        ("/api/hello/", "/api/hello"),
        ("/api/hello/?page=2&q=a%20b", "/api/hello?page=2&q=a%20b"),
        ("/docs/a/", "/docs/a"),
        ("/docs/a//b", "/docs/a/b"),
        ("/docs/", "/docs"),
        ("/shop/", "/shop"),
        ("/shop/a/b/", "/shop/a/b"),
        ("/posts/", "/posts"),
        ("/posts/tech/", "/posts/tech"),
        ("/secure/1/", "/secure/1"),
        ("/files/a/", "/files/a"),
        ("/nothing/here/", "/nothing/here"),
    ] {
        assert_eq!(
            location(&client, uri).await,
            (308, Some(target.to_owned())),
            "{uri}"
        );
    }
    // The slash-less spellings are served.
    assert_eq!(client.get("/api/hello").send().await.text(), "hello");
    assert_eq!(client.get("/docs/a/b").send().await.text(), r#"["a","b"]"#);
    assert_eq!(client.get("/shop").send().await.text(), "[]");
}

#[tokio::test]
async fn a_redirect_never_leaves_the_site() {
    let client = client();
    assert_eq!(
        location(&client, "//evil.example/").await,
        (308, Some("/evil.example".to_owned()))
    );
    assert_eq!(
        location(&client, "/docs//evil.example").await,
        (308, Some("/docs/evil.example".to_owned()))
    );
}

#[tokio::test]
async fn no_slash_spelling_reaches_a_handler_without_its_middleware() {
    let client = client();
    for uri in [
        "/secure/1/",
        "/secure//1",
        "/files/a/",
        "/files//a",
        "/files/a//b",
    ] {
        let res = client.get(uri).send().await;
        assert_ne!(
            res.status(),
            200,
            "{uri} reached the handler: {}",
            res.text()
        );
        assert!(
            res.status() == 308 || res.status() == 401 || res.status() == 404,
            "{uri}: {}",
            res.status()
        );
    }
    assert_eq!(client.get("/secure/1").send().await.status(), 401);
    assert_eq!(client.get("/files/a").send().await.status(), 401);
}

#[tokio::test]
async fn the_policy_can_be_a_404_where_the_app_is_assembled() {
    let client =
        TestClient::new(routes![trailing_slash = NotFound; hello, docs, secure].with_state(()));
    for uri in ["/api/hello/", "/docs/a/", "/docs/a//b", "/secure/1/"] {
        let res = client.get(uri).send().await;
        assert_eq!(res.status(), 404, "{uri}");
        assert_eq!(res.json::<serde_json::Value>()["error"], "Not found");
    }
    assert_eq!(client.get("/api/hello").send().await.status(), 200);
}

#[tokio::test]
async fn under_nest_the_redirect_keeps_the_prefix() {
    let app = routes![hello, docs, shop, posts, secure, files];
    let client = TestClient::new(axum::Router::new().nest("/v1", app));
    for (uri, target) in [
        ("/v1/api/hello/", "/v1/api/hello"),
        ("/v1/api/hello/?page=2", "/v1/api/hello?page=2"),
        ("/v1/docs/a//b", "/v1/docs/a/b"),
        ("/v1/nothing/here/", "/v1/nothing/here"),
    ] {
        assert_eq!(
            location(&client, uri).await,
            (308, Some(target.to_owned())),
            "{uri}"
        );
    }
    assert_eq!(client.get("/v1/api/hello").send().await.text(), "hello");
}
