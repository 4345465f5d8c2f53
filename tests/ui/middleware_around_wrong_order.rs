use routekit::prelude::*;

#[middleware]
async fn logger(next: Next, req: Request) -> Response {
    next.run(req).await
}

fn main() {}
