use routekit::prelude::*;

#[route(GET, "/posts/:id")]
async fn post() -> Response {
    Response::empty()
}

fn main() {}
