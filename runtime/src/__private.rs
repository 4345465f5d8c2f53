//! The only items macro-generated code names, re-exported from where each lives. Not a
//! public API: names may change in any release. Keeping this a list, and the list short,
//! keeps each expansion small and readable.

pub use axum;
pub use http;
pub use routekit_macros::{in_group, middleware};

pub use crate::__routekit_if_client as if_client;
pub use crate::__routekit_if_openapi as if_openapi;
pub use crate::answers::{allow, method_bit};
pub use crate::openapi;
pub use crate::TrailingSlash;

pub use crate::app::{enter, AppChain, Direct, Inner, Register, Routes, ViaApp};
pub use crate::context::{Next, NextFuture};
pub use crate::extract::{from_parts, from_request};
pub use crate::handler::{
    allow_or, credentialed, respond, revalidate, Allow, HttpRequest, RouteFuture, RouteHandler,
    StateBound,
};
pub use crate::invoke::{invoke, invoke_params, Opt, Req};
pub use crate::links::{
    finish as finish_link, write_display, write_optional_str, write_rest, LinkOptional, LinkSegment,
};
pub use crate::middleware::{
    build_layer, layers, provide, provided, request, require_all, split, through_layer, Bare,
    CallWithArguments, Carry, Configured, ConfiguredService, Layers, LeadingFallible,
    LeadingInfallible, LeadingLayer, ListItem, Listing, Middleware, MiddlewareInfo, NeedsArguments,
    NotAMiddleware, NotInScope, ProvidedBy, SatisfiedBy, StepInfo, StepLayer,
};
pub use crate::params::{
    optional, path_params, required, rest, rest_or_empty, Affix, Affixed, Rest, Seg, Slot,
};
pub use crate::returns::{IsResponse, NotResponse, Returns};
pub use crate::routes::{
    automatic_answer, function_router, method_not_allowed, module_router, state_free, stateful,
    stateful_any, whole_route, AffixTable, IgnoreState, MethodInfo, Mount, RouteDef, RouteInfo,
    RouteKind, RouteOptions, StateFree,
};
pub use axum::routing::MethodFilter;
pub use tower::Layer;

/// What a `#[server_fn]` expansion names: its input extractors, the rule check, the path.
pub mod server_fn {
    pub use crate::server_fns::{
        as_str, path, path_len, Check, CheckNone, CheckRules, Json, Query,
    };
}

/// The types a route's typed calls name (feature `client`).
#[cfg(feature = "client")]
pub mod client {
    pub use crate::client::{BodyOf, Call, NoQuery, Raw};
}

/// Emits its tokens when routekit's `client` feature is on, nothing when it is off: a
/// route's typed calls (`item::get(7)`) exist only with the feature.
#[cfg(feature = "client")]
#[macro_export]
#[doc(hidden)]
macro_rules! __routekit_if_client {
    ($($on:tt)*) => { $($on)* };
}

/// Emits its tokens when routekit's `client` feature is on, nothing when it is off: a
/// route's typed calls (`item::get(7)`) exist only with the feature.
#[cfg(not(feature = "client"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __routekit_if_client {
    ($($on:tt)*) => {};
}
