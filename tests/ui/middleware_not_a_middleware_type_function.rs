use routekit::prelude::*;

#[derive(Clone)]
struct User;

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization") {
        Some(_) => Ok(User),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

/// A type, but neither a `#[middleware]` function nor used as a layer expression.
pub struct NotMiddleware;

// On a function-form route, after a real middleware whose value the handler takes.
#[route(GET, "/api/hello")]
#[middleware(auth, NotMiddleware)]
async fn hello(user: Ctx<User>) -> Response {
    let _ = user;
    Response::empty()
}

fn main() {
    let _app: axum::Router = routes![hello];
}
