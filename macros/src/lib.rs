//! The proc macros of routekit. Each entry point parses with `syn`, then calls logic
//! written over `proc_macro2` (so it is unit-tested directly), split by stage:
//! `template` and `attr` parse, `ast` models, `ctx_checks` asks the type system whether each `Ctx<T>` is provided, `expand`
//! generates. The entry points: `route` (`#[route]`), `middleware` (`#[middleware]`, in
//! its own stages: `model`, `validate`, `generate`) and `route_set` (`routes![…]`, which
//! builds a `RouteSet`).

mod affix;
mod ast;
mod attr;
mod calls;
mod chain;
mod ctx_checks;
mod dispatch;
mod endpoint;
mod errors;
mod expand;
mod group;
mod links;
mod listed;
mod method;
mod middleware;
mod openapi;
mod route;
mod route_set;
mod server_fn;
mod template;

use proc_macro::TokenStream;

/// The one path generated code names the runtime by: everything it calls is re-exported
/// there (`runtime/src/__private.rs`), as thiserror's `private` and Rocket's `exports`.
pub(crate) fn runtime() -> proc_macro2::TokenStream {
    runtime_at(proc_macro2::Span::call_site())
}

/// [`runtime`] spanned at a user's token, so a trait error on a path through it points at
/// that token.
pub(crate) fn runtime_at(span: proc_macro2::Span) -> proc_macro2::TokenStream {
    quote::quote_spanned!(span=> ::routekit::__private)
}

/// A route module (`#[route("/api/posts/$id")] mod post { pub async fn GET(…) }`) or a
/// function-form route (`#[route(GET, "/api/hello")] async fn hello()`).
#[proc_macro_attribute]
pub fn route(attr: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(attr.into(), item.into()).into()
}

/// Without arguments, declares a middleware function (provider or around); with a list,
/// `#[middleware(auth, logger)]`, attaches middleware to a route module or handler.
#[proc_macro_attribute]
pub fn middleware(attr: TokenStream, item: TokenStream) -> TokenStream {
    middleware::expand(attr.into(), item.into()).into()
}

/// Route modules and functions sharing a path prefix and a middleware list:
/// `#[group("/admin")] #[middleware(auth)] mod admin { … }`.
#[proc_macro_attribute]
pub fn group(attr: TokenStream, item: TokenStream) -> TokenStream {
    group::expand(attr.into(), item.into()).into()
}

/// A server function (TanStack Start's `createServerFn`): an async function whose last
/// argument is its input, served as a `POST` (JSON body) or `GET` (query) route at
/// `/_server/<module path>/<name>`, through the function form of `#[route]`.
#[proc_macro_attribute]
pub fn server_fn(attr: TokenStream, item: TokenStream) -> TokenStream {
    server_fn::expand(attr.into(), item.into()).into()
}

/// What `#[group]` puts on each route or group it rewrites: tells that child it is
/// registered through its group, so it alone implements `Register`, the trait a group
/// names its children by. The child's own attribute reads and removes it; anywhere else
/// it changes nothing.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn in_group(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Builds an `axum::Router<S>` from route modules and route functions.
#[proc_macro]
pub fn routes(input: TokenStream) -> TokenStream {
    route_set::expand(input.into()).into()
}

#[cfg(test)]
mod snapshots;
