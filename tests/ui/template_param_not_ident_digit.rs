use routekit::prelude::*;

#[route(GET, "/posts/$1d")]
async fn post() -> Response {
    Response::empty()
}

fn main() {}
