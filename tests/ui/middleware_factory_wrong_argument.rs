use routekit::prelude::*;

#[derive(Clone)]
struct User {
    role: &'static str,
}

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    let _ = headers;
    Ok(User { role: "admin" })
}

#[middleware]
async fn require_role(#[arg] role: &'static str, user: Ctx<User>) -> Result<(), ApiError> {
    if user.role == role {
        Ok(())
    } else {
        Err(ApiError::forbidden("Forbidden"))
    }
}

// The role is a `&'static str`, not a number.
#[route(GET, "/api/admin")]
#[middleware(auth, require_role(5))]
async fn admin() -> Response {
    Response::empty()
}

fn main() {
    let _app: axum::Router = routes![admin];
}
