use routekit::prelude::*;

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::text("Hello")
}

#[route("/api/posts")]
mod posts {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![hello, posts, hello, posts];
}
