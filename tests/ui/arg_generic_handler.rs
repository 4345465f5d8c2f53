use routekit::prelude::*;

#[route(GET, "/api/users")]
async fn users<T: Default>() -> Response {
    let _ = T::default();
    Response::empty()
}

fn main() {}
