//! Allocation counts per request: a routekit route against the hand-written axum route a
//! careful person would write for the same thing, in one process with a counting allocator.
//! Allocation counts are deterministic, unlike timings, so this is a test and not a bench.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::{Extension, Path};
use axum::middleware::{from_fn, Next as AxumNext};
use axum::response::IntoResponse;
use axum::routing::get;
use routekit::prelude::*;
use tower::ServiceExt;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Clone)]
struct User {
    id: u64,
}

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.contains_key("authorization") {
        true => Ok(User { id: 7 }),
        false => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[middleware]
async fn logger(req: Request, next: Next) -> Response {
    next.run(req).await
}

#[route(GET, "/api/hello")]
async fn hello() -> &'static str {
    "Hello, World!"
}

#[route(GET, "/api/posts/$id")]
async fn post(id: u64) -> axum::Json<u64> {
    axum::Json(id)
}

#[route("/api/secure/$id")]
#[middleware(auth)]
mod secure {
    use super::*;
    pub async fn GET(id: u64, user: Ctx<User>) -> axum::Json<(u64, u64)> {
        axum::Json((id, user.id))
    }
}

#[route("/api/logged/$id")]
#[middleware(auth, logger)]
mod logged {
    use super::*;
    pub async fn GET(id: u64, user: Ctx<User>) -> axum::Json<(u64, u64)> {
        axum::Json((id, user.id))
    }
}

async fn axum_auth(mut req: axum::extract::Request, next: AxumNext) -> axum::response::Response {
    if !req.headers().contains_key("authorization") {
        return ApiError::unauthorized("Unauthorized").into_response();
    }
    req.extensions_mut().insert(User { id: 7 });
    next.run(req).await
}

async fn axum_logger(req: axum::extract::Request, next: AxumNext) -> axum::response::Response {
    next.run(req).await
}

fn hand_written() -> axum::Router {
    async fn secure_get(
        Path(id): Path<u64>,
        Extension(user): Extension<User>,
    ) -> axum::Json<(u64, u64)> {
        axum::Json((id, user.id))
    }
    axum::Router::new()
        .route("/api/hello", get(|| async { "Hello, World!" }))
        .route(
            "/api/posts/{id}",
            get(|Path(id): Path<u64>| async move { axum::Json(id) }),
        )
        .route(
            "/api/secure/{id}",
            get(secure_get).layer(from_fn(axum_auth)),
        )
        .route(
            "/api/logged/{id}",
            get(secure_get).layer(
                tower::ServiceBuilder::new()
                    .layer(from_fn(axum_auth))
                    .layer(from_fn(axum_logger)),
            ),
        )
}

/// Allocations of one request (the minimum over a few runs, after a warm-up).
async fn allocations(app: &axum::Router, uri: &str) -> usize {
    let mut best = usize::MAX;
    for _ in 0..5 {
        let request = http::Request::builder()
            .uri(uri)
            .header("authorization", "Bearer x")
            .body(Body::empty())
            .unwrap();
        let app = app.clone();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let response = app.oneshot(request).await.unwrap();
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert!(
            response.status().is_success(),
            "{uri}: {}",
            response.status()
        );
        drop(response);
        best = best.min(after - before);
    }
    best
}

#[tokio::test(flavor = "current_thread")]
async fn routekit_allocates_no_more_than_hand_written_axum() {
    let routekit_app: axum::Router = routes![hello, post, secure, logged].with_state(());
    let axum_app = hand_written().with_state(());
    let mut report = String::new();
    for uri in [
        "/api/hello",
        "/api/posts/42",
        "/api/secure/42",
        "/api/logged/42",
    ] {
        let ours = allocations(&routekit_app, uri).await;
        let theirs = allocations(&axum_app, uri).await;
        report.push_str(&format!("{uri}: routekit {ours}, axum {theirs}\n"));
        assert!(
            ours <= theirs,
            "{uri}: routekit allocates {ours} per request, hand-written axum {theirs}\n{report}"
        );
    }
    println!("{report}");
}
