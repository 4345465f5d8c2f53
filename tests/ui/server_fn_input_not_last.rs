use routekit::prelude::*;
use serde::Deserialize;

#[derive(Clone)]
struct User;

#[derive(Deserialize)]
struct NewTodo {
    title: String,
}

#[middleware]
async fn auth() -> Result<User, ApiError> {
    Ok(User)
}

// The input is the last argument: here an extractor stands after it.
#[server_fn]
#[middleware(auth)]
async fn add_todo(input: NewTodo, user: Ctx<User>) -> String {
    let _ = user;
    input.title
}

// One input: a second value is a field of it.
#[server_fn]
async fn rename(id: u64, title: String) -> String {
    format!("{id}{title}")
}

fn main() {
    let _app: axum::Router = routes![add_todo, rename];
}
