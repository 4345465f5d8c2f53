//! The benchmark API with routekit, written as the README teaches.

#![allow(non_snake_case)]

use std::time::Instant;

use routekit::prelude::*;
use tower::limit::ConcurrencyLimitLayer;

use crate::model::{
    user_from_authorization, CreateUser, CreatedUser, Post, SecurePost, User, HELLO, TITLE,
};
use crate::scenario::{LIMIT, LIMITED};
use crate::{Scenario, TowerScenario};

// 1 and 6: a function-form route; routekit adds `HEAD`, `OPTIONS` and the `405`.
#[route(GET, "/api/hello")]
pub async fn hello() -> Response {
    Response::text(HELLO)
}

// 2 and 5: a route module, as a Next.js `route.ts`.
#[route("/api/posts/$id")]
pub mod post {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&Post { id, title: TITLE })
    }
}

// 3: the body read and validated by the `Valid` argument.
#[route("/api/users")]
pub mod users {
    use super::*;

    pub async fn POST(Valid(input): Valid<CreateUser>) -> Response {
        Response::json(&CreatedUser::from_input(input)).status(201)
    }
}

// 4: a provider and an around middleware, the handler reading the provider's value.
#[middleware]
pub async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    let value = headers.get("authorization").map(|v| v.as_bytes());
    user_from_authorization(value).ok_or(ApiError::unauthorized("Unauthorized"))
}

#[middleware]
pub async fn logger(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let res = next.run(req).await;
    tracing::debug!(elapsed = ?start.elapsed(), "request");
    res
}

#[route("/api/posts/$id")]
#[middleware(auth, logger)]
pub mod secure_post {
    use super::*;

    pub async fn GET(id: u64, user: Ctx<User>) -> Response {
        Response::json(&SecurePost {
            id,
            title: TITLE,
            author: user.id,
        })
    }
}

// 7: a stateful tower layer in the middleware list, built once when `routes!` runs.
#[route(GET, "/api/limited")]
#[middleware(ConcurrencyLimitLayer::new(LIMIT))]
pub async fn limited() -> &'static str {
    LIMITED
}

// 8: scenario 4's middleware given app-wide, the route reading the provider's value.
#[route("/api/posts/$id")]
pub mod app_wide_post {
    use super::*;

    pub async fn GET(id: u64, user: Ctx<User>) -> Response {
        Response::json(&SecurePost {
            id,
            title: TITLE,
            author: user.id,
        })
    }
}

// 9: a prefix parameter, the segment checked and the `u64` parsed between its text.
#[route("/api/posts/post-{$id}")]
pub mod affixed_post {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&Post { id, title: TITLE })
    }
}

// 10: three routes on one segment, dispatched by their suffixes (a bare parameter last).
#[route("/files/{$id}.json")]
pub mod json_file {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&Post { id, title: TITLE })
    }
}

#[route("/files/{$id}.txt")]
pub mod text_file {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::text(format!("{id}: {TITLE}"))
    }
}

#[route("/files/$name")]
pub mod any_file {
    use super::*;

    pub async fn GET(name: String) -> Response {
        Response::text(name)
    }
}

// 5 and scaling: the scenario-2 route among generated routekit routes (see `build.rs`).
include!(concat!(env!("OUT_DIR"), "/routekit_routes_100.rs"));
include!(concat!(env!("OUT_DIR"), "/routekit_routes_1000.rs"));
#[cfg(feature = "routes-10k")]
include!(concat!(env!("OUT_DIR"), "/routekit_routes_10000.rs"));

/// The app of a scenario.
pub fn app(scenario: Scenario) -> axum::Router {
    match scenario {
        Scenario::Hello | Scenario::MethodNotAllowed | Scenario::Preflight => routes![hello],
        Scenario::Post => routes![post],
        Scenario::CreateUser => routes![users],
        Scenario::Middleware => routes![secure_post],
        Scenario::ManyRoutes => routes_1000::app(),
    }
}

/// The app of a tower-only scenario, finalised with `with_state(())` as `axum::serve`
/// does (and as the hand-written axum app of the same scenario is).
pub fn tower_app(scenario: TowerScenario) -> axum::Router {
    let app: axum::Router = match scenario {
        TowerScenario::Limited => routes![limited],
        TowerScenario::AppWide => routes![middleware(auth, logger); app_wide_post],
        TowerScenario::Affixed => routes![affixed_post],
        TowerScenario::AffixedGroup => routes![json_file, text_file, any_file],
    };
    app.with_state(())
}

/// Scenario 2's route in an app of `n` routes (1, 100, 1,000, and 10,000 with the
/// `routes-10k` feature), every route written with `#[route]`.
pub fn app_with_routes(n: usize) -> Option<axum::Router> {
    match n {
        1 => Some(routes![post]),
        100 => Some(routes_100::app()),
        1000 => Some(routes_1000::app()),
        #[cfg(feature = "routes-10k")]
        10000 => Some(routes_10000::app()),
        _ => None,
    }
}
