use routekit::prelude::*;

#[route(GET, "/a/$id/b/[id]")]
async fn both() -> Response {
    Response::empty()
}

fn main() {}
