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

// `require_role` takes `Ctx<User>`, which `auth` provides only after it.
#[route("/api/admin")]
#[middleware(require_role("admin"), auth)]
mod admin {
    use super::*;

    pub async fn GET() -> Response {
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![admin];
}
