use routekit::prelude::*;

// A stale answer is served from `revalidate` until `expire`: `expire` must come later.
#[route("/feed.xml", revalidate = 3600, expire = 60)]
mod feed {
    use super::*;

    pub async fn GET() -> Response {
        Response::xml("<rss/>")
    }
}

fn main() {}
