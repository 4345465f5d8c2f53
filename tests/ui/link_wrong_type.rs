use routekit::prelude::*;

#[route("/api/posts/$id")]
mod item {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::text(id.to_string())
    }
}

fn main() {
    // `id` is a `u64`: a link cannot be built from text.
    let _ = item::href("seven");
}
