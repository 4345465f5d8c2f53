use routekit::prelude::*;

#[route(GET, "api/users")]
async fn users() -> Response {
    Response::empty()
}

fn main() {}
