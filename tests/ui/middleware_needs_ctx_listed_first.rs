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

#[middleware]
async fn needs_user(user: Ctx<User>, req: Request, next: Next) -> Response {
    let _ = user;
    next.run(req).await
}

#[route("/api/posts/$id")]
#[middleware(needs_user, auth)]
mod post {
    use super::*;

    pub async fn GET(id: u64, user: Ctx<User>) -> Response {
        let _ = (id, user);
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![post];
}
