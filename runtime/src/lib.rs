// The crate docs are the README (runtime/README.md links to the root one, so the packaged
// crate carries it) and the guide is `routekit::guide`, chapters in runtime/docs/guide/, so
// every Rust block in README.md and in the guide is a doctest
// (`cargo test --doc -p routekit`): a block must compile, and it runs unless marked
// `no_run` (a server that would not stop). Mark blocks that are not Rust with their language
// (`sh`, `text`, `json`, `ts`), and use `ignore` only for Rust that cannot compile at all.
// Lines starting with `# ` are compiled but hidden on docs.rs; keep them few, since GitHub
// shows them. `__doc_support` (a hidden module, so the package's own doctests pass) holds
// stand-ins (`Db`, `User`, `app()`) so a block needs one hidden line,
// `# use routekit::__doc_support::{Db, User};`, not
// ten. A block holding `mod`s with `use super::*` must define `fn main` itself (a hidden
// `# fn main() {}` is enough), or rustdoc wraps it in one and `super` misses its items.
// The macro reference sits in runtime/docs/*.md, attached to the `pub use` of each macro
// below (rustdoc shows a re-export's docs on the inlined macro page, then the macro crate's).
#![doc = include_str!("../README.md")]
#![doc = include_str!("../docs/crate.md")]
// Extractors and middleware answer `Result<T, Response>` like axum's own: the error is the
// response to send, and boxing it would allocate on the error path for nothing.
#![allow(clippy::result_large_err)]

mod affixes;
mod after;
mod answers;
mod app;
#[cfg(any(feature = "client", feature = "client-ts"))]
pub mod client;
pub mod client_ip;
pub mod conditional;
pub mod context;
pub mod csrf;
pub mod error;
mod error_from;
mod extract;
pub mod guide;
mod handler;
mod invoke;
pub mod links;
mod middleware;
mod middleware_types;
#[cfg_attr(not(feature = "openapi"), doc(hidden))]
pub mod openapi;
pub mod params;
pub mod request;
pub mod response;
mod returns;
pub mod routes;
mod serve;
mod server_fns;
pub mod test;
pub mod time_limit;
pub mod trailing_slash;
pub mod validation;
#[cfg(feature = "webhook")]
pub mod webhook;
#[cfg(feature = "ws")]
pub mod ws;

#[doc(hidden)]
pub mod __doc_support;
#[doc(hidden)]
pub mod __private;

// The macros name `::routekit`, which the stand-ins of `__doc_support` use inside the crate.
extern crate self as routekit;

pub use after::after;
pub use context::{Ctx, Next};
pub use error::ApiError;
pub use request::Request;
pub use response::Response;
#[doc(inline)]
#[doc = include_str!("../docs/route.md")]
pub use routekit_macros::route;

#[doc(inline)]
#[doc = include_str!("../docs/middleware.md")]
pub use routekit_macros::middleware;

#[doc(inline)]
#[doc = include_str!("../docs/routes.md")]
pub use routekit_macros::routes;

#[doc(inline)]
#[doc = include_str!("../docs/server_fn.md")]
pub use routekit_macros::server_fn;

#[doc(inline)]
#[doc = include_str!("../docs/group.md")]
pub use routekit_macros::group;
pub use routes::{format_route_table, route_table, MethodInfo, RouteEntry, RouteInfo};
pub use serve::{serve, serve_on, Draining, Server};
pub use trailing_slash::TrailingSlash;
pub use validation::{Valid, ValidQuery, ValidationError};

/// Re-exported so a user needs no direct dependency to name cookies.
pub use cookie;
/// Re-exported: the validation library `json_valid`, [`Valid`] and [`ValidQuery`] use.
pub use garde;

/// Everything a route file needs: `use routekit::prelude::*;`.
pub mod prelude {
    pub use crate::{
        group, middleware, route, routes, server_fn, ApiError, Ctx, Next, Request, Response, Valid,
        ValidQuery,
    };
    pub use axum::extract::{Json, Query, State};
    pub use axum::http::{HeaderMap, StatusCode};
}
