use routekit::prelude::*;

#[middleware]
async fn logger(req: Request, next: Next) -> Response {
    next.run(req).await
}

// A misspelt middleware in a function-form route's list: one error, at the name.
#[route(GET, "/api/hello")]
#[middleware(loger)]
async fn hello() -> Response {
    Response::text("hi")
}

fn main() {
    let _app: axum::Router = routes![hello];
}
