use routekit::prelude::*;

// `#[arg]` parameters come first, and are kept with the middleware, so a borrowed one
// needs `'static`.
#[middleware]
async fn tag(headers: HeaderMap, #[arg] name: &str, req: Request, next: Next) -> Response {
    let _ = (headers, name);
    next.run(req).await
}

fn main() {}
