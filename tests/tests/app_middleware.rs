//! App-wide middleware, `routes![middleware(…); …]`, as TanStack Start's global request
//! middleware: it runs for every request the app answers (matched routes, the automatic
//! `HEAD`, `OPTIONS` and `405`, trailing-slash answers and `404`s), before group, route
//! and handler middleware; its providers feed `Ctx<T>` in any route; its layers are built
//! once for the whole app.

#![allow(non_snake_case)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use routekit::prelude::*;
use routekit::test::TestClient;
use routekit_tests::Trace;
use tower::limit::ConcurrencyLimitLayer;

#[middleware]
async fn trace() -> Trace {
    Trace::default()
}

/// Marks every response, so a test sees the list ran.
#[middleware]
async fn global(trace: Ctx<Trace>, req: Request, next: Next) -> Response {
    trace.push("global");
    next.run(req).await.header("x-app", "seen")
}

#[derive(Clone)]
struct GroupMark;

#[middleware]
async fn group_level(trace: Ctx<Trace>) -> GroupMark {
    trace.push("group");
    GroupMark
}

#[middleware]
async fn route_level(trace: Ctx<Trace>, req: Request, next: Next) -> Response {
    trace.push("route");
    next.run(req).await
}

#[middleware]
async fn handler_level(trace: Ctx<Trace>, req: Request, next: Next) -> Response {
    trace.push("handler middleware");
    next.run(req).await
}

#[group("/api")]
#[middleware(group_level)]
mod api {
    use super::*;

    #[route("/ordered")]
    #[middleware(route_level)]
    pub mod ordered {
        use super::*;

        #[middleware(handler_level)]
        pub async fn GET(trace: Ctx<Trace>, _mark: Ctx<GroupMark>) -> String {
            trace.push("handler");
            trace.joined()
        }
    }
}

#[route(GET, "/hello")]
async fn hello(trace: Ctx<Trace>) -> String {
    trace.push("handler");
    trace.joined()
}

#[route("/api/items/$")]
mod files {
    pub async fn GET(_splat: Vec<String>) -> &'static str {
        "file"
    }
}

fn app() -> axum::Router {
    routes![middleware(trace, global); api, hello, files]
}

#[tokio::test]
async fn runs_before_group_route_and_handler_middleware_in_that_order() {
    let client = TestClient::new(app());
    let res = client.get("/api/ordered").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.text(),
        "global → group → route → handler middleware → handler"
    );
    assert_eq!(client.get("/hello").send().await.text(), "global → handler");
}

#[tokio::test]
async fn runs_for_every_answer_routekit_gives_by_itself() {
    let client = TestClient::new(app());
    let cases = [
        (client.get("/nowhere"), 404),
        (client.put("/hello"), 405),
        (client.options("/hello"), 204),
        (client.delete("/api/ordered"), 405),
        (client.options("/api/ordered"), 204),
        (client.head("/hello"), 200),
        (client.get("/hello/"), 308),
        (client.get("/api/items/a/"), 308),
    ];
    for (request, status) in cases {
        let res = request.send().await;
        assert_eq!(res.status().as_u16(), status);
        assert_eq!(res.header("x-app"), Some("seen"), "status {status}");
    }
}

#[tokio::test]
async fn takes_the_trailing_slash_option_too_in_either_order() {
    let app: axum::Router = routes![trailing_slash = NotFound; middleware(trace, global); hello];
    let res = TestClient::new(app).get("/hello/").send().await;
    assert_eq!(
        (res.status().as_u16(), res.header("x-app")),
        (404, Some("seen"))
    );

    let app: axum::Router = routes![middleware(trace, global); trailing_slash = NotFound; hello];
    let res = TestClient::new(app).get("/hello/").send().await;
    assert_eq!(
        (res.status().as_u16(), res.header("x-app")),
        (404, Some("seen"))
    );
}

#[derive(Clone)]
struct Session {
    user: String,
}

