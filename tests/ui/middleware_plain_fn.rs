use routekit::prelude::*;

fn plain() {}

#[route("/api/posts/$id")]
#[middleware(plain)]
mod post {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        let _ = id;
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![post];
}
