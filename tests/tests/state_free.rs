//! Routes whose handler reads nothing from the state are registered as plain tower
//! services (`routes/state_free.rs`); those whose list starts with layers answer every
//! method through one layered service (`whole_route`). These tests hold them to the same
//! answers as routes that take the state, beside them in one app.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::State;
use http::Method;
use routekit::prelude::*;
use routekit::test::TestClient;

#[derive(Clone)]
struct Greeting(&'static str);

#[route(GET, "/plain")]
async fn plain() -> Response {
    Response::text("plain")
}

#[route(GET, "/greeted")]
async fn greeted(State(greeting): State<Greeting>) -> Response {
    Response::text(greeting.0)
}

#[route("/items/$id")]
mod item {
    use super::*;

    pub async fn GET(id: u32) -> Response {
        Response::json(&serde_json::json!({ "id": id }))
    }
}

fn marker() -> tower_http::set_header::SetResponseHeaderLayer<http::HeaderValue> {
    tower_http::set_header::SetResponseHeaderLayer::overriding(
        http::HeaderName::from_static("x-through"),
        http::HeaderValue::from_static("layer"),
    )
}

#[route(GET, "/marked")]
#[middleware(marker())]
async fn marked() -> Response {
    Response::text("marked")
}

#[route("/marked-mod")]
#[middleware(marker())]
mod marked_mod {
    use super::*;

    pub async fn POST() -> Response {
        Response::text("posted")
    }
}

fn app(greeting: &'static str) -> axum::Router {
    routes![plain, greeted, item, marked, marked_mod].with_state(Greeting(greeting))
}

#[tokio::test]
async fn routes_without_state_answer_beside_routes_with_it() {
    let client = TestClient::new(app("hello"));
    assert_eq!(client.get("/plain").send().await.text(), "plain");
    assert_eq!(client.get("/greeted").send().await.text(), "hello");
    let res = client.get("/items/7").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"id":7}"#);
    assert_eq!(client.get("/items/x").send().await.status(), 400);

    // The automatic answers of a state-free route are unchanged.
    let res = client.put("/plain").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.options("/plain").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.head("/plain").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "");
}

#[tokio::test]
async fn two_apps_with_different_states_keep_their_own() {
    let first = TestClient::new(app("first"));
    let second = TestClient::new(app("second"));
    assert_eq!(first.get("/greeted").send().await.text(), "first");
    assert_eq!(second.get("/greeted").send().await.text(), "second");
    assert_eq!(second.get("/plain").send().await.text(), "plain");
}

#[tokio::test]
async fn every_method_of_a_layered_state_free_route_passes_its_layers() {
    let client = TestClient::new(app("hello"));
    for (method, path, status) in [
        (Method::GET, "/marked", 200),
        (Method::HEAD, "/marked", 200),
        (Method::OPTIONS, "/marked", 204),
        (Method::DELETE, "/marked", 405),
        // Not a standard method: axum's fallback of the path, through the same layers.
        (Method::from_bytes(b"PURGE").unwrap(), "/marked", 405),
        (Method::POST, "/marked-mod", 200),
        (Method::OPTIONS, "/marked-mod", 204),
        (Method::GET, "/marked-mod", 405),
        (Method::from_bytes(b"PURGE").unwrap(), "/marked-mod", 405),
    ] {
        let res = client.request(method.clone(), path).send().await;
        assert_eq!(res.status(), status, "{method} {path}");
        assert_eq!(res.header("x-through"), Some("layer"), "{method} {path}");
    }
    let res = client
        .request(Method::from_bytes(b"PURGE").unwrap(), "/marked")
        .send()
        .await;
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
}

static BUILDS: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

/// A layer that counts its builds, and whose service counts its calls in one shared
/// counter: clones of one built service share it, as tower's stateful layers do.
#[derive(Clone)]
struct Counting;

#[derive(Clone)]
struct CountingService<S>(S);

fn counting() -> Counting {
    Counting
}

impl<S> tower::Layer<S> for Counting {
    type Service = CountingService<S>;
    fn layer(&self, inner: S) -> CountingService<S> {
        BUILDS.fetch_add(1, Ordering::SeqCst);
        CountingService(inner)
    }
}

impl<S, R> tower::Service<R> for CountingService<S>
where
    S: tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> S::Future {
        CALLS.fetch_add(1, Ordering::SeqCst);
        self.0.call(request)
    }
}

