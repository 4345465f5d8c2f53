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

#[middleware(auth)]
async fn not_a_route() -> Response {
    Response::empty()
}

fn main() {}
