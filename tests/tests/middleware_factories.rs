//! Middleware with arguments (TanStack Start's middleware factories): a `#[middleware]`
//! whose `#[arg]` parameters are given in the list, `#[middleware(require_role("admin"))]`,
//! evaluated once when the router is built, at route level, handler level and on a
//! function-form route, with the `Ctx` it provides and takes checked like any middleware's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use routekit::prelude::*;
use routekit::test::TestClient;

#[derive(Clone, Debug, PartialEq)]
struct User {
    name: String,
    role: &'static str,
}

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some("Bearer ada") => Ok(User {
            name: "ada".into(),
            role: "admin",
        }),
        Some("Bearer grace") => Ok(User {
            name: "grace".into(),
            role: "editor",
        }),
        _ => Err(ApiError::unauthorized("Unauthorized")),
    }
}

/// Lets the request through when the signed-in user has `role`.
#[middleware]
async fn require_role(#[arg] role: &'static str, user: Ctx<User>) -> Result<(), ApiError> {
    if user.role == role {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!("requires the {role} role")))
    }
}

/// The tenant a route serves, from its list.
#[derive(Clone, Debug, PartialEq)]
struct Tenant(&'static str);

#[middleware]
fn tenant(#[arg] name: &'static str) -> Tenant {
    Tenant(name)
}

/// Around: adds a response header.
#[middleware]
async fn add_header(
    #[arg] name: &'static str,
    #[arg] value: &'static str,
    req: Request,
    next: Next,
) -> Response {
    next.run(req).await.header(name, value)
}

/// Records the order things ran in, shared through its argument.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

#[middleware]
async fn trace(#[arg] log: Log, #[arg] tag: &'static str, req: Request, next: Next) -> Response {
    log.0.lock().unwrap().push(format!("{tag}:before"));
    let res = next.run(req).await;
    log.0.lock().unwrap().push(format!("{tag}:after"));
    res
}

#[route("/admin/users")]
#[middleware(auth, require_role("admin"))]
mod admin_users {
    use super::*;

    pub async fn GET(user: Ctx<User>) -> Response {
        Response::json(&serde_json::json!({ "by": user.name }))
    }

    pub async fn DELETE() -> Response {
        Response::empty()
    }
}

#[route("/posts")]
#[middleware(auth)]
mod posts {
    use super::*;

    pub async fn GET() -> Response {
        Response::text("anyone signed in")
    }

    #[middleware(require_role("editor"))]
    pub async fn POST(user: Ctx<User>) -> Response {
        Response::text(format!("posted by {}", user.name)).status(201)
    }
}

#[route(GET, "/reports")]
#[middleware(auth, require_role("admin"), add_header("x-report", "1"))]
async fn reports(user: Ctx<User>) -> String {
    format!("report for {}", user.name)
}

// The value of a provider with arguments is read as `Option<Ctx<T>>`: the compile-time
// `Ctx` checks see `#[middleware]` functions by name, and a configured one only by its value.
#[route(GET, "/tenant")]
#[middleware(tenant("acme"))]
async fn tenant_name(tenant: Option<Ctx<Tenant>>) -> Result<String, ApiError> {
    let tenant = tenant.ok_or(ApiError::internal("no tenant"))?;
    Ok(tenant.0 .0.to_owned())
}

#[route("/headers")]
#[middleware(add_header("x-a", "1"), add_header("x-b", "2"))]
mod headers {
    use super::*;

    pub async fn GET() -> Response {
        Response::text("ok")
    }
}

fn client() -> TestClient {
    TestClient::new(routes![admin_users, posts, reports, tenant_name, headers])
}

#[tokio::test]
async fn a_role_check_passes_the_right_role_and_refuses_the_others() {
    let client = client();
    let res = client
        .get("/admin/users")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"by":"ada"}"#);

    let res = client
        .get("/admin/users")
        .header("authorization", "Bearer grace")
        .send()
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.text(), r#"{"error":"requires the admin role"}"#);

    // No user: the provider before it answers 401 and the role check never runs.
    let res = client.get("/admin/users").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.text(), r#"{"error":"Unauthorized"}"#);

    // Route level: every method, the automatic ones included.
    let res = client
        .delete("/admin/users")
        .header("authorization", "Bearer grace")
        .send()
        .await;
    assert_eq!(res.status(), 403);
    let res = client
        .options("/admin/users")
        .header("authorization", "Bearer grace")
        .send()
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn a_factory_on_a_handler_runs_for_that_method_only() {
    let client = client();
    let res = client
        .get("/posts")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.text(), "anyone signed in");

    let res = client
        .post("/posts")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.text(), r#"{"error":"requires the editor role"}"#);

    let res = client
        .post("/posts")
        .header("authorization", "Bearer grace")
        .send()
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.text(), "posted by grace");
}

#[tokio::test]
async fn factories_on_a_function_form_route() {
    let client = client();
    let res = client
        .get("/reports")
        .header("authorization", "Bearer ada")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "report for ada");
    assert_eq!(res.header("x-report"), Some("1"));

    let res = client
        .get("/reports")
        .header("authorization", "Bearer grace")
        .send()
        .await;
    assert_eq!(res.status(), 403);
    // `add_header` is inside the refused role check: it never ran.
    assert_eq!(res.header("x-report"), None);
}

