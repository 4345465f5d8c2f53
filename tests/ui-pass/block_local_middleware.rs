// A `#[middleware]` and the routes listing it, all inside a function body (as in a test
// or a doctest): function-form routes and `routes!` find a block-local middleware.
use routekit::prelude::*;

fn main() {
    #[middleware]
    async fn logger(req: Request, next: Next) -> Response {
        next.run(req).await
    }

    #[route(GET, "/api/hello")]
    #[middleware(logger)]
    async fn hello() -> Response {
        Response::text("hi")
    }

    let _app: axum::Router = routes![middleware(logger); hello];
}
