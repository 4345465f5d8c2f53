use routekit::prelude::*;

#[route(GET, "/posts/post-$id")]
async fn post() -> Response {
    Response::empty()
}

fn main() {}
