//! The same small API written four ways — routekit, hand-written axum, actix-web and
//! Rocket — for the benchmark suite (`bench/run`, see `BENCHMARKS.md`).
//!
//! Every implementation answers the same bytes for the same request (status, the headers
//! that matter, body); `tests/same_bytes.rs` checks it, so a benchmark never measures a
//! broken route. The scenarios:
//!
//! 1. `GET /api/hello`, plain text;
//! 2. `GET /api/posts/42`, a typed `u64` parameter, JSON;
//! 3. `POST /api/users`, a JSON body validated with `garde`, `201`;
//! 4. `GET /api/posts/42` behind two middleware (an auth provider putting a `User` into the
//!    context, an around logger), the handler reading the user;
//! 5. scenario 2 in an app of 1,000 routes;
//! 6. `PUT /api/hello` (a `GET`-only path: `405` with `Allow`) and a preflight `OPTIONS`;
//! 7. `GET /api/limited` behind a stateful tower layer, `ConcurrencyLimitLayer::new(64)`:
//!    routekit and hand-written axum only (actix-web and Rocket take no tower layers), in
//!    the instructions measure only ([`TowerScenario`]).

pub mod apps;
pub mod model;
pub mod scenario;

pub use scenario::{Impl, Scenario, TowerScenario, SERVERS};
