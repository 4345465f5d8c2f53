//! routekit: the route-handler style of Next.js (`route.ts` exporting `GET`, `POST`, …)
//! and TanStack Start server routes, for Rust, expanding into plain axum 0.8 routers.
//!
//! ```ignore
//! use routekit::prelude::*;
//!
//! #[route("/api/posts/$id")]
//! mod post {
//!     use super::*;
//!     pub async fn GET(id: u64) -> Response { Response::json(&serde_json::json!({ "id": id })) }
//! }
//!
//! let app: axum::Router = routes![post];
//! ```
//!
//! See the README for the full guide; the modules below hold one concept each.

// Extractors and middleware answer `Result<T, Response>` like axum's own: the error is the
// response to send, and boxing it would allocate on the error path for nothing.
#![allow(clippy::result_large_err)]

mod after;
pub mod context;
pub mod error;
pub mod middleware;
pub mod params;
pub mod request;
pub mod response;
pub mod routes;
mod serve;
pub mod test;
pub mod validation;
#[cfg(feature = "webhook")]
pub mod webhook;

#[doc(hidden)]
pub mod __private;

pub use after::after;
pub use context::{Ctx, Next};
pub use error::ApiError;
pub use request::Request;
pub use response::Response;
pub use routekit_macros::{middleware, route, routes};
pub use routes::{format_route_table, route_table, MethodInfo, RouteEntry, RouteInfo};
pub use serve::{serve, serve_on, Server};
pub use validation::{Valid, ValidationError};

/// Re-exported so a user needs no direct dependency to name cookies.
pub use cookie;
/// Re-exported: the validation library `json_valid` and [`Valid`] use.
pub use garde;

/// Everything a route file needs: `use routekit::prelude::*;`.
pub mod prelude {
    pub use crate::{middleware, route, routes, ApiError, Ctx, Next, Request, Response, Valid};
    pub use axum::extract::{Json, Query, State};
    pub use axum::http::{HeaderMap, StatusCode};
}
