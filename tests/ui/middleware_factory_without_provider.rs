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

// No middleware provides `User` on this route.
#[route(GET, "/api/admin")]
#[middleware(require_role("admin"))]
async fn admin() -> Response {
    let _ = auth;
    Response::empty()
}

fn main() {
    let _app: axum::Router = routes![admin];
}
