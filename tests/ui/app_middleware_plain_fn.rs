use routekit::prelude::*;

fn plain() {}

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::empty()
}

fn main() {
    // A plain function in the app-wide list: one error, at the name.
    let _app: axum::Router = routes![middleware(plain); hello];
}
