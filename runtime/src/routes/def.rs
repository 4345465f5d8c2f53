//! How one route becomes a method router, called from the code `#[route]` generates: its
//! definition (`RouteDef`), the options and leading layers around it, and the endpoint
//! each route form and state kind gets. `RouteSet` (the parent module) assembles them.

use axum::handler::Handler;
use axum::routing::MethodRouter;

use super::model::{CarriedBuild, Mount, RouteInfo};
use super::shapes::{self, AffixTable};
use crate::handler::{Allow, RouteFuture, RouteHandler};

/// A route ready to register: its description and how to build its method router.
#[doc(hidden)]
pub struct RouteDef<S> {
    pub info: &'static RouteInfo,
    /// The route options applied as layers around the whole route.
    pub options: RouteOptions,
    /// Builds the route's handler and its layers, once per router, given the `Allow`
    /// value of its path when other routes decide it (a function-form route beside other
    /// functions of its path; `None` for a module or a function alone).
    pub build: fn(Allow) -> RouteRouter<S>,
}

/// The layers a route's middleware list starts with, applied around its endpoints. The
/// layer values are built once, in [`RouteDef::build`], beside the route's other list
/// items (so the `Ctx` checks see them all); this applies clones of them.
pub type Outer<S> = Box<dyn Fn(MethodRouter<S>) -> MethodRouter<S>>;

/// A route's leading layers, then its options around them.
pub(super) fn wrap<S>(
    outer: Option<&Outer<S>>,
    options: RouteOptions,
    router: MethodRouter<S>,
) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    let router = match outer {
        Some(outer) => outer(router),
        None => router,
    };
    options.apply(router)
}

/// `#[route]` options the runtime applies around a route, once, when the router is built.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteOptions {
    /// `body_limit = N`: `413` past N bytes.
    pub body_limit: Option<usize>,
    /// `etag`: [`ETagLayer`](crate::conditional::ETagLayer).
    pub etag: bool,
    /// `max_duration = N`: [`TimeLimitLayer`](crate::time_limit::TimeLimitLayer), outermost,
    /// so it bounds the middleware too.
    pub max_duration: Option<u64>,
}

impl RouteOptions {
    /// No option set: nothing wraps the route.
    pub const NONE: Self = Self {
        body_limit: None,
        etag: false,
        max_duration: None,
    };

    /// Whether no option is set (nothing wraps the route).
    pub(super) fn is_none(self) -> bool {
        self.body_limit.is_none() && !self.etag && self.max_duration.is_none()
    }

    pub(super) fn apply<S>(self, router: MethodRouter<S>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let mut router = router;
        if let Some(limit) = self.body_limit {
            router = router.layer(axum::extract::DefaultBodyLimit::max(limit));
        }
        if self.etag {
            router = router.layer(crate::conditional::ETagLayer::new());
        }
        if let Some(seconds) = self.max_duration {
            router = router.layer(crate::time_limit::TimeLimitLayer::from_secs(seconds));
        }
        router
    }
}

/// What [`RouteDef::build`] gives: the route's methods, and for a function-form route the
/// same handler answering every other method (`OPTIONS`, `405`) through its middleware.
#[doc(hidden)]
pub struct RouteRouter<S> {
    pub main: MethodRouter<S>,
    pub automatic: Option<MethodRouter<S>>,
    /// The layers the route's list starts with, when it starts with layers.
    pub outer: Option<Outer<S>>,
    /// Builds `main` and `automatic` again with handlers that take the state from the
    /// request, for a route that shares its axum path with others (`shapes::SharedPath`).
    pub(super) carried: CarriedBuild<S>,
    /// The route's handler, when it answers every method itself (a module's, or a
    /// function's whose `Allow` value needs not travel): what a shared path calls directly.
    pub(super) direct: Option<shapes::CallWithState<S>>,
    /// The prefix/suffix text the route's handler checks itself, answering the `404`.
    pub(super) affixes: Option<&'static AffixTable>,
    /// For a state-free route whose list starts with layers: the route on every method,
    /// inside those layers ([`whole_route`]), used where the route is its path's one
    /// endpoint. Built only then, so the layers are still built once.
    pub(super) whole: Option<WholeBuild<S>>,
}

type WholeBuild<S> = Box<dyn FnOnce() -> MethodRouter<S>>;

impl<S: Clone + Send + Sync + 'static> RouteRouter<S> {
    /// Puts the layers the route's list starts with around its endpoints.
    pub fn with_outer(self, outer: impl Fn(MethodRouter<S>) -> MethodRouter<S> + 'static) -> Self {
        Self {
            outer: Some(Box::new(outer)),
            ..self
        }
    }

    /// The route on every method inside its leading layers, for a state-free route.
    pub fn with_whole(self, whole: impl FnOnce() -> MethodRouter<S> + 'static) -> Self {
        Self {
            whole: Some(Box::new(whole)),
            ..self
        }
    }

    /// The prefix/suffix text the route's handler checks before anything else.
    pub fn with_affixes(self, table: &'static AffixTable) -> Self {
        Self {
            affixes: Some(table),
            ..self
        }
    }

    /// Whether nothing wraps the route's handler: no leading layers, no options.
    pub(super) fn plain(&self, def: &RouteDef<S>) -> bool {
        self.outer.is_none() && def.options.is_none()
    }

    /// The route's leading layers, then its options around them.
    pub(super) fn wrapped(self, def: &RouteDef<S>) -> Self {
        let outer = self.outer.as_ref();
        let wrap = |router| wrap(outer, def.options, router);
        let main = match self.whole {
            Some(whole) => def.options.apply(whole()),
            None => wrap(self.main),
        };
        Self {
            whole: None,
            main,
            automatic: self.automatic.map(wrap),
            outer: None,
            carried: self.carried,
            direct: self.direct,
            affixes: self.affixes,
        }
    }
}

