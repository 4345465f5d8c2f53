use routekit::prelude::*;

/// A type, but neither a `#[middleware]` function nor used as a layer expression.
pub struct NotMiddleware;

#[route("/api/posts")]
mod posts {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }

    // On one handler of a route module.
    #[middleware(NotMiddleware)]
    pub async fn POST() -> Response {
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![posts];
}
