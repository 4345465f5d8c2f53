use routekit::prelude::*;

// `ANY` is a route module's handler, not a function-form method.
#[route(ANY, "/api/proxy")]
async fn proxy() -> Response {
    Response::empty()
}

fn main() {}