#[derive(Clone)]
struct Db {
    name: &'static str,
}

/// A provider given app-wide, reading the app's state.
#[middleware]
async fn session(headers: HeaderMap, State(db): State<Db>) -> Result<Session, ApiError> {
    let user = headers.get("x-user").and_then(|v| v.to_str().ok());
    let user = user.ok_or_else(|| ApiError::unauthorized("Sign in first"))?;
    Ok(Session {
        user: format!("{user}@{}", db.name),
    })
}

#[route(GET, "/me")]
async fn me(session: Ctx<Session>) -> String {
    session.user.clone()
}

#[route("/settings")]
mod settings {
    use super::*;

    pub async fn GET(session: Ctx<Session>, State(db): State<Db>) -> String {
        format!("settings of {} in {}", session.user, db.name)
    }

    pub async fn POST(session: Ctx<Session>) -> Response {
        Response::text(format!("saved for {}", session.user)).status(201)
    }
}

#[tokio::test]
async fn a_provider_feeds_ctx_in_any_route_with_the_apps_state() {
    let app: axum::Router =
        routes![middleware(session); me, settings].with_state(Db { name: "db" });
    let client = TestClient::new(app);
    let res = client.get("/me").header("x-user", "ada").send().await;
    assert_eq!(
        (res.status().as_u16(), res.text()),
        (200, "ada@db".to_owned())
    );
    let res = client.get("/settings").header("x-user", "ada").send().await;
    assert_eq!(res.text(), "settings of ada@db in db");
    let res = client
        .post("/settings")
        .header("x-user", "ada")
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.text()),
        (201, "saved for ada@db".to_owned())
    );
}

#[tokio::test]
async fn a_provider_answering_401_short_circuits_every_route_and_the_404() {
    static REACHED: AtomicUsize = AtomicUsize::new(0);

    #[route(GET, "/open")]
    async fn open() -> &'static str {
        REACHED.fetch_add(1, Ordering::SeqCst);
        "open"
    }

    let app: axum::Router =
        routes![middleware(session); me, settings, open].with_state(Db { name: "db" });
    let client = TestClient::new(app);
    for path in ["/me", "/settings", "/open", "/nowhere"] {
        let res = client.get(path).send().await;
        assert_eq!(res.status(), 401, "{path}");
        assert_eq!(res.text(), r#"{"error":"Sign in first"}"#);
    }
    let res = client.options("/settings").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(REACHED.load(Ordering::SeqCst), 0);

    // The route table is read past the app-wide list.
    let app: axum::Router =
        routes![middleware(session); me, settings, open].with_state(Db { name: "db" });
    let table = routekit::route_table(&app);
    assert!(table.iter().any(|row| row.template == "/open"), "{table:?}");
}

/// A root catch-all matches the route table's look-up itself; behind a provider answering
/// `401` to everything it still gives the table, and still answers clients with `401`.
#[tokio::test]
async fn the_route_table_is_read_past_the_list_through_a_root_catch_all() {
    #[route(GET, "/$")]
    async fn everything(_splat: Vec<String>) -> &'static str {
        "page"
    }

    let app: axum::Router =
        routes![middleware(session); me, everything].with_state(Db { name: "db" });
    let table = routekit::route_table(&app);
    assert!(table.iter().any(|row| row.template == "/$"), "{table:?}");
    assert!(table.iter().any(|row| row.template == "/me"), "{table:?}");
    let client = TestClient::new(app);
    for path in ["/", "/any/page", "/me"] {
        assert_eq!(client.get(path).send().await.status(), 401, "{path}");
    }
}

