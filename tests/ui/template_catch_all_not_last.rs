use routekit::prelude::*;

#[route(GET, "/docs/[...slug]/edit")]
async fn edit() -> Response {
    Response::empty()
}

fn main() {}
