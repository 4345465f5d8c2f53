use routekit::prelude::*;

#[derive(Clone)]
struct User;

#[route("/api/me")]
mod me {
    use super::*;

    pub async fn GET(user: Ctx<User>) -> Response {
        let _ = user;
        Response::empty()
    }
}

fn main() {
    let _app: axum::Router = routes![me];
}
