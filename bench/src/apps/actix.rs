//! The benchmark API with actix-web 4 and its route macros (`#[get]`, `#[post]`, `wrap`).

use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, ALLOW};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::{get, post, web, Error, HttpMessage, HttpRequest, HttpResponse};
use garde::Validate;

use crate::model::{
    error_body, filler_path, user_from_authorization, validation_error_body, CreateUser,
    CreatedUser, Post, SecurePost, User, ALLOW_GET, HELLO, TITLE,
};
use crate::Scenario;

async fn hello() -> &'static str {
    HELLO
}

#[get("/api/posts/{id}")]
async fn get_post(id: web::Path<u64>) -> HttpResponse {
    HttpResponse::Ok().json(Post {
        id: id.into_inner(),
        title: TITLE,
    })
}

#[post("/api/users")]
async fn create_user(input: web::Json<CreateUser>) -> HttpResponse {
    let input = input.into_inner();
    if let Err(report) = input.validate() {
        return HttpResponse::BadRequest().json(validation_error_body(&report));
    }
    HttpResponse::Created().json(CreatedUser::from_input(input))
}

async fn auth(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let value = req.headers().get("authorization").map(|v| v.as_bytes());
    match user_from_authorization(value) {
        Some(user) => {
            req.extensions_mut().insert(user);
            Ok(next.call(req).await?.map_into_left_body())
        }
        None => {
            let response = HttpResponse::Unauthorized().json(error_body("Unauthorized"));
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

async fn logger(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let start = Instant::now();
    let res = next.call(req).await;
    tracing::debug!(elapsed = ?start.elapsed(), "request");
    res
}

// The last `wrap` is the outermost: auth runs first, then the logger, as on the routekit route.
#[get("/api/posts/{id}", wrap = "from_fn(logger)", wrap = "from_fn(auth)")]
async fn get_secure_post(id: web::Path<u64>, user: web::ReqData<User>) -> HttpResponse {
    HttpResponse::Ok().json(SecurePost {
        id: id.into_inner(),
        title: TITLE,
        author: user.id,
    })
}

async fn options_get_only() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((ALLOW, HeaderValue::from_static(ALLOW_GET)))
        .finish()
}

async fn not_allowed_get_only(req: HttpRequest) -> HttpResponse {
    not_allowed(req.method(), ALLOW_GET)
}

fn not_allowed(method: &Method, allow: &'static str) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((ALLOW, HeaderValue::from_static(allow)))
        .json(error_body(format!("method {method} not allowed")))
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(error_body("Not found"))
}

async fn filler_text() -> &'static str {
    "filler"
}

async fn filler_json(id: web::Path<u64>) -> HttpResponse {
    HttpResponse::Ok().json(Post {
        id: id.into_inner(),
        title: "filler",
    })
}

/// `GET /api/hello` as a resource: the route macros cannot give a resource its own
/// `OPTIONS` and `405` answers, so this path is written with the resource builder.
fn hello_resource(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/hello")
            .route(web::get().to(hello))
            .route(web::head().to(hello))
            .route(web::route().method(Method::OPTIONS).to(options_get_only))
            .default_service(web::to(not_allowed_get_only)),
    );
}

/// The app of a scenario, as an `App::configure` function.
pub fn configure(scenario: Scenario) -> impl Fn(&mut web::ServiceConfig) + Clone + Send + 'static {
    move |cfg: &mut web::ServiceConfig| {
        cfg.default_service(web::to(not_found));
        match scenario {
            Scenario::Hello | Scenario::MethodNotAllowed | Scenario::Preflight => {
                hello_resource(cfg)
            }
            Scenario::Post => {
                cfg.service(get_post);
            }
            Scenario::CreateUser => {
                cfg.service(create_user);
            }
            Scenario::Middleware => {
                cfg.service(get_secure_post);
            }
            Scenario::ManyRoutes => with_routes(cfg, crate::scenario::MANY_ROUTES),
        }
    }
}

/// Scenario 2's route in an app of `n` routes, the others added in a loop.
pub fn with_routes(cfg: &mut web::ServiceConfig, n: usize) {
    cfg.service(get_post);
    for i in 0..n.saturating_sub(1) {
        let path = filler_path(i, true);
        if i % 3 == 0 {
            cfg.route(&path, web::get().to(filler_text));
        } else {
            cfg.route(&path, web::get().to(filler_json));
        }
    }
}
