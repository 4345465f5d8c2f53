use routekit::prelude::*;

// The route fails to expand; `routes!` still finds what it calls, so the template error is
// the only one reported.
#[route("/api/posts/post-$id")]
mod post {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }
}

#[route(GTE, "/api/hello")]
async fn hello() -> Response {
    Response::empty()
}

fn main() {
    let _app: axum::Router = routes![post, hello];
}
