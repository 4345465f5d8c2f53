//! A `Ctx<T>` provided by the app-wide list compiles in any route, in a group's route and
//! in a route-level middleware; a group's provider feeds its routes.
#![allow(non_snake_case)]

use routekit::prelude::*;

#[derive(Clone)]
pub struct Session;

#[derive(Clone)]
pub struct Admin;

#[middleware]
async fn session(headers: HeaderMap) -> Result<Session, ApiError> {
    match headers.get("cookie") {
        Some(_) => Ok(Session),
        None => Err(ApiError::unauthorized("Sign in first")),
    }
}

#[middleware]
async fn admin_only(session: Ctx<Session>) -> Admin {
    let _ = session;
    Admin
}

#[route(GET, "/api/me")]
async fn me(session: Ctx<Session>) -> Response {
    let _ = session;
    Response::empty()
}

#[group("/admin")]
#[middleware(admin_only)]
mod admin {
    use super::*;

    #[route("/stats")]
    pub mod stats {
        use super::*;

        pub async fn GET(session: Ctx<Session>, admin: Ctx<Admin>) -> Response {
            let _ = (session, admin);
            Response::empty()
        }
    }
}

fn main() {
    let _app: axum::Router = routes![middleware(session); me, admin];
}
