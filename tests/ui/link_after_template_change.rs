use routekit::prelude::*;

// The route gained a parameter; a link written for the old template stops compiling.
#[route(GET, "/api/users/$user/posts/$id")]
async fn user_post(user: String, id: u64) -> Response {
    Response::text(format!("{user} {id}"))
}

fn main() {
    let _ = user_post::href(7);
}
