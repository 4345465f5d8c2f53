use routekit::prelude::*;

#[group("/files/$")]
mod files {
    use super::*;

    #[route(GET, "/list")]
    pub async fn list() -> Response {
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![files];
}
