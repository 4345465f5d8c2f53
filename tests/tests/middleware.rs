//! Middleware and the typed request context, end to end: TanStack Start's route-level and
//! per-handler middleware, run order, short-circuit, `Ctx<T>`, tower layers, and the
//! bypass matrix (no method, path spelling or header skips a middleware).

use std::sync::{Arc, Mutex};

use routekit::prelude::*;
use routekit::test::TestClient;
use tower_http::set_header::SetResponseHeaderLayer;

/// Records the order things ran in, and whether a handler was reached.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, entry: impl Into<String>) {
        self.0.lock().unwrap().push(entry.into());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[derive(Clone, Debug, PartialEq)]
struct User {
    id: u64,
    name: String,
}

#[derive(Clone, Debug, PartialEq)]
struct Session {
    user_id: u64,
}

#[middleware]
async fn auth(headers: HeaderMap, State(log): State<Log>) -> Result<User, ApiError> {
    log.push("auth");
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some("Bearer ada") => Ok(User {
            id: 1,
            name: "ada".into(),
        }),
        Some("Bearer grace") => Ok(User {
            id: 2,
            name: "grace".into(),
        }),
        _ => Err(ApiError::unauthorized("Unauthorized")),
    }
}

/// A provider that reads an earlier provider's value.
#[middleware]
async fn session(user: Ctx<User>, State(log): State<Log>) -> Result<Session, ApiError> {
    log.push("session");
    Ok(Session { user_id: user.id })
}

#[middleware]
async fn logger(State(log): State<Log>, req: Request, next: Next) -> Response {
    log.push("logger:before");
    let res = next.run(req).await;
    log.push(format!("logger:after {}", res.status_code().as_u16()));
    res.header("x-logged", "yes")
}

#[middleware]
async fn audit(State(log): State<Log>, req: Request, next: Next) -> Response {
    log.push("audit:before");
    let res = next.run(req).await;
    log.push("audit:after");
    res
}

#[middleware]
async fn validation(headers: HeaderMap, State(log): State<Log>) -> Result<Validated, ApiError> {
    log.push("validation");
    match headers.get("content-type") {
        Some(v) if v == "application/json" => Ok(Validated),
        _ => Err(ApiError::bad_request("expected JSON")),
    }
}

#[derive(Clone, Copy, Debug)]
struct Validated;

/// Maybe-user: never rejects, provides `Option<User>`-like absence through `Option<Ctx<T>>`.
#[middleware]
async fn soft_auth(headers: HeaderMap) -> Result<Viewer, ApiError> {
    Ok(Viewer(headers.get("authorization").is_some()))
}

#[derive(Clone, Copy, Debug)]
struct Viewer(bool);

// The seeds' posts resource: route-level [auth, logger], PATCH with its own validation.
#[route("/api/posts/$id")]
#[middleware(auth, logger)]
mod post {
    use super::*;

    pub async fn GET(id: u64, State(log): State<Log>) -> Response {
        log.push("GET");
        Response::json(&serde_json::json!({ "id": id }))
    }

    #[middleware(validation, audit)]
    pub async fn PATCH(
        id: u64,
        user: Ctx<User>,
        State(log): State<Log>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        log.push("PATCH");
        if id != user.id {
            return Err(ApiError::not_found("Not found or forbidden"));
        }
        let body: serde_json::Value = req.json().await?;
        Ok(Response::json(
            &serde_json::json!({ "id": id, "by": user.name, "title": body["title"] }),
        ))
    }

    pub async fn DELETE(id: u64, user: Ctx<User>, State(log): State<Log>) -> Response {
        log.push("DELETE");
        if id != user.id {
            return Response::error(404, "Not found or forbidden");
        }
        Response::empty()
    }
}

// Attributes in the other order, a provider reading a provider, a tower layer in the list.
#[middleware(
    auth,
    session,
    SetResponseHeaderLayer::overriding(
        axum::http::header::HeaderName::from_static("x-layer"),
        axum::http::HeaderValue::from_static("on"),
    )
)]
#[route("/api/me")]
mod me {
    use super::*;

    pub async fn GET(user: Ctx<User>, session: Ctx<Session>, State(log): State<Log>) -> Response {
        log.push("me");
        Response::json(&serde_json::json!({ "name": user.name, "session": session.user_id }))
    }
}

