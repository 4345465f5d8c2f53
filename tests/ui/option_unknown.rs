use routekit::prelude::*;

#[route("/feed.xml", revalidat = 60)]
mod feed {
    use super::*;

    pub async fn GET() -> Response {
        Response::xml("<rss/>")
    }
}

fn main() {}
