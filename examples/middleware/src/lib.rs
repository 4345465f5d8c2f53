//! Middleware and the request context, after TanStack Start's route middleware.
//!
//! `cargo run -p middleware-example`, then
//! `curl -i localhost:3000/api/notes -H 'authorization: Bearer ada-token'`.
//!
//! - `auth` is a **provider**: it returns the `User` it adds to the context, or an error
//!   that answers at once. `admin` is a provider too, reading what `auth` provided.
//! - `timing` is an **around** middleware: code before and after the rest of the chain.
//! - `CorsLayer::permissive()` is a **tower layer**, listed like any middleware.
//! - Handlers read context values as `Ctx<T>`; asking for one that no middleware before
//!   the handler provides is a compile error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use routekit::prelude::*;
use serde_json::json;
use tower_http::cors::CorsLayer;

/// Who is calling: what `auth` adds to the context.
#[derive(Clone, Debug)]
pub struct User {
    pub name: String,
    pub admin: bool,
}

/// Proof that the caller is an admin: what `admin` adds to the context.
#[derive(Clone, Debug)]
pub struct Admin;

/// The app's state: how many requests `timing` has seen.
#[derive(Clone, Default)]
pub struct AppState {
    pub hits: Arc<AtomicU64>,
}

fn user_for(headers: &HeaderMap) -> Option<User> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    match token {
        "ada-token" => Some(User {
            name: "Ada".into(),
            admin: true,
        }),
        "grace-token" => Some(User {
            name: "Grace".into(),
            admin: false,
        }),
        _ => None,
    }
}

/// Provider: a bearer token → the `User` it belongs to; `401` without a known one.
#[middleware]
pub async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    user_for(&headers).ok_or_else(|| ApiError::unauthorized("Unauthorized"))
}

/// Provider for public routes: the caller if a token came, `None` otherwise. Handlers
/// take it as `Ctx<Option<User>>`.
#[middleware]
pub fn optional_auth(headers: HeaderMap) -> Option<User> {
    user_for(&headers)
}

/// Provider that reads an earlier provider's value: admins only, `403` for others.
#[middleware]
pub fn admin(user: Ctx<User>) -> Result<Admin, ApiError> {
    if user.admin {
        Ok(Admin)
    } else {
        Err(ApiError::forbidden("Admins only"))
    }
}

/// Around: counts the request, runs the rest of the chain, and times it.
#[middleware]
pub async fn timing(State(state): State<AppState>, req: Request, next: Next) -> Response {
    state.hits.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let res = next.run(req).await;
    res.header(
        "x-response-time",
        format!("{}us", started.elapsed().as_micros()),
    )
}

/// Route-level middleware runs, in order, for every method of the path (and for the
/// automatic `HEAD`, `OPTIONS` and `405`); handler-level middleware runs after it.
#[route("/api/notes")]
#[middleware(CorsLayer::permissive(), timing, auth)]
pub mod notes {
    use super::*;

    pub async fn GET(user: Ctx<User>) -> Response {
        Response::json(&json!({ "owner": user.name, "notes": ["buy milk"] }))
    }

    #[middleware(admin)]
    pub async fn DELETE(user: Ctx<User>, _admin: Ctx<Admin>) -> Response {
        Response::json(&json!({ "cleared_by": user.name }))
    }
}

#[route(GET, "/api/greeting")]
#[middleware(timing, optional_auth)]
pub async fn greeting(user: Ctx<Option<User>>) -> String {
    match &*user {
        Some(user) => format!("Hello, {}!", user.name),
        None => "Hello, stranger!".to_owned(),
    }
}

#[route(GET, "/api/stats")]
pub async fn stats(State(state): State<AppState>) -> Response {
    Response::json(&json!({ "requests": state.hits.load(Ordering::Relaxed) }))
}

/// The whole app, with its state.
pub fn app(state: AppState) -> axum::Router {
    routes![notes, greeting, stats].with_state(state)
}
