use routekit::prelude::*;

#[route(GTE, "/x")]
async fn hello() -> Response {
    Response::empty()
}

fn main() {}