/// How a route's handler becomes an endpoint of its method router: `stateful`, or
/// `state_free` for a handler that reads nothing from the state (the macro passes it when
/// the handler's impl has no bound on the state type).
#[doc(hidden)]
pub type Endpoint<S, M, H> =
    fn(Option<axum::routing::MethodFilter>, H) -> MethodRouter<<M as Mount<S>>::State>;

/// `on(filter, handler)` (`any` without a filter), the handler mounted as `M` says.
#[doc(hidden)]
pub fn stateful<S, M, H>(
    filter: Option<axum::routing::MethodFilter>,
    handler: H,
) -> MethodRouter<M::State>
where
    H: RouteHandler<S>,
    M: Mount<S>,
    S: Clone + Send + Sync + 'static,
{
    match filter {
        Some(filter) => axum::routing::on(filter, OwnAllow(M::mount(handler))),
        None => stateful_any::<S, M, H>(None, handler),
    }
}

/// `stateful` for a route module, whose handler answers every method: `any(handler)` only,
/// so a module does not compile axum's per-method endpoint for nothing.
#[doc(hidden)]
pub fn stateful_any<S, M, H>(
    _filter: Option<axum::routing::MethodFilter>,
    handler: H,
) -> MethodRouter<M::State>
where
    H: RouteHandler<S>,
    M: Mount<S>,
    S: Clone + Send + Sync + 'static,
{
    axum::routing::any(OwnAllow(M::mount(handler)))
}

/// `stateful` for a handler that needs no state: on the app's own router, a plain tower
/// service (`routes/state_free.rs`).
#[doc(hidden)]
pub fn state_free<S, M, H>(
    filter: Option<axum::routing::MethodFilter>,
    handler: H,
) -> MethodRouter<M::State>
where
    H: RouteHandler<S> + RouteHandler<()>,
    M: Mount<S>,
    S: Clone + Send + Sync + 'static,
{
    M::state_free(filter, handler)
}

/// A route module: one handler for every method of its path, mounted as `M` says
/// (directly, or behind app-wide middleware).
#[doc(hidden)]
pub fn module_router<S, M, H>(handler: H, endpoint: Endpoint<S, M, H>) -> RouteRouter<M::State>
where
    H: RouteHandler<S>,
    M: Mount<S>,
    S: Clone + Send + Sync + 'static,
{
    let call = shapes::erase(M::mount(handler.clone()), None);
    module_parts(endpoint(None, handler), call)
}

/// The rest of [`module_router`], generic over the state only, so it is compiled once
/// rather than once per route.
fn module_parts<S>(main: MethodRouter<S>, call: shapes::CallWithState<S>) -> RouteRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    RouteRouter {
        main,
        automatic: None,
        outer: None,
        carried: shapes::carried_module(call.clone()),
        direct: Some(call),
        affixes: None,
        whole: None,
    }
}

/// A function-form route: its method, and the automatic answers of its path.
///
/// The handler answers those through its own middleware. With `allow` (the path's `Allow`
/// value, when other functions share the path) it is called with that value, by a cold
/// endpoint that only `OPTIONS` and `405` reach; alone on its path it answers with its own,
/// so every endpoint stays a unit struct, which axum clones per request for nothing.
#[doc(hidden)]
pub fn function_router<S, M, H>(
    filter: axum::routing::MethodFilter,
    handler: H,
    allow: Allow,
    endpoint: Endpoint<S, M, H>,
) -> RouteRouter<M::State>
where
    H: RouteHandler<S>,
    M: Mount<S>,
    S: Clone + Send + Sync + 'static,
{
    let mounted = M::mount(handler.clone());
    let call = shapes::erase(mounted.clone(), None);
    // With the path's value, the automatic answers are the erased handler: a service of the
    // state type only, so a route instantiates axum's handler machinery once, not twice.
    let path_call = allow.map(|allow| shapes::erase(mounted, Some(allow)));
    let automatic = match &path_call {
        None => endpoint(None, handler.clone()),
        Some(path_call) => axum::routing::any(Erased(path_call.clone())),
    };
    let carried = shapes::carried_function(filter, call.clone(), path_call);
    RouteRouter {
        main: endpoint(Some(filter), handler),
        automatic: Some(automatic),
        outer: None,
        carried,
        // Beside other functions, the automatic answers need the method router.
        direct: allow.is_none().then_some(call),
        affixes: None,
        whole: None,
    }
}

/// A route's handler as axum's, answering with its own `Allow` value.
#[derive(Clone)]
pub(crate) struct OwnAllow<H>(pub(crate) H);

impl<H, S> Handler<(), S> for OwnAllow<H>
where
    H: RouteHandler<S>,
    S: Clone + Send + Sync + 'static,
{
    type Future = RouteFuture;

    #[inline]
    fn call(self, req: http::Request<axum::body::Body>, state: S) -> RouteFuture {
        self.0.call(req, state, None)
    }
}

/// A route's erased handler as axum's: the automatic answers of a function-form route
/// beside other functions of its path, with the path's `Allow` value.
struct Erased<S>(shapes::CallWithState<S>);

impl<S> Clone for Erased<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<S> Handler<(), S> for Erased<S>
where
    S: Clone + Send + Sync + 'static,
{
    type Future = RouteFuture;

    fn call(self, req: http::Request<axum::body::Body>, state: S) -> RouteFuture {
        (self.0)(req, state, false)
    }
}