#[tokio::test]
async fn a_provider_factory_adds_a_value_the_handler_reads() {
    let client = client();
    let res = client.get("/tenant").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "acme");
}

#[tokio::test]
async fn an_around_factory_wraps_the_response_once_per_use() {
    let client = client();
    let res = client.get("/headers").send().await;
    assert_eq!(res.text(), "ok");
    assert_eq!(res.header("x-a"), Some("1"));
    assert_eq!(res.header("x-b"), Some("2"));
    // The automatic answers pass through a route-level list too.
    let res = client.delete("/headers").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("x-a"), Some("1"));
}

static ROUTE_ARGS: AtomicUsize = AtomicUsize::new(0);
static HANDLER_ARGS: AtomicUsize = AtomicUsize::new(0);
static FUNCTION_ARGS: AtomicUsize = AtomicUsize::new(0);

/// An argument that counts its evaluations.
fn counted(counter: &'static AtomicUsize, value: &'static str) -> &'static str {
    counter.fetch_add(1, Ordering::SeqCst);
    value
}

#[tokio::test]
async fn arguments_are_evaluated_once_when_the_router_is_built() {
    #[route("/counted")]
    #[middleware(add_header("x-route", counted(&ROUTE_ARGS, "r")))]
    mod counted_route {
        use super::*;

        pub async fn GET() -> Response {
            Response::text("get")
        }

        #[middleware(add_header("x-handler", counted(&HANDLER_ARGS, "h")))]
        pub async fn POST() -> Response {
            Response::text("post")
        }
    }

    #[route(GET, "/counted-fn")]
    #[middleware(add_header("x-fn", counted(&FUNCTION_ARGS, "f")))]
    async fn counted_fn() -> Response {
        Response::text("fn")
    }

    let client = TestClient::new(routes![counted_route, counted_fn]);
    let builds = || [&ROUTE_ARGS, &HANDLER_ARGS, &FUNCTION_ARGS].map(|c| c.load(Ordering::SeqCst));
    assert_eq!(builds(), [1, 1, 1]);
    for _ in 0..3 {
        let res = client.post("/counted").send().await;
        assert_eq!(
            (res.header("x-route"), res.header("x-handler")),
            (Some("r"), Some("h"))
        );
        let res = client.get("/counted").send().await;
        assert_eq!(
            (res.header("x-route"), res.header("x-handler")),
            (Some("r"), None)
        );
        assert_eq!(client.options("/counted").send().await.status(), 204);
        let res = client.get("/counted-fn").send().await;
        assert_eq!((res.text().as_str(), res.header("x-fn")), ("fn", Some("f")));
        let res = client.delete("/counted-fn").send().await;
        assert_eq!(
            (res.status().as_u16(), res.header("x-fn")),
            (405, Some("f"))
        );
    }
    assert_eq!(builds(), [1, 1, 1], "an argument was evaluated per request");
}

static LOG: std::sync::LazyLock<Log> = std::sync::LazyLock::new(Log::default);

#[middleware]
async fn plain_trace(req: Request, next: Next) -> Response {
    LOG.0.lock().unwrap().push("plain:before".into());
    let res = next.run(req).await;
    LOG.0.lock().unwrap().push("plain:after".into());
    res
}

#[tokio::test]
async fn factories_run_in_list_order_among_ordinary_middleware() {
    #[route("/ordered")]
    #[middleware(trace(LOG.clone(), "first"), plain_trace, trace(LOG.clone(), "third"))]
    mod ordered {
        use super::*;

        #[middleware(trace(LOG.clone(), "handler"), plain_trace)]
        pub async fn GET() -> Response {
            LOG.0.lock().unwrap().push("GET".into());
            Response::text("ok")
        }
    }

    let client = TestClient::new(routes![ordered]);
    LOG.take();
    assert_eq!(client.get("/ordered").send().await.text(), "ok");
    assert_eq!(
        LOG.take(),
        [
            "first:before",
            "plain:before",
            "third:before",
            "handler:before",
            "plain:before",
            "GET",
            "plain:after",
            "handler:after",
            "third:after",
            "plain:after",
            "first:after",
        ]
    );
}

#[tokio::test]
async fn the_route_table_shows_the_arguments() {
    let app = routes![admin_users, reports];
    let rows = routekit::route_table(&app);
    let get = rows
        .iter()
        .find(|r| r.template == "/admin/users" && r.method == "GET")
        .expect("GET /admin/users");
    assert_eq!(get.middleware, ["auth", r#"require_role("admin")"#]);
    let reports = rows
        .iter()
        .find(|r| r.template == "/reports" && r.method == "GET")
        .expect("GET /reports");
    assert_eq!(
        reports.middleware,
        [
            "auth",
            r#"require_role("admin")"#,
            r#"add_header("x-report", "1")"#
        ]
    );
}

#[tokio::test]
async fn a_factory_value_can_be_called_directly_as_a_layer() {
    // The configured value is an ordinary `tower::Layer`: usable on any axum router.
    let app: axum::Router = axum::Router::new()
        .route("/plain", axum::routing::get(|| async { "plain" }))
        .layer(add_header("x-direct", "yes"));
    let res = TestClient::new(app).get("/plain").send().await;
    assert_eq!(res.text(), "plain");
    assert_eq!(res.header("x-direct"), Some("yes"));
}