/// A path whose handler is all there is runs right after the chain, without a second
/// method dispatch; its answers are the ones its method router gives. The function keeps
/// the first app's `Allow` value; the app that puts it beside `POST` passes its own with
/// the request, through the method router.
#[tokio::test]
async fn a_handler_called_after_the_chain_answers_as_its_method_router() {
    #[route(GET, "/shared")]
    async fn shared_get() -> &'static str {
        "get"
    }

    #[route(POST, "/shared")]
    async fn shared_post() -> &'static str {
        "post"
    }

    let alone = TestClient::new(routes![middleware(trace, global); shared_get]);
    let both = TestClient::new(routes![middleware(trace, global); shared_get, shared_post]);
    for (client, allow) in [
        (&alone, "GET, HEAD, OPTIONS"),
        (&both, "GET, HEAD, OPTIONS, POST"),
    ] {
        let res = client.get("/shared").send().await;
        assert_eq!((res.status().as_u16(), res.text()), (200, "get".into()));
        let res = client.head("/shared").send().await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.header("content-length"), Some("3"));
        assert!(res.bytes().is_empty());
        let res = client.put("/shared").send().await;
        assert_eq!(res.status(), 405);
        assert_eq!(res.header("allow"), Some(allow));
        let res = client.options("/shared").send().await;
        assert_eq!(res.status(), 204);
        assert_eq!(res.header("allow"), Some(allow));
        assert_eq!(res.header("x-app"), Some("seen"));
    }
    let res = both.post("/shared").send().await;
    assert_eq!(res.text(), "post");
}

/// Tags the answer with the route template the request matched (`-` for none).
#[middleware]
async fn matched(path: Option<axum::extract::MatchedPath>, req: Request, next: Next) -> Response {
    let path = path.map_or_else(|| "-".to_owned(), |p| p.as_str().to_owned());
    next.run(req).await.header("x-matched", path)
}

/// The path is matched before the list runs, so its middleware can read `MatchedPath`; an
/// unknown path has none.
#[tokio::test]
async fn app_wide_middleware_sees_the_matched_path() {
    let client = TestClient::new(routes![middleware(trace, matched); api, hello, files]);
    for (path, matched, status) in [
        ("/hello", "/hello", 200),
        ("/api/items/a/b", "/api/items/{*_splat}", 200),
        ("/nowhere", "-", 404),
    ] {
        let res = client.get(path).send().await;
        assert_eq!(res.status().as_u16(), status, "{path}");
        assert_eq!(res.header("x-matched"), Some(matched), "{path}");
    }
}

/// A layer counting how many times it is built, passing requests through.
#[derive(Clone)]
struct CountBuilds(&'static AtomicUsize);

impl<S> tower::Layer<S> for CountBuilds {
    type Service = Passthrough<S>;

    fn layer(&self, inner: S) -> Passthrough<S> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Passthrough(inner)
    }
}

#[derive(Clone)]
struct Passthrough<S>(S);

impl<S, R> tower::Service<R> for Passthrough<S>
where
    S: tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> S::Future {
        self.0.call(req)
    }
}

#[tokio::test]
async fn a_layer_is_built_once_for_the_whole_app() {
    static BUILDS: AtomicUsize = AtomicUsize::new(0);
    let app: axum::Router =
        routes![middleware(CountBuilds(&BUILDS), trace, global); api, hello, files];
    let client = TestClient::new(app);
    for path in [
        "/hello",
        "/api/ordered",
        "/api/items/x",
        "/nowhere",
        "/hello",
    ] {
        let res = client.get(path).send().await;
        assert_eq!(res.header("x-app"), Some("seen"), "{path}");
    }
    assert_eq!(client.put("/hello").send().await.status(), 405);
    assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
}

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

async fn hold() -> &'static str {
    let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
    PEAK.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(20)).await;
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    "ok"
}

#[route(GET, "/one")]
async fn one() -> &'static str {
    hold().await
}

#[route("/two")]
mod two {
    use super::*;

