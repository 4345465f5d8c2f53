use routekit::prelude::*;

#[middleware]
async fn logger(req: Request, next: Next) -> Response {
    next.run(req).await
}

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::empty()
}

fn main() {
    let _app: axum::Router = routes![middleware(logger); middleware(logger); hello];
}
