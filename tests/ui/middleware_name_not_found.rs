use routekit::prelude::*;

// A misspelt (or unimported) middleware name: one error, at the name.
#[route("/api/posts")]
#[middleware(atuh)]
mod posts {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![posts];
}
