use routekit::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct NewTodo {
    title: String,
}

// The server function reads its input itself: no `Json<…>` around it.
#[server_fn]
async fn add_todo(Json(input): Json<NewTodo>) -> String {
    input.title
}

// Only `POST` (a JSON body) and `GET` (the query).
#[server_fn(method = PUT)]
async fn put_todo(input: NewTodo) -> String {
    input.title
}

fn main() {
    let _app: axum::Router = routes![add_todo, put_todo];
}
