use routekit::prelude::*;

struct User;

#[middleware]
async fn auth(headers: HeaderMap) -> Result<std::rc::Rc<User>, ApiError> {
    match headers.get("authorization") {
        Some(_) => Ok(std::rc::Rc::new(User)),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[route("/api/posts/$id")]
#[middleware(auth)]
mod post {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        let _ = id;
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![post];
}
