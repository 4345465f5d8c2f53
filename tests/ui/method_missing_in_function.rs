use routekit::prelude::*;

#[route("/x")]
async fn hello() -> Response {
    Response::empty()
}

fn main() {}
