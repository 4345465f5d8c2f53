use routekit::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct Todo {
    id: u64,
}

// `Json(…)` forgotten: a handler's return type must be a response.
#[route(GET, "/api/todos/$id")]
async fn todo(id: u64) -> Result<Todo, ApiError> {
    Ok(Todo { id })
}

#[route("/api/todos")]
mod todos {
    use super::*;

    pub async fn GET() -> Vec<Todo> {
        Vec::new()
    }
}

fn main() {
    let _app: axum::Router = routes![todo, todos];
}