#[middleware(soft_auth)]
#[route(GET, "/api/maybe")]
async fn maybe(viewer: Option<Ctx<Viewer>>, user: Option<Ctx<User>>) -> Response {
    Response::json(&serde_json::json!({
        "viewer": viewer.map(|v| v.0 .0),
        "user": user.map(|u| u.0.name),
    }))
}

fn app(log: &Log) -> TestClient {
    TestClient::new(routes![post, me, maybe].with_state(log.clone()))
}

#[tokio::test]
async fn route_then_handler_middleware_in_order_and_back_out_in_reverse() {
    let log = Log::default();
    let client = app(&log);
    let res = client
        .patch("/api/posts/1")
        .header("authorization", "Bearer ada")
        .json(&serde_json::json!({ "title": "new" }))
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "id": 1, "by": "ada", "title": "new" })
    );
    assert_eq!(res.header("x-logged"), Some("yes"));
    assert_eq!(
        log.take(),
        [
            "auth",
            "logger:before",
            "validation",
            "audit:before",
            "PATCH",
            "audit:after",
            "logger:after 200"
        ]
    );
}

#[tokio::test]
async fn handler_level_middleware_of_one_method_never_runs_for_another() {
    let log = Log::default();
    let client = app(&log);
    let res = client
        .get("/api/posts/1")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        log.take(),
        ["auth", "logger:before", "GET", "logger:after 200"]
    );
}

#[tokio::test]
async fn a_provider_error_short_circuits_the_chain() {
    let log = Log::default();
    let client = app(&log);
    let res = client
        .patch("/api/posts/1")
        .json(&serde_json::json!({}))
        .send()
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "error": "Unauthorized" })
    );
    assert_eq!(
        res.header("x-logged"),
        None,
        "logger must not run after auth refused"
    );
    assert_eq!(log.take(), ["auth"]);

    let res = client
        .patch("/api/posts/1")
        .header("authorization", "Bearer ada")
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        log.take(),
        ["auth", "logger:before", "validation", "logger:after 400"]
    );
}

#[tokio::test]
async fn context_user_decides_ownership() {
    let log = Log::default();
    let client = app(&log);
    let res = client
        .delete("/api/posts/1")
        .header("authorization", "Bearer grace")
        .send()
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "error": "Not found or forbidden" })
    );
    let res = client
        .delete("/api/posts/1")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.text(), "");
    let res = client
        .patch("/api/posts/1")
        .header("authorization", "Bearer grace")
        .json(&serde_json::json!({ "title": "stolen" }))
        .send()
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn providers_read_earlier_providers_and_layers_run_in_the_list() {
    let log = Log::default();
    let client = app(&log);
    let res = client
        .get("/api/me")
        .header("authorization", "Bearer grace")
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "name": "grace", "session": 2 })
    );
    assert_eq!(res.header("x-layer"), Some("on"));
    assert_eq!(log.take(), ["auth", "session", "me"]);

    // The layer sits after auth, so a refused request never reaches it.
    let res = client.get("/api/me").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.header("x-layer"), None);
}

#[tokio::test]
async fn optional_context_is_none_when_absent() {
    let log = Log::default();
    let client = app(&log);
    let res = client.get("/api/maybe").send().await;
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "viewer": false, "user": null })
    );
    let res = client
        .get("/api/maybe")
        .header("authorization", "x")
        .send()
        .await;
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "viewer": true, "user": null })
    );
}

#[tokio::test]
async fn route_level_middleware_wraps_automatic_answers() {
    let log = Log::default();
    let client = app(&log);
    for method in ["HEAD", "OPTIONS", "PUT", "POST"] {
        let res = client
            .request(method.parse().unwrap(), "/api/posts/1")
            .header("authorization", "Bearer ada")
            .send()
            .await;
        let expected = match method {
            "HEAD" => 200,
            "OPTIONS" => 204,
            _ => 405,
        };
        assert_eq!(res.status(), expected, "{method}");
        assert_eq!(
            res.header("x-logged"),
            Some("yes"),
            "{method} went through logger"
        );
        let entries = log.take();
        assert_eq!(
            entries[..2],
            ["auth", "logger:before"],
            "{method}: {entries:?}"
        );
    }
}

