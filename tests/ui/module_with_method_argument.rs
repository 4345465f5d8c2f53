use routekit::prelude::*;

#[route(GET, "/x")]
mod x {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }
}

fn main() {}
