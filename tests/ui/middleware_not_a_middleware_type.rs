use routekit::prelude::*;

/// A type, but neither a `#[middleware]` function nor used as a layer expression.
pub struct NotMiddleware;

#[route("/api/posts")]
#[middleware(NotMiddleware)]
mod posts {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![posts];
}
