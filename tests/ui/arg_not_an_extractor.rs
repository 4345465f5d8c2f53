use routekit::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Pagination {
    page: u32,
}

// `Query<…>` forgotten: a struct is not an extractor by itself.
#[route(GET, "/api/todos")]
async fn todos(page: Pagination) -> Response {
    Response::text(page.page.to_string())
}

fn main() {
    let _app: axum::Router = routes![todos];
}
