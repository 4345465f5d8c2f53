//! Tower layers in `#[middleware(…)]` lists are built once, when `routes!` builds the
//! router, so a layer that keeps state in its service (a concurrency limit, a rate limiter)
//! keeps it across requests: route-level for every method of the route, handler-level for
//! its method, and on function-form routes. Function-form routes answer `OPTIONS` and `405`
//! through the middleware their functions share.

#![allow(non_snake_case)]

use std::future::IntoFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use routekit::prelude::*;
use routekit::test::TestClient;
use tower::limit::ConcurrencyLimitLayer;
use tower_http::cors::CorsLayer;

/// Requests inside a handler at once, and the most seen.
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    const fn new() -> Self {
        Self {
            now: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    async fn hold(&self) -> Response {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        Response::text("ok")
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

static ROUTE_LEVEL: Gauge = Gauge::new();
static HANDLER_LEVEL: Gauge = Gauge::new();
static FUNCTION_FORM: Gauge = Gauge::new();
static AFTER_PROVIDER: Gauge = Gauge::new();
static UNLIMITED: Gauge = Gauge::new();
static SHARED: Gauge = Gauge::new();
static ROUTE_BUILDS: AtomicUsize = AtomicUsize::new(0);
static HANDLER_BUILDS: AtomicUsize = AtomicUsize::new(0);
static FUNCTION_BUILDS: AtomicUsize = AtomicUsize::new(0);

#[route("/route-level")]
#[middleware(ConcurrencyLimitLayer::new(1))]
mod route_level {
    use super::*;

    pub async fn GET() -> Response {
        ROUTE_LEVEL.hold().await
    }

    pub async fn POST() -> Response {
        ROUTE_LEVEL.hold().await
    }
}

#[route("/handler-level")]
mod handler_level {
    use super::*;

    #[middleware(ConcurrencyLimitLayer::new(1))]
    pub async fn GET() -> Response {
        HANDLER_LEVEL.hold().await
    }

    pub async fn POST() -> Response {
        UNLIMITED.hold().await
    }
}

#[route(GET, "/function-form")]
#[middleware(ConcurrencyLimitLayer::new(1))]
async fn function_form() -> Response {
    FUNCTION_FORM.hold().await
}

#[derive(Clone)]
struct Caller(&'static str);

#[middleware]
async fn caller(headers: HeaderMap) -> Result<Caller, ApiError> {
    match headers.get("x-caller") {
        Some(_) => Ok(Caller("known")),
        None => Err(ApiError::unauthorized("who is calling?")),
    }
}

/// A layer after a provider: the provider runs per request, the layer's state is shared.
#[route("/after-provider")]
#[middleware(caller, ConcurrencyLimitLayer::new(1))]
mod after_provider {
    use super::*;

    pub async fn GET(who: Ctx<Caller>) -> Response {
        assert_eq!(who.0 .0, "known");
        AFTER_PROVIDER.hold().await
    }
}

fn app() -> axum::Router {
    routes![route_level, handler_level, function_form, after_provider].with_state(())
}

/// Sends `n` requests at once and returns their statuses.
async fn burst(client: &TestClient, method: &str, path: &str, n: usize) -> Vec<u16> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let request = client
            .request(method.parse().unwrap(), path)
            .header("x-caller", "test");
        tasks.push(tokio::spawn(request.send()));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().status().as_u16());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_concurrency_limit_holds_across_requests_at_every_level() {
    let client = TestClient::new(app());

    assert_eq!(burst(&client, "GET", "/route-level", 8).await, vec![200; 8]);
    assert_eq!(
        ROUTE_LEVEL.peak(),
        1,
        "route-level layer let requests in at once"
    );

    assert_eq!(
        burst(&client, "GET", "/handler-level", 8).await,
        vec![200; 8]
    );
    assert_eq!(
        HANDLER_LEVEL.peak(),
        1,
        "handler-level layer let requests in at once"
    );

    assert_eq!(
        burst(&client, "GET", "/function-form", 8).await,
        vec![200; 8]
    );
    assert_eq!(
        FUNCTION_FORM.peak(),
        1,
        "function-form layer let requests in at once"
    );

    assert_eq!(
        burst(&client, "GET", "/after-provider", 8).await,
        vec![200; 8]
    );
    assert_eq!(
        AFTER_PROVIDER.peak(),
        1,
        "a layer after a provider let requests in at once"
    );

    // The handler-level limit is GET's alone: POST of the same route is not limited.
    assert_eq!(
        burst(&client, "POST", "/handler-level", 8).await,
        vec![200; 8]
    );
    assert!(UNLIMITED.peak() > 1, "POST was limited by GET's layer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_route_level_limit_is_shared_by_every_method_of_the_route() {
    #[route("/shared")]
    #[middleware(ConcurrencyLimitLayer::new(1))]
    mod shared {
        use super::*;

        pub async fn GET() -> Response {
            SHARED.hold().await
        }

        pub async fn POST() -> Response {
            SHARED.hold().await
        }
    }

    let client = TestClient::new(routes![shared].with_state(()));
    let (gets, posts) = tokio::join!(
        burst(&client, "GET", "/shared", 4),
        burst(&client, "POST", "/shared", 4)
    );
    assert_eq!(gets, vec![200; 4]);
    assert_eq!(posts, vec![200; 4]);
    assert_eq!(SHARED.peak(), 1, "GET and POST each had their own limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_holds_through_axum_serve() {
    static SERVED: Gauge = Gauge::new();

    #[route(GET, "/served")]
    #[middleware(ConcurrencyLimitLayer::new(1))]
    async fn served() -> Response {
        SERVED.hold().await
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Finalised with `.with_state(())`, as axum itself requires for route layers: without
    // it `axum::serve` finalises the router once per connection.
    let server = tokio::spawn(axum::serve(listener, routes![served].with_state(())).into_future());
    let mut tasks = Vec::new();
    for _ in 0..8 {
        tasks.push(tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream
                .write_all(b"GET /served HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.unwrap();
            answer
        }));
    }
    for task in tasks {
        assert!(task.await.unwrap().starts_with("HTTP/1.1 200"));
    }
    assert_eq!(SERVED.peak(), 1);
    server.abort();
}

/// A layer that counts how often tower asks it to build its service.
#[derive(Clone)]
struct Counting(&'static AtomicUsize);

impl<S> tower::Layer<S> for Counting {
    type Service = S;
    fn layer(&self, inner: S) -> S {
        self.0.fetch_add(1, Ordering::SeqCst);
        inner
    }
}

#[tokio::test]
async fn a_layer_is_built_once_per_route_when_the_router_is_built() {
    #[route("/counted")]
    #[middleware(Counting(&ROUTE_BUILDS))]
    mod counted {
        use super::*;

        pub async fn GET() -> Response {
            Response::text("get")
        }

        #[middleware(Counting(&HANDLER_BUILDS))]
        pub async fn POST() -> Response {
            Response::text("post")
        }
    }

    #[route(GET, "/counted-fn")]
    #[middleware(Counting(&FUNCTION_BUILDS))]
    async fn counted_fn() -> Response {
        Response::text("fn")
    }

    let app = routes![counted, counted_fn].with_state(());
    assert_eq!(ROUTE_BUILDS.load(Ordering::SeqCst), 1);
    assert_eq!(HANDLER_BUILDS.load(Ordering::SeqCst), 1);
    assert_eq!(FUNCTION_BUILDS.load(Ordering::SeqCst), 1);

    let client = TestClient::new(app);
    for _ in 0..5 {
        assert_eq!(client.get("/counted").send().await.text(), "get");
        assert_eq!(client.post("/counted").send().await.text(), "post");
        assert_eq!(client.options("/counted").send().await.status(), 204);
        assert_eq!(client.delete("/counted").send().await.status(), 405);
        assert_eq!(client.get("/counted-fn").send().await.text(), "fn");
        assert_eq!(client.delete("/counted-fn").send().await.status(), 405);
    }
    assert_eq!(
        ROUTE_BUILDS.load(Ordering::SeqCst),
        1,
        "rebuilt per request"
    );
    assert_eq!(
        HANDLER_BUILDS.load(Ordering::SeqCst),
        1,
        "rebuilt per request"
    );
    assert_eq!(
        FUNCTION_BUILDS.load(Ordering::SeqCst),
        1,
        "rebuilt per request"
    );
}

fn preflight(client: &TestClient, path: &str) -> routekit::test::TestRequest {
    client
        .options(path)
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
}

#[tokio::test]
async fn a_cors_preflight_is_answered_through_the_layer_on_both_route_forms() {
    #[route(GET, "/cors-fn")]
    #[middleware(CorsLayer::permissive())]
    async fn cors_fn() -> Response {
        Response::text("fn")
    }

    #[route("/cors-mod")]
    #[middleware(CorsLayer::permissive())]
    mod cors_mod {
        use super::*;

        pub async fn GET() -> Response {
            Response::text("mod")
        }
    }

    let client = TestClient::new(routes![cors_fn, cors_mod].with_state(()));
    for path in ["/cors-fn", "/cors-mod"] {
        let res = preflight(&client, path).send().await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
        assert!(
            res.header("access-control-allow-methods").is_some(),
            "{path}"
        );

        // A method the path lacks still passes through the layer.
        let res = client
            .delete(path)
            .header("origin", "https://app.example")
            .send()
            .await;
        assert_eq!(res.status(), 405, "{path}");
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
    }
}

fn marker() -> tower_http::set_header::SetResponseHeaderLayer<http::HeaderValue> {
    tower_http::set_header::SetResponseHeaderLayer::overriding(
        http::HeaderName::from_static("x-through"),
        http::HeaderValue::from_static("layer"),
    )
}

#[tokio::test]
async fn the_automatic_answers_of_a_function_path_pass_through_its_shared_layers() {
    #[route(GET, "/pair")]
    #[middleware(marker())]
    async fn pair_get() -> Response {
        Response::text("get")
    }

    #[route(POST, "/pair")]
    #[middleware(marker())]
    async fn pair_post() -> Response {
        Response::text("post")
    }

    let client = TestClient::new(routes![pair_get, pair_post].with_state(()));
    let res = client.options("/pair").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
    assert_eq!(res.header("x-through"), Some("layer"));
    let res = client.put("/pair").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
    assert_eq!(res.header("x-through"), Some("layer"));
    let res = client.head("/pair").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-through"), Some("layer"));
    assert_eq!(res.text(), "");
}

#[test]
#[should_panic(expected = "carry different middleware")]
fn functions_of_one_path_with_different_middleware_are_refused_at_start_up() {
    #[route(GET, "/mixed")]
    #[middleware(CorsLayer::permissive())]
    async fn mixed_get() -> Response {
        Response::text("get")
    }

    #[route(POST, "/mixed")]
    async fn mixed_post() -> Response {
        Response::text("post")
    }

    let _app: axum::Router = routes![mixed_get, mixed_post];
}

#[tokio::test]
async fn one_function_route_in_two_apps_answers_each_apps_allow() {
    #[route(GET, "/shared-fn")]
    async fn shared_get() -> Response {
        Response::text("get")
    }

    #[route(POST, "/shared-fn")]
    async fn shared_post() -> Response {
        Response::text("post")
    }

    let both = TestClient::new(routes![shared_get, shared_post].with_state(()));
    let alone = TestClient::new(routes![shared_get].with_state(()));
    for _ in 0..2 {
        let res = both.options("/shared-fn").send().await;
        assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
        let res = alone.options("/shared-fn").send().await;
        assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
        let res = alone.post("/shared-fn").send().await;
        assert_eq!(res.status(), 405);
        assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    }
}

#[tokio::test]
async fn the_path_allow_reaches_the_automatic_answers_through_a_layer_inside_the_chain() {
    // A layer after a `#[middleware]` function runs inside the chain (`Resume`): the path's
    // `Allow` value travels with the rest of the chain, so both apps answer their own.
    #[route(GET, "/chained-pair")]
    #[middleware(caller, marker())]
    async fn chained_get() -> Response {
        Response::text("get")
    }

    #[route(DELETE, "/chained-pair")]
    #[middleware(caller, marker())]
    async fn chained_delete() -> Response {
        Response::text("delete")
    }

    let both = TestClient::new(routes![chained_get, chained_delete].with_state(()));
    let alone = TestClient::new(routes![chained_get].with_state(()));
    for (client, allow) in [
        (&both, "DELETE, GET, HEAD, OPTIONS"),
        (&alone, "GET, HEAD, OPTIONS"),
    ] {
        let res = client
            .options("/chained-pair")
            .header("x-caller", "t")
            .send()
            .await;
        assert_eq!(res.status(), 204);
        assert_eq!(res.header("allow"), Some(allow));
        assert_eq!(res.header("x-through"), Some("layer"));
        let res = client
            .put("/chained-pair")
            .header("x-caller", "t")
            .send()
            .await;
        assert_eq!(res.status(), 405);
        assert_eq!(res.header("allow"), Some(allow));
        // The chain still runs first: no caller, no answer about the path.
        let res = client.options("/chained-pair").send().await;
        assert_eq!(res.status(), 401);
    }
    let res = both
        .delete("/chained-pair")
        .header("x-caller", "t")
        .send()
        .await;
    assert_eq!(res.text(), "delete");
}

#[tokio::test]
async fn two_tower_layers_lead_a_list() {
    // Each form: a state-free function, a module taking the state, a group, the app-wide list.
    #[route(GET, "/two-layers")]
    #[middleware(
        CorsLayer::permissive(),
        tower_http::timeout::TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(5)
        )
    )]
    async fn two_layers() -> Response {
        Response::text("ok")
    }
    #[route("/two-layers/stateful")]
    #[middleware(CorsLayer::permissive(), ConcurrencyLimitLayer::new(8))]
    mod two_layers_stateful {
        use super::*;
        pub async fn GET(State(greeting): State<&'static str>) -> Response {
            Response::text(greeting)
        }
    }
    #[group("/grouped")]
    #[middleware(CorsLayer::permissive(), ConcurrencyLimitLayer::new(8))]
    mod grouped {
        use super::*;
        #[route(GET, "/two-layers")]
        pub async fn in_group() -> Response {
            Response::text("ok")
        }
    }
    let app = routes![
        middleware(ConcurrencyLimitLayer::new(64), CorsLayer::permissive());
        two_layers, two_layers_stateful, grouped
    ];
    let client = TestClient::new(app.with_state("hello"));
    for path in ["/two-layers", "/two-layers/stateful", "/grouped/two-layers"] {
        let res = client
            .get(path)
            .header("origin", "https://a.example")
            .send()
            .await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.header("access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
    }
}
