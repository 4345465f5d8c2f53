use routekit::prelude::*;
use routekit::test::TestClient;

// A body type that only derives `Deserialize` keeps its route compiling; a typed call that
// sends it is one error, at the argument, saying to derive `Serialize`.
#[derive(serde::Deserialize, garde::Validate)]
struct NewTodo {
    #[garde(length(min = 1))]
    title: String,
}

#[route(POST, "/api/todos")]
async fn create(Valid(new): Valid<NewTodo>) -> Json<String> {
    Json(new.title)
}

#[tokio::main]
async fn main() {
    let client = TestClient::new(routes![create]);
    let body = NewTodo { title: "x".into() };
    let _ = create::post(&body).send(&client).await;
}
