use routekit::prelude::*;

#[derive(Clone)]
struct User;

#[derive(Clone)]
struct Session;

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization") {
        Some(_) => Ok(User),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[route("/api/posts/$id")]
#[middleware(auth)]
mod post {
    use super::*;

    pub async fn GET(id: u64, session: Ctx<Session>) -> Response {
        let _ = (id, session);
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![post];
}
