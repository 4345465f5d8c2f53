use routekit::prelude::*;

#[derive(Clone)]
struct Session;

#[middleware]
async fn session() -> Session {
    Session
}

#[middleware]
async fn needs_session(session: Ctx<Session>, req: Request, next: Next) -> Response {
    let _ = session;
    next.run(req).await
}

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::empty()
}

fn main() {
    // `needs_session` runs before `session` provides the value.
    let _app: axum::Router = routes![middleware(needs_session, session); hello];
}
