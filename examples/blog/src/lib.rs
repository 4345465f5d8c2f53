//! The example app: every route handler of the two seed documents (TanStack Start server
//! routes, Next.js route handlers), ported to routekit over an in-memory store.

pub mod db;
pub mod nextjs;
pub mod posts;
pub mod users;

use routekit::prelude::*;

pub use db::Db;

/// `GET /api/hello`: TanStack's basic server route.
#[route(GET, "/api/hello")]
pub async fn hello() -> Response {
    Response::new("Hello, World!")
}

/// `GET /api/health`: the health check.
#[route(GET, "/api/health")]
pub async fn health(State(db): State<Db>) -> Response {
    match db.ping() {
        Ok(()) => Response::json(&serde_json::json!({
            "status": "healthy",
            "timestamp": db::now_rfc3339(),
        })),
        Err(error) => Response::json(&serde_json::json!({ "status": "unhealthy", "error": error }))
            .status(503),
    }
}

/// The whole app, state supplied.
pub fn app(db: Db) -> axum::Router {
    routes![
        hello,
        health,
        users::collection,
        posts::collection,
        posts::item,
        nextjs::webhook,
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
    .with_state(db)
}
