//! The benchmark API with Rocket 0.5: route attributes, a request guard for the user and
//! a fairing for the logger, JSON catchers for `401` and `404`.
//!
//! Rocket has no `405`: a method no route of the path answers falls to the `404` catcher.
//! The closest idiomatic equivalent is a route per other method answering `405` with
//! `Allow`, and an `OPTIONS` route, which is what the `/api/hello` app does.

use std::time::Instant;

use garde::Validate;
use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Header, Method, Status};
use rocket::request::{FromRequest, Outcome};
use rocket::serde::json::Json;
use rocket::{catch, catchers, delete, get, options, patch, post, put, routes, Build, Rocket};
use rocket::{Data, Request, Responder};

use crate::model::{
    error_body, filler_path, user_from_authorization, validation_error_body, CreateUser,
    CreatedUser, Post, SecurePost, User, ALLOW_GET, HELLO, TITLE,
};
use crate::Scenario;

#[get("/api/hello")]
fn hello() -> &'static str {
    HELLO
}

#[get("/api/posts/<id>")]
fn get_post(id: u64) -> Json<Post> {
    Json(Post { id, title: TITLE })
}

#[post("/api/users", format = "json", data = "<input>")]
fn create_user(
    input: Json<CreateUser>,
) -> Result<(Status, Json<CreatedUser>), (Status, Json<serde_json::Value>)> {
    let input = input.into_inner();
    if let Err(report) = input.validate() {
        return Err((Status::BadRequest, Json(validation_error_body(&report))));
    }
    Ok((Status::Created, Json(CreatedUser::from_input(input))))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for User {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let value = req.headers().get_one("authorization").map(str::as_bytes);
        match user_from_authorization(value) {
            Some(user) => Outcome::Success(user),
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

/// The around logger: a fairing sees every request and response of the app.
pub struct Logger;

struct Started(Instant);

#[rocket::async_trait]
impl Fairing for Logger {
    fn info(&self) -> Info {
        Info {
            name: "logger",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _data: &mut Data<'_>) {
        req.local_cache(|| Started(Instant::now()));
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, _res: &mut rocket::Response<'r>) {
        let start = req.local_cache(|| Started(Instant::now()));
        tracing::debug!(elapsed = ?start.0.elapsed(), "request");
    }
}

#[get("/api/posts/<id>")]
fn get_secure_post(id: u64, user: User) -> Json<SecurePost> {
    Json(SecurePost {
        id,
        title: TITLE,
        author: user.id,
    })
}

#[derive(Responder)]
#[response(status = 204)]
struct NoContentAllow {
    inner: (),
    allow: Header<'static>,
}

#[derive(Responder)]
#[response(status = 405)]
struct NotAllowed {
    inner: Json<serde_json::Value>,
    allow: Header<'static>,
}

fn not_allowed(method: Method) -> NotAllowed {
    NotAllowed {
        inner: Json(error_body(format!("method {method} not allowed"))),
        allow: Header::new("allow", ALLOW_GET),
    }
}

#[options("/api/hello")]
fn hello_options() -> NoContentAllow {
    NoContentAllow {
        inner: (),
        allow: Header::new("allow", ALLOW_GET),
    }
}

#[put("/api/hello")]
fn hello_put() -> NotAllowed {
    not_allowed(Method::Put)
}

#[post("/api/hello")]
fn hello_post() -> NotAllowed {
    not_allowed(Method::Post)
}

#[patch("/api/hello")]
fn hello_patch() -> NotAllowed {
    not_allowed(Method::Patch)
}

#[delete("/api/hello")]
fn hello_delete() -> NotAllowed {
    not_allowed(Method::Delete)
}

#[catch(401)]
fn unauthorized() -> Json<serde_json::Value> {
    Json(error_body("Unauthorized"))
}

#[catch(404)]
fn not_found() -> Json<serde_json::Value> {
    Json(error_body("Not found"))
}

#[get("/")]
fn filler_text() -> &'static str {
    "filler"
}

#[get("/items/<id>")]
fn filler_json(id: u64) -> Json<Post> {
    Json(Post {
        id,
        title: "filler",
    })
}

#[get("/items/<id>/comments")]
fn filler_json_nested(id: u64) -> Json<Post> {
    Json(Post {
        id,
        title: "filler",
    })
}

fn base() -> Rocket<Build> {
    rocket::custom(rocket::Config {
        log_level: rocket::config::LogLevel::Off,
        ..rocket::Config::default()
    })
    .register("/", catchers![unauthorized, not_found])
}

/// The app of a scenario, on `rocket::Config::default()` with logging off (the load
/// server merges its address and worker count over it).
pub fn rocket(scenario: Scenario) -> Rocket<Build> {
    match scenario {
        Scenario::Hello | Scenario::MethodNotAllowed | Scenario::Preflight => base().mount(
            "/",
            routes![
                hello,
                hello_options,
                hello_put,
                hello_post,
                hello_patch,
                hello_delete
            ],
        ),
        Scenario::Post => base().mount("/", routes![get_post]),
        Scenario::CreateUser => base().mount("/", routes![create_user]),
        Scenario::Middleware => base().mount("/", routes![get_secure_post]).attach(Logger),
        Scenario::ManyRoutes => with_routes(crate::scenario::MANY_ROUTES),
    }
}

/// Scenario 2's route in an app of `n` routes, the others mounted in a loop.
pub fn with_routes(n: usize) -> Rocket<Build> {
    let mut app = base().mount("/", routes![get_post]);
    for i in 0..n.saturating_sub(1) {
        // `filler_path(i)` is the base plus the route's own path, as below.
        let full = filler_path(i, true);
        let base = format!("/api/r{i}");
        app = match i % 3 {
            0 => app.mount(base, routes![filler_text]),
            1 => app.mount(base, routes![filler_json]),
            _ => app.mount(base, routes![filler_json_nested]),
        };
        debug_assert!(full.starts_with(&format!("/api/r{i}")));
    }
    app
}
