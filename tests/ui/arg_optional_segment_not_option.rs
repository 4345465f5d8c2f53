use routekit::prelude::*;

#[route(GET, "/{-$lang}/about")]
async fn about(lang: String) -> Response {
    Response::text(lang)
}

fn main() {}
