use routekit::prelude::*;

fn main() {
    // Inside a function body, as in a test or a doctest: a function without `#[middleware]`
    // in a function-form route's list is one error, at the name, saying what to add.
    async fn logger(req: Request, next: Next) -> Response {
        next.run(req).await
    }

    #[route(GET, "/api/hello")]
    #[middleware(logger)]
    async fn hello() -> Response {
        Response::text("hi")
    }

    let _app: axum::Router = routes![hello];
}
