use routekit::prelude::*;

#[derive(Clone)]
struct User;

// App-wide, but it provides nothing.
#[middleware]
async fn logger(req: Request, next: Next) -> Response {
    next.run(req).await
}

#[route(GET, "/api/me")]
async fn me(user: Ctx<User>) -> Response {
    let _ = user;
    Response::empty()
}

fn main() {
    let _app: axum::Router = routes![middleware(logger); me];
}
