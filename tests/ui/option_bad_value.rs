use routekit::prelude::*;

#[route("/feed.xml", revalidate = "soon")]
mod feed {
    use super::*;

    pub async fn GET() -> Response {
        Response::xml("<rss/>")
    }
}

fn main() {}
