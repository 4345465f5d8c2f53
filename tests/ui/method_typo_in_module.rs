use routekit::prelude::*;

#[route("/x")]
mod x {
    use super::*;

    pub async fn GTE() -> Response {
        Response::empty()
    }
}

fn main() {}
