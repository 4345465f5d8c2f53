use routekit::prelude::*;

#[derive(Clone)]
struct Admin;

#[derive(Clone)]
struct User;

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization") {
        Some(_) => Ok(User),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

// The group provides `User`; its route asks for `Admin`.
#[group("/admin")]
#[middleware(auth)]
mod admin {
    use super::*;

    #[route("/stats")]
    pub mod stats {
        use super::*;

        pub async fn GET(user: Ctx<User>, admin: Ctx<Admin>) -> Response {
            let _ = (user, admin);
            Response::empty()
        }
    }
}

fn main() {
    let _app: axum::Router = routes![admin];
}
