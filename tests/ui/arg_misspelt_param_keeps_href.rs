use routekit::prelude::*;

// `ids` for `$id`: one error, at the argument; `href` and `routes!` still know the route.
#[route("/api/users/$id")]
mod user {
    use super::*;

    pub async fn GET(ids: u64, mut req: Request) -> Response {
        let _ = req.text().await;
        Response::text(ids.to_string())
    }
}

// A misspelt method: one error, at the method.
#[route(GTE, "/api/posts/$id")]
async fn post(id: u64) -> Response {
    Response::text(id.to_string())
}

fn main() {
    let _user: String = user::href(2);
    let _post: String = post::href(1);
    let _app: axum::Router = routes![user, post];
}
