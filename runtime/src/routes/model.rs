//! What a route is, as the macros describe it and the rest of `routes` builds from: the
//! route's static description, and how a handler is mounted. A leaf of `routes`: its
//! siblings and its parent use it, it uses none of them.

use axum::routing::{MethodFilter, MethodRouter};

use crate::handler::RouteHandler;

/// What the macros know about one route, written into the binary as a `static`.
#[derive(Debug)]
pub struct RouteInfo {
    /// The template as written, `"/api/posts/$id"`.
    pub template: &'static str,
    /// The axum paths it registers (two for an optional segment or catch-all).
    pub paths: &'static [&'static str],
    /// The same paths with the text of prefix/suffix parameters kept, `/posts/post-{id}`
    /// where `paths` has `/posts/{id}` (equal to `paths` without such parameters).
    pub patterns: &'static [&'static str],
    /// The prefix/suffix text of each of `paths`, where a request path must carry it; empty
    /// when the template has none.
    pub affixes: &'static [AffixTable],
    /// The module or function the route was written as.
    pub name: &'static str,
    /// Whether it is a route module or a function-form route.
    pub kind: RouteKind,
    /// Source file and line of the `#[route]` item.
    pub file: &'static str,
    /// Source line of the `#[route]` item.
    pub line: u32,
    /// The route's own middleware list (a module's route-level list, a function's list):
    /// what its automatic answers run through.
    pub middleware: &'static [&'static str],
    /// The methods it declares. The automatic ones (`HEAD` from `GET`, `OPTIONS`) follow
    /// from these and are the route table's to add, not data of every route.
    pub methods: &'static [MethodInfo],
}

impl RouteInfo {
    /// The declared `GET`, when the route answers `HEAD` with it.
    pub(crate) fn head_from_get(&self) -> Option<&'static MethodInfo> {
        let methods = self.methods;
        match methods.iter().any(|m| m.method == "HEAD") {
            true => None,
            false => methods.iter().find(|m| m.method == "GET"),
        }
    }
}

/// Which of the two route forms produced a [`RouteInfo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// `#[route("/p")] mod m { … }`
    Module,
    /// `#[route(GET, "/p")] fn f() { … }`
    Function,
}

/// One method of a route: who handles it and what runs before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInfo {
    /// `"GET"`, `"HEAD"`, …
    pub method: &'static str,
    /// The handler function.
    pub handler: &'static str,
    /// The middleware chain that runs before the handler, outermost first.
    pub middleware: &'static [&'static str],
    /// Source line of the handler.
    pub line: u32,
    /// openapi hook: describes the operation for the OpenAPI document (feature `openapi`;
    /// `()` without it).
    #[doc(hidden)]
    pub openapi: crate::openapi::Hook,
}

/// How a route's handler is put on the router `routes!` builds: as it is ([`Direct`](crate::app::Direct)), or
/// behind app-wide middleware ([`ViaApp`](crate::app::ViaApp)).
pub trait Mount<S>: 'static {
    /// The state type of the router the route is added to.
    type State: Clone + Send + Sync + 'static;
    /// The handler as mounted.
    type Mounted<H: RouteHandler<S>>: RouteHandler<Self::State>;
    /// Mounts `handler`.
    fn mount<H: RouteHandler<S>>(handler: H) -> Self::Mounted<H>;
    /// The endpoint of a handler that reads nothing from the state: `on(filter, handler)`,
    /// `any(handler)` without a filter.
    fn state_free<H>(filter: Option<MethodFilter>, handler: H) -> MethodRouter<Self::State>
    where
        H: RouteHandler<S> + RouteHandler<()>;
}

/// Builds a route's method routers again, with handlers that take the state from the
/// request: what a shared path calls for a route that layers or options wrap.
pub(super) type CarriedBuild<S> =
    Box<dyn Fn() -> (MethodRouter<S>, Option<MethodRouter<S>>) + Send + Sync + 'static>;

pub use crate::affixes::AffixTable;
