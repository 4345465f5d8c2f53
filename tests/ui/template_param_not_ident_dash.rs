use routekit::prelude::*;

#[route(GET, "/posts/[my-id]")]
async fn post() -> Response {
    Response::empty()
}

fn main() {}
