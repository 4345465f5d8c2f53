//! The smallest routekit app. `cargo run -p hello`, then `curl localhost:3000/api/hello`.
use routekit::prelude::*;

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::text("Hello, World!")
}

/// The whole app, for `main` and the tests.
pub fn app() -> axum::Router {
    routes![hello]
}
