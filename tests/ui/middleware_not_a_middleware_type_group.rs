use routekit::prelude::*;

/// A type, but neither a `#[middleware]` function nor used as a layer expression.
pub struct NotMiddleware;

// In a group's list, which each of its routes runs: still one error.
#[group("/admin")]
#[middleware(NotMiddleware)]
mod admin {
    use super::*;

    #[route("/stats")]
    pub mod stats {
        use super::*;

        pub async fn GET() -> Response {
            Response::empty()
        }
    }

    #[route(GET, "/users")]
    pub async fn users() -> Response {
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![admin];
}
