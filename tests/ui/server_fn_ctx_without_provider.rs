use routekit::prelude::*;
use serde::Deserialize;

#[derive(Clone)]
struct User;

#[derive(Deserialize)]
struct NewTodo {
    title: String,
}

// A server function's `Ctx<T>` is checked as a route's: no middleware provides `User`.
#[server_fn]
async fn add_todo(user: Ctx<User>, input: NewTodo) -> String {
    let _ = user;
    input.title
}

fn main() {
    let _app: axum::Router = routes![add_todo];
}