    pub async fn GET() -> &'static str {
        hold().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_concurrency_limit_given_app_wide_is_one_limit_for_every_route() {
    // A local variable in a layer expression: the list's layers are built where
    // `routes!` is written.
    let permits = 1;
    let app: axum::Router =
        routes![middleware(ConcurrencyLimitLayer::new(permits), trace, global); one, two];
    let client = TestClient::new(app);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let path = if i % 2 == 0 { "/one" } else { "/two" };
        tasks.push(tokio::spawn(client.get(path).send()));
    }
    for task in tasks {
        let res = task.await.unwrap();
        assert_eq!(
            (res.status().as_u16(), res.header("x-app")),
            (200, Some("seen"))
        );
    }
    assert_eq!(PEAK.load(Ordering::SeqCst), 1, "two routes ran at once");
}

#[tokio::test]
async fn the_route_table_shows_the_app_wide_list_first() {
    let app = app();
    let table = routekit::route_table(&app);
    let row = |method: &str, template: &str| {
        table
            .iter()
            .find(|row| row.method == method && row.template == template)
            .unwrap_or_else(|| panic!("no {method} {template} in {table:#?}"))
            .middleware
            .clone()
    };
    assert_eq!(
        row("GET", "/api/ordered"),
        [
            "trace",
            "global",
            "group_level",
            "route_level",
            "handler_level"
        ]
    );
    assert_eq!(
        row("OPTIONS", "/api/ordered"),
        ["trace", "global", "group_level", "route_level"]
    );
    assert_eq!(row("GET", "/hello"), ["trace", "global"]);
    assert_eq!(row("OPTIONS", "/hello"), ["trace", "global"]);
}

#[tokio::test]
async fn a_panic_in_app_wide_middleware_is_a_500() {
    #[middleware]
    async fn explode(req: Request, next: Next) -> Response {
        if req.header("x-explode").is_some() {
            panic!("boom");
        }
        next.run(req).await
    }

    let app: axum::Router = routes![middleware(explode); one];
    let client = TestClient::new(app);
    let res = client.get("/nowhere").header("x-explode", "1").send().await;
    assert_eq!(res.status(), 500);
    assert_eq!(res.text(), r#"{"error":"Internal server error"}"#);
    assert_eq!(client.get("/nowhere").send().await.status(), 404);
}

/// What the README says of a hand-written axum router merged into the app: its routes are
/// answered, without the app-wide list (axum calls them directly), and the route table,
/// built from the routes `routes!` was given, does not list them.
#[tokio::test]
async fn a_merged_axum_router_keeps_its_own_layers_only() {
    let app = routes![middleware(trace, global); hello]
        .merge(axum::Router::new().route("/plain", axum::routing::get(|| async { "plain" })));
    let paths: Vec<&str> = routekit::route_table(&app).iter().map(|e| e.path).collect();
    let client = TestClient::new(app);
    let routed = client.get("/hello").send().await;
    assert_eq!(routed.header("x-app"), Some("seen"));
    let merged = client.get("/plain").send().await;
    assert_eq!(merged.status(), 200);
    assert_eq!(merged.text(), "plain");
    assert_eq!(
        merged.header("x-app"),
        None,
        "the app-wide list skips merged routes"
    );
    assert!(
        paths.contains(&"/hello") && !paths.contains(&"/plain"),
        "{paths:?}"
    );
}

/// What the middleware guide says of an app-wide `CorsLayer`: it answers every `OPTIONS`,
/// a preflight or not, so routekit's automatic `204` with `Allow` is not reached.
#[tokio::test]
async fn an_app_wide_cors_layer_answers_every_options_itself() {
    let app = routes![middleware(trace, tower_http::cors::CorsLayer::permissive()); hello];
    let client = TestClient::new(app);
    let plain = client.options("/hello").send().await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.header("allow"), None);
    let without: axum::Router = routes![middleware(trace); hello];
    let res = TestClient::new(without).options("/hello").send().await;
    assert_eq!(
        (res.status().as_u16(), res.header("allow")),
        (204, Some("GET, HEAD, OPTIONS"))
    );
}
