//! `CsrfLayer` through routekit routes: route-level and handler-level middleware lists, the
//! whole app, and plain axum routers.

#![allow(non_snake_case)]

use routekit::csrf::CsrfLayer;
use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};

#[route("/api/posts")]
#[middleware(CsrfLayer::new().trust_origin("https://admin.example"))]
mod posts {
    use super::*;

    pub async fn GET() -> Response {
        Response::text("list")
    }

    pub async fn POST() -> Response {
        Response::text("created").status(201)
    }

    pub async fn PUT() -> Response {
        Response::text("put")
    }

    pub async fn PATCH() -> Response {
        Response::text("patched")
    }

    pub async fn DELETE() -> Response {
        Response::empty().status(204)
    }
}

#[route("/api/comments")]
mod comments {
    use super::*;

    pub async fn GET() -> Response {
        Response::text("comments")
    }

    #[middleware(CsrfLayer::new())]
    pub async fn POST() -> Response {
        Response::text("commented").status(201)
    }

    // No CsrfLayer on this handler.
    pub async fn DELETE() -> Response {
        Response::empty().status(204)
    }
}

#[route(POST, "/api/session")]
#[middleware(CsrfLayer::new().allow_same_site())]
async fn session() -> Response {
    Response::text("signed in")
}

fn client() -> TestClient {
    TestClient::new(routes![posts, comments, session])
}

fn assert_rejected(res: &TestResponse) {
    assert_eq!(res.status(), 403, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.text(), r#"{"error":"Cross-origin request rejected"}"#);
}

#[tokio::test]
async fn cross_site_unsafe_methods_are_rejected() {
    let client = client();
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let res = client
            .request(method.parse().unwrap(), "/api/posts")
            .header("host", "app.example")
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .send()
            .await;
        assert_rejected(&res);
    }
    // A same-site page (another subdomain) is cross-origin too.
    let res = client
        .post("/api/posts")
        .header("sec-fetch-site", "same-site")
        .send()
        .await;
    assert_rejected(&res);
}

#[tokio::test]
async fn same_origin_and_direct_navigation_are_allowed() {
    let client = client();
    let res = client
        .post("/api/posts")
        .header("host", "app.example")
        .header("origin", "https://app.example")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.text().as_str()),
        (201, "created")
    );
    let res = client
        .delete("/api/posts")
        .header("sec-fetch-site", "none")
        .send()
        .await;
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn safe_methods_are_always_allowed() {
    let client = client();
    for method in ["GET", "HEAD", "OPTIONS"] {
        let res = client
            .request(method.parse().unwrap(), "/api/posts")
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .send()
            .await;
        assert!(res.status().is_success(), "{method}: {}", res.status());
    }
}

#[tokio::test]
async fn requests_without_browser_headers_are_allowed() {
    // curl, a server, a mobile app: neither Sec-Fetch-Site nor Origin.
    let res = client().post("/api/posts").body("{}").send().await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn old_browsers_are_judged_by_origin_against_host() {
    let client = client();
    let res = client
        .put("/api/posts")
        .header("host", "app.example:8443")
        .header("origin", "https://app.example:8443")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    for origin in ["https://evil.example", "https://app.example", "null"] {
        let res = client
            .put("/api/posts")
            .header("host", "app.example:8443")
            .header("origin", origin)
            .send()
            .await;
        assert_rejected(&res);
    }
}

#[tokio::test]
async fn trusted_origins_are_allowed() {
    let client = client();
    let res = client
        .patch("/api/posts")
        .header("host", "app.example")
        .header("origin", "https://admin.example")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    let res = client
        .patch("/api/posts")
        .header("host", "app.example")
        .header("origin", "https://admin.example")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    // The same host on another scheme or port is another origin.
    let res = client
        .patch("/api/posts")
        .header("origin", "http://admin.example")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await;
    assert_rejected(&res);
}

/// `Sec-Fetch-Site` is set by the browser and cannot be set by a page's script, so it is
/// believed: a request claiming `same-origin` with a foreign `Origin` passes, as with Go's
/// `CrossOriginProtection`. Only a non-browser client can send that pair, and CSRF is about
/// what a page can make a browser send.
#[tokio::test]
async fn sec_fetch_site_wins_over_origin() {
    let res = client()
        .post("/api/posts")
        .header("host", "app.example")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn handler_level_layers_cover_their_handler_only() {
    let client = client();
    let cross = |req: routekit::test::TestRequest| {
        req.header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
    };
    assert_rejected(&cross(client.post("/api/comments")).send().await);
    assert_eq!(
        cross(client.delete("/api/comments")).send().await.status(),
        204
    );
}

#[tokio::test]
async fn allow_same_site_lets_subdomains_in() {
    let client = client();
    let res = client
        .post("/api/session")
        .header("origin", "https://app.example.com")
        .header("sec-fetch-site", "same-site")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    let res = client
        .post("/api/session")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await;
    assert_rejected(&res);
}

#[tokio::test]
async fn on_a_whole_app_and_on_plain_axum() {
    #[route(POST, "/api/open")]
    async fn open() -> Response {
        Response::text("ok")
    }

    let app = routes![open].layer(CsrfLayer::new());
    let res = TestClient::new(app)
        .post("/api/open")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await;
    assert_rejected(&res);

    let axum_app = axum::Router::new()
        .route("/a", axum::routing::post(|| async { "a" }))
        .route(
            "/b",
            axum::routing::post(|| async { "b" }).layer(CsrfLayer::new()),
        );
    let client = TestClient::new(axum_app);
    let cross = |path| {
        client
            .post(path)
            .header("sec-fetch-site", "cross-site")
            .send()
    };
    assert_eq!(cross("/a").await.status(), 200);
    assert_rejected(&cross("/b").await);
}
