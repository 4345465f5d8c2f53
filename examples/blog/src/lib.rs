//! The example app: every route handler of the two seed documents (TanStack Start server
//! routes, Next.js route handlers), ported to routekit over SQLite or PostgreSQL.

pub mod client;
pub mod config;
pub mod db;
pub mod nextjs;
pub mod posts;
pub mod users;
pub mod webhooks;

use std::sync::Arc;

use axum::extract::FromRef;
use routekit::prelude::*;
use routekit::Draining;

pub use db::Db;

/// What every handler can reach through `State<…>`: the database, the webhook secret and
/// the live feed of new posts.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub stripe: StripeSecret,
    pub feed: posts::Feed,
}

/// The signing secret of the Stripe webhook endpoint (`whsec_…`).
#[derive(Clone)]
pub struct StripeSecret(pub Arc<str>);

impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Db {
        state.db.clone()
    }
}

impl FromRef<AppState> for posts::Feed {
    fn from_ref(state: &AppState) -> posts::Feed {
        state.feed.clone()
    }
}

impl FromRef<AppState> for StripeSecret {
    fn from_ref(state: &AppState) -> StripeSecret {
        state.stripe.clone()
    }
}

impl AppState {
    pub fn new(db: Db, stripe_secret: &str) -> Self {
        AppState {
            db,
            stripe: StripeSecret(stripe_secret.into()),
            feed: posts::Feed::new(),
        }
    }
}

/// `GET /api/hello`: TanStack's basic server route.
#[route(GET, "/api/hello")]
pub async fn hello() -> Response {
    Response::new("Hello, World!")
}

/// `GET /api/health`: `SELECT 1`, `503` when the database does not answer. Unlike the
/// seed, which sends `error.message`, the cause goes to the log only: a database error can
/// name hosts, users and schema.
///
/// While `routekit::serve` drains (it got SIGTERM and is finishing in-flight requests) the
/// check answers `503 {"status": "draining"}` without asking the database, so a load
/// balancer that polls it takes the instance out before it is gone.
#[route(GET, "/api/health")]
pub async fn health(State(db): State<Db>, Draining(draining): Draining) -> Response {
    if draining {
        return Response::json(&serde_json::json!({ "status": "draining" })).status(503);
    }
    match db.ping().await {
        Ok(()) => Response::json(&serde_json::json!({
            "status": "healthy",
            "timestamp": db::now_rfc3339(),
        })),
        Err(error) => {
            tracing::error!(target: "blog::health", %error, "health check failed");
            Response::json(&serde_json::json!({
                "status": "unhealthy",
                "error": "database unavailable",
            }))
            .status(503)
        }
    }
}

/// The whole app, state supplied.
pub fn app(state: AppState) -> axum::Router {
    let app = routes![
        hello,
        health,
        users::collection,
        posts::collection,
        posts::live,
        posts::item,
        webhooks::stripe,
        nextjs::team,
        nextjs::docs,
        nextjs::cookies,
        nextjs::headers,
        nextjs::search,
        nextjs::echo,
        nextjs::form,
        nextjs::redirect,
        nextjs::cors,
        nextjs::stream,
        nextjs::feed,
    ]
    .with_state(state);
    let app = routekit::openapi::mount(app, routekit::openapi::Info::new("routekit blog", "0.1.0"));
    routekit::openapi::docs(app, "/reference") // `/docs` is the Next.js docs route
}
