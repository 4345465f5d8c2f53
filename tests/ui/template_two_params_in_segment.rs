use routekit::prelude::*;

#[route(GET, "/avatars/{$user}.{$ext}")]
async fn avatar() -> Response {
    Response::empty()
}

fn main() {}
