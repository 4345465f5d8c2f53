use routekit::prelude::*;

/// A type, but neither a `#[middleware]` function nor used as a layer expression.
pub struct NotMiddleware;

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::empty()
}

#[route("/api/posts")]
mod posts {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }
}

fn main() {
    // In the app-wide list.
    let _app: axum::Router = routes![middleware(NotMiddleware); hello, posts];
}
