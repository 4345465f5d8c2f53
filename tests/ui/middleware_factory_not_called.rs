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

// `require_role` needs its argument: `require_role("admin")`.
#[route(GET, "/api/admin")]
#[middleware(auth, require_role)]
async fn admin() -> Response {
    Response::empty()
}

fn main() {
    let _app: axum::Router = routes![admin];
}
