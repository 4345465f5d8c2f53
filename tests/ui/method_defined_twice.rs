use routekit::prelude::*;

#[route("/x")]
mod x {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }

    pub async fn get() -> Response {
        Response::empty()
    }
}

fn main() {}
