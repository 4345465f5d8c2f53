//! The benchmark API in hand-written axum: what a careful person writes for the same
//! behaviour without routekit (`Router::route`, `Path`, `from_fn`, `Extension`), down to
//! the JSON `405` with `Allow`, the `204` `OPTIONS` answer and the JSON `404` routekit gives.

use std::time::Instant;

use axum::extract::{Extension, Path, Request};
use axum::http::header::{HeaderValue, ALLOW};
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use garde::Validate;

use crate::model::{
    error_body, filler_path, user_from_authorization, validation_error_body, CreateUser,
    CreatedUser, Post, SecurePost, ALLOW_GET, HELLO, TITLE,
};
use crate::scenario::{LIMIT, LIMITED};
use crate::{Scenario, TowerScenario};

async fn hello() -> &'static str {
    HELLO
}

async fn limited() -> &'static str {
    LIMITED
}

async fn get_post(Path(id): Path<u64>) -> Json<Post> {
    Json(Post { id, title: TITLE })
}

fn bad_param(name: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(error_body(format!("invalid path parameter `{name}`"))),
    )
        .into_response()
}

/// Scenario 8 by hand: the whole segment, its prefix stripped and the rest parsed.
async fn get_affixed_post(Path(segment): Path<String>) -> Response {
    let Some(id) = segment.strip_prefix("post-").filter(|id| !id.is_empty()) else {
        return not_found().await;
    };
    match id.parse() {
        Ok(id) => Json(Post { id, title: TITLE }).into_response(),
        Err(_) => bad_param("id"),
    }
}

/// Scenario 9 by hand: one handler for the segment, telling the suffixes apart.
async fn get_file(Path(file): Path<String>) -> Response {
    let stem = |suffix: &str| file.strip_suffix(suffix).filter(|stem| !stem.is_empty());
    if let Some(id) = stem(".json") {
        return match id.parse() {
            Ok(id) => Json(Post { id, title: TITLE }).into_response(),
            Err(_) => bad_param("id"),
        };
    }
    if let Some(id) = stem(".txt") {
        return match id.parse::<u64>() {
            Ok(id) => format!("{id}: {TITLE}").into_response(),
            Err(_) => bad_param("id"),
        };
    }
    file.into_response()
}

async fn create_user(Json(input): Json<CreateUser>) -> Response {
    if let Err(report) = input.validate() {
        return (
            StatusCode::BAD_REQUEST,
            Json(validation_error_body(&report)),
        )
            .into_response();
    }
    (StatusCode::CREATED, Json(CreatedUser::from_input(input))).into_response()
}

async fn auth(mut req: Request, next: Next) -> Response {
    let value = req.headers().get("authorization").map(|v| v.as_bytes());
    match user_from_authorization(value) {
        Some(user) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        None => (StatusCode::UNAUTHORIZED, Json(error_body("Unauthorized"))).into_response(),
    }
}

async fn logger(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let res = next.run(req).await;
    tracing::debug!(elapsed = ?start.elapsed(), "request");
    res
}

async fn get_secure_post(
    Path(id): Path<u64>,
    Extension(user): Extension<crate::model::User>,
) -> Json<SecurePost> {
    Json(SecurePost {
        id,
        title: TITLE,
        author: user.id,
    })
}

async fn options_get_only() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [(ALLOW, HeaderValue::from_static(ALLOW_GET))],
    )
}

async fn not_allowed_get_only(method: Method) -> Response {
    not_allowed(&method, ALLOW_GET)
}

async fn options_post_only() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [(ALLOW, HeaderValue::from_static("OPTIONS, POST"))],
    )
}

async fn not_allowed_post_only(method: Method) -> Response {
    not_allowed(&method, "OPTIONS, POST")
}

fn not_allowed(method: &Method, allow: &'static str) -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(ALLOW, HeaderValue::from_static(allow))],
        Json(error_body(format!("method {method} not allowed"))),
    )
        .into_response()
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(error_body("Not found"))).into_response()
}

/// A `GET` route with the same `OPTIONS` and `405` answers as routekit's.
fn get_only<H, T>(handler: H) -> MethodRouter
where
    H: axum::handler::Handler<T, ()>,
    T: 'static,
{
    get(handler)
        .options(options_get_only)
        .fallback(not_allowed_get_only)
}

fn router() -> Router {
    Router::new().fallback(not_found)
}

fn posts_router() -> Router {
    router().route("/api/posts/{id}", get_only(get_post))
}

async fn filler_text() -> &'static str {
    "filler"
}

async fn filler_json(Path(id): Path<u64>) -> Json<Post> {
    Json(Post {
        id,
        title: "filler",
    })
}

/// The app of a scenario.
pub fn app(scenario: Scenario) -> Router {
    match scenario {
        Scenario::Hello | Scenario::MethodNotAllowed | Scenario::Preflight => {
            router().route("/api/hello", get_only(hello))
        }
        Scenario::Post => posts_router(),
        Scenario::CreateUser => router().route(
            "/api/users",
            post(create_user)
                .options(options_post_only)
                .fallback(not_allowed_post_only),
        ),
        Scenario::Middleware => router().route(
            "/api/posts/{id}",
            get_only(get_secure_post).layer(
                tower::ServiceBuilder::new()
                    .layer(from_fn(auth))
                    .layer(from_fn(logger)),
            ),
        ),
        Scenario::ManyRoutes => app_with_routes(crate::scenario::MANY_ROUTES),
    }
}

/// The app of a tower-only scenario, finalised with `with_state(())`: axum applies a layer
/// given to a handler's `MethodRouter` when the router gets its state, so before that every
/// request would build the layer anew (a new semaphore each time, no limit kept).
/// `axum::serve` finalises the same way. (`route_layer` layers each method's endpoint on its
/// own, `GET`/`HEAD` and the `OPTIONS` answer; the measured `GET` passes one
/// `ConcurrencyLimit` in both apps.)
pub fn tower_app(scenario: TowerScenario) -> Router {
    match scenario {
        TowerScenario::Limited => router()
            .route(
                "/api/limited",
                get_only(limited).route_layer(tower::limit::ConcurrencyLimitLayer::new(LIMIT)),
            )
            .with_state(()),
        // `Router::layer`: every route and the 404 fallback pass both, as routekit's
        // app-wide list.
        TowerScenario::AppWide => router()
            .route("/api/posts/{id}", get_only(get_secure_post))
            .layer(
                tower::ServiceBuilder::new()
                    .layer(from_fn(auth))
                    .layer(from_fn(logger)),
            )
            .with_state(()),
        TowerScenario::Affixed => router()
            .route("/api/posts/{segment}", get_only(get_affixed_post))
            .with_state(()),
        TowerScenario::AffixedGroup => router()
            .route("/files/{file}", get_only(get_file))
            .with_state(()),
    }
}

/// Scenario 2's route in an app of `n` routes, the others added in a loop.
pub fn app_with_routes(n: usize) -> Router {
    let mut app = posts_router();
    for i in 0..n.saturating_sub(1) {
        let path = filler_path(i, true);
        app = if i % 3 == 0 {
            app.route(&path, get_only(filler_text))
        } else {
            app.route(&path, get_only(filler_json))
        };
    }
    app
}
