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

// The same with a path parameter and a body.
#[route("/api/todos/$id/copies")]
mod copies {
    use super::*;

    pub async fn POST(id: u64, Json(todo): Json<serde_json::Value>) -> Vec<Todo> {
        let _ = todo;
        vec![Todo { id }]
    }
}

fn main() {
    let _app: axum::Router = routes![todo, todos, copies];
}