#[tokio::test]
async fn a_layered_state_free_function_is_built_once_for_all_its_methods_and_paths() {
    // Two URL paths (an optional segment), every method: one build.
    #[route(GET, "/counted/{-$page}")]
    #[middleware(counting())]
    async fn counted(page: Option<u32>) -> Response {
        Response::text(page.map_or("none".to_string(), |p| p.to_string()))
    }

    let app: axum::Router = routes![counted];
    assert_eq!(BUILDS.load(Ordering::SeqCst), 1);
    let client = TestClient::new(app);
    assert_eq!(client.get("/counted").send().await.text(), "none");
    assert_eq!(client.get("/counted/3").send().await.text(), "3");
    assert_eq!(client.options("/counted/3").send().await.status(), 204);
    assert_eq!(client.delete("/counted").send().await.status(), 405);
    assert_eq!(BUILDS.load(Ordering::SeqCst), 1, "rebuilt per request");
    assert_eq!(CALLS.load(Ordering::SeqCst), 4);
}

/// A layer whose service fails (`Error` is not `Infallible`) when the request asks it to.
#[derive(Clone)]
struct Failing;

#[derive(Clone)]
struct FailingService<S>(S);

impl<S> tower::Layer<S> for Failing {
    type Service = FailingService<S>;
    fn layer(&self, inner: S) -> FailingService<S> {
        FailingService(inner)
    }
}

impl<S> tower::Service<http::Request<axum::body::Body>> for FailingService<S>
where
    S: tower::Service<
            http::Request<axum::body::Body>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = axum::response::Response;
    type Error = tower::BoxError;
    type Future = futures_util::future::BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<axum::body::Body>) -> Self::Future {
        let fail = request.headers().contains_key("x-fail");
        let future = self.0.call(request);
        Box::pin(async move {
            if fail {
                return Err("secret internal detail".into());
            }
            Ok(future.await.unwrap_or_else(|never| match never {}))
        })
    }
}

fn failing() -> Failing {
    Failing
}

#[tokio::test]
async fn a_failing_leading_layer_on_a_state_free_route_answers_500() {
    #[route(GET, "/failing")]
    #[middleware(failing())]
    async fn failing_route() -> Response {
        Response::text("fine")
    }

    let client = TestClient::new(routes![failing_route]);
    assert_eq!(client.get("/failing").send().await.text(), "fine");
    let res = client.get("/failing").header("x-fail", "1").send().await;
    assert_eq!(res.status(), 500);
    assert!(!res.text().contains("secret"), "leaked: {}", res.text());
    let res = client
        .options("/failing")
        .header("x-fail", "1")
        .send()
        .await;
    assert_eq!(res.status(), 500);
}

static SHARED_BUILDS: AtomicUsize = AtomicUsize::new(0);

/// A layer that only counts its builds.
#[derive(Clone)]
struct CountBuilds;

impl<S> tower::Layer<S> for CountBuilds {
    type Service = S;
    fn layer(&self, inner: S) -> S {
        SHARED_BUILDS.fetch_add(1, Ordering::SeqCst);
        inner
    }
}

fn count_builds() -> CountBuilds {
    CountBuilds
}

#[tokio::test]
async fn a_layered_state_free_route_sharing_its_segment_is_built_once() {
    #[route(GET, "/files/{$id}.json")]
    #[middleware(count_builds())]
    async fn json_file(id: u32) -> Response {
        Response::text(format!("json {id}"))
    }

    #[route("/files/{$id}.txt")]
    #[middleware(count_builds())]
    mod text_file {
        use super::*;

        pub async fn GET(id: u32) -> Response {
            Response::text(format!("txt {id}"))
        }
    }

    let client = TestClient::new(routes![json_file, text_file].with_state(()));
    assert_eq!(SHARED_BUILDS.load(Ordering::SeqCst), 2, "one per route");
    assert_eq!(client.get("/files/1.json").send().await.text(), "json 1");
    assert_eq!(client.get("/files/2.txt").send().await.text(), "txt 2");
    assert_eq!(client.get("/files/2.csv").send().await.status(), 404);
    assert_eq!(
        SHARED_BUILDS.load(Ordering::SeqCst),
        2,
        "rebuilt per request"
    );
}
