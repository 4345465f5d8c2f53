use routekit::prelude::*;

#[route(GET, "/api/users")]
async fn f(id: u64) -> Response {
    Response::text(id.to_string())
}

fn main() {}