/// Every method × every path spelling × spoofed control headers, without credentials: the
/// answer is `401` wherever the path reaches the route and `404` where it reaches nothing,
/// and no handler ever runs.
#[tokio::test]
async fn no_method_path_spelling_or_header_skips_auth() {
    let log = Log::default();
    let client = app(&log);
    let methods = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
    ];
    // (path, reaches the route)
    let paths = [
        ("/api/posts/1", true),
        ("/api/posts/%31", true),
        ("/api/posts/1?x=1", true),
        ("/api/posts/1/", false),
        ("//api/posts/1", false),
        ("/api//posts/1", false),
        ("/API/posts/1", false),
        ("/api/Posts/1", false),
        ("/api/%70osts/1", false),
        ("/api/posts/1%2F", true),
        ("/api/posts/..%2F1", true),
        ("/api/./posts/1", false),
        ("/api/me", true),
        ("/api/me/", false),
    ];
    let spoofed: [(&str, &str); 6] = [
        (
            "x-middleware-subrequest",
            "middleware:middleware:middleware:middleware:middleware",
        ),
        ("x-middleware-subrequest", "src/middleware"),
        ("x-forwarded-for", "127.0.0.1"),
        ("x-original-url", "/api/hello"),
        ("x-rewrite-url", "/api/hello"),
        ("x-http-method-override", "GET"),
    ];
    for method in methods {
        for (path, reaches) in paths {
            for headers in [&spoofed[..0], &spoofed[..]] {
                let mut request = client.request(method.parse().unwrap(), path);
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                let res = request.send().await;
                // A path with a trailing slash or an empty segment is redirected to its
                // one spelling (308) before any middleware runs; other misses are 404s.
                let expected = match (reaches, path.ends_with('/') || path.contains("//")) {
                    (true, _) => 401,
                    (false, true) => 308,
                    (false, false) => 404,
                };
                assert_eq!(
                    res.status(),
                    expected,
                    "{method} {path} with {} spoofed headers",
                    headers.len()
                );
                let ran = log.take();
                assert!(
                    ran.iter().all(|e| e == "auth"),
                    "{method} {path}: something past auth ran: {ran:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn route_table_lists_each_methods_effective_chain() {
    let log = Log::default();
    let app = routes![post, me, maybe].with_state(log);
    let rows: Vec<_> = routekit::route_table(&app)
        .into_iter()
        .filter(|r| r.template == "/api/posts/$id" || r.template == "/api/me")
        .map(|r| (r.method, r.template, r.middleware.join(" ")))
        .collect();
    let chain = |m: &str, t: &str| {
        rows.iter()
            .find(|r| r.0 == m && r.1 == t)
            .map(|r| r.2.clone())
    };
    assert_eq!(
        chain("GET", "/api/posts/$id").as_deref(),
        Some("auth logger")
    );
    assert_eq!(
        chain("PATCH", "/api/posts/$id").as_deref(),
        Some("auth logger validation audit")
    );
    assert_eq!(
        chain("DELETE", "/api/posts/$id").as_deref(),
        Some("auth logger")
    );
    assert_eq!(
        chain("HEAD", "/api/posts/$id").as_deref(),
        Some("auth logger")
    );
    assert_eq!(
        chain("OPTIONS", "/api/posts/$id").as_deref(),
        Some("auth logger")
    );
    let me = chain("GET", "/api/me").unwrap();
    assert!(
        me.starts_with("auth session SetResponseHeaderLayer::overriding(…)"),
        "{me}"
    );
}

/// `Ctx<T>` used as a plain axum extractor where nothing provided `T` (the one way past the
/// compile-time check) answers a clear `500`, never a panic.
#[tokio::test]
async fn a_missing_context_value_at_run_time_is_a_500() {
    async fn plain(user: Ctx<User>) -> String {
        user.name.clone()
    }
    let app = axum::Router::new().route("/plain", axum::routing::get(plain));
    let res = TestClient::new(app).get("/plain").send().await;
    assert_eq!(res.status(), 500);
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "error": "Internal server error" })
    );
}
