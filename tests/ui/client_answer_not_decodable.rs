use routekit::prelude::*;
use routekit::test::TestClient;

/// A response type of the user's own, which a client cannot read.
struct Page;

impl axum::response::IntoResponse for Page {
    fn into_response(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response("page")
    }
}

#[route(GET, "/page")]
async fn page() -> Page {
    Page
}

#[tokio::main]
async fn main() {
    let client = TestClient::new(routes![page]);
    // One error, at `send`, saying to declare the success body.
    let _ = page::get().send(&client).await;
}
