//! App-wide middleware, `routes![middleware(session, logger); …]`: a chain that runs for
//! every request the app answers, before anything of the route it matched (or the `404`),
//! as TanStack Start's global request middleware does.
//!
//! The app a `routes!` with such a list builds is a router with the routes' paths, each
//! path's one endpoint running the app-wide chain with the app's state and then handing the
//! request to that path's own method router (its methods, automatic `HEAD`/`OPTIONS`/`405`,
//! its layers); the router's fallback runs the chain in front of the trailing-slash answers
//! and the JSON `404`. So a request is matched once, as in a hand-written axum app with
//! `Router::layer`, and the chain still runs before any route middleware and for every
//! `404`. The method routers behind the chain are built once, stateless, when `routes!`
//! runs: each route's handler is mounted in a [`FromApp`] that takes the state the chain
//! leaves in the request, so the state is still given once, with axum's `with_state`.
//!
//! How each route is registered is also decided here: [`Register`] is what every `#[route]`
//! and `#[group]` implements, and its where-clause is where a route's `Ctx<T>` checks meet
//! what the app-wide list provides.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::handler::Handler;
use axum::response::Response;
use axum::routing::future::InfallibleRouteFuture;
use axum::routing::{MethodFilter, MethodRouter};
use axum::Router;
use futures_util::future::Either;
use http::request::Parts;
use tower::{Layer, Service};

use crate::context::NextFuture;
use crate::handler::{Allow, RouteFuture, RouteHandler};
use crate::middleware::{Carry, LayerService, Layers};
use crate::routes::{CallWithState, Mount, RouteSet};

/// A route on the app's own router, which gets the state from axum.
pub struct Direct;

impl<S: Clone + Send + Sync + 'static> Mount<S> for Direct {
    type State = S;
    type Mounted<H: RouteHandler<S>> = H;

    #[inline]
    fn mount<H: RouteHandler<S>>(handler: H) -> H {
        handler
    }

    /// A plain tower service: axum has no state to give it.
    fn state_free<H>(filter: Option<MethodFilter>, handler: H) -> MethodRouter<S>
    where
        H: RouteHandler<S> + RouteHandler<()>,
    {
        crate::routes::state_free_endpoint(filter, handler)
    }
}

/// A route on the router behind app-wide middleware, which gets the state from the chain.
pub struct ViaApp;

impl<S: Clone + Send + Sync + 'static> Mount<S> for ViaApp {
    type State = ();
    type Mounted<H: RouteHandler<S>> = FromApp<H, S>;

    #[inline]
    fn mount<H: RouteHandler<S>>(handler: H) -> FromApp<H, S> {
        FromApp {
            handler,
            state: PhantomData,
        }
    }

    /// As any other: the chain in front passes the request on with the state.
    fn state_free<H>(filter: Option<MethodFilter>, handler: H) -> MethodRouter
    where
        H: RouteHandler<S> + RouteHandler<()>,
    {
        crate::routes::stateful::<S, Self, H>(filter, handler)
    }
}

/// The app's state, carried from the app-wide chain to the route's handler.
#[derive(Clone)]
struct AppState<S>(S);

/// A route's handler behind app-wide middleware: called with the state the chain put in
/// the request.
pub struct FromApp<H, S> {
    handler: H,
    state: PhantomData<fn() -> S>,
}

impl<H: Clone, S> Clone for FromApp<H, S> {
    fn clone(&self) -> Self {
        Self {
            handler: self.handler.clone(),
            state: PhantomData,
        }
    }
}

impl<H, S> RouteHandler<()> for FromApp<H, S>
where
    H: RouteHandler<S>,
    S: Clone + Send + Sync + 'static,
{
    const AFFIXES: Option<&'static crate::affixes::AffixTable> = H::AFFIXES;

    #[inline]
    fn answer(self, mut req: http::Request<Body>, _state: (), allow: Allow) -> RouteFuture {
        match req.extensions_mut().remove::<AppState<S>>() {
            Some(AppState(state)) => self.handler.answer(req, state, allow),
            None => RouteFuture::without_state(true),
        }
    }
}

/// What the app-wide chain hands the request to: the matched path's method router (or the
/// `404` answer), finalised, shared by every request of the path.
#[derive(Clone)]
pub struct Inner(Arc<PathEndpoint>);

struct PathEndpoint {
    router: MethodRouter,
    /// The path's one handler, when the method router is nothing else: a module's or a
    /// lone function's, no leading layers or options around it.
    direct: Option<CallWithState<()>>,
    /// Whether [`route_table`](crate::route_table)'s look-up (`//`) can reach it: the
    /// fallback and a root catch-all, so no other path pays for the check. (Kept here
    /// rather than beside `Inner` in [`AppHandler`], which axum allocates per request at
    /// its present size.)
    probe: bool,
}

/// The app-wide middleware list, as `routes!` generates it: runs the chain in front of
/// the routes.
pub trait AppChain<S>: 'static {
    /// Runs the list with `state`, then the routes (`inner`), through the layers built once
    /// by [`Routes::with_app`].
    fn run(
        parts: Parts,
        body: Body,
        state: S,
        layers: Layers,
        inner: Inner,
    ) -> impl Future<Output = Response> + Send + 'static;
}

/// The end of the app-wide chain: the router of the routes, with the state in the request.
pub async fn enter<S>(inner: Inner, mut parts: Parts, body: Body, state: S) -> Response
where
    S: Clone + Send + Sync + 'static,
{
    parts.extensions.insert(AppState(state));
    inner.call(http::Request::from_parts(parts, body)).await
}

impl Inner {
    fn new(router: MethodRouter, direct: Option<CallWithState<()>>, probe: bool) -> Self {
        Self(Arc::new(PathEndpoint {
            router,
            direct,
            probe,
        }))
    }

    /// The path's handler called with the request, else its method router (axum clones an
    /// endpoint per call too).
    #[inline]
    fn call(self, req: http::Request<Body>) -> Either<RouteFuture, InfallibleRouteFuture> {
        match &self.0.direct {
            Some(direct) => Either::Left(direct(req, (), false)),
            None => Either::Right(Handler::call(self.0.router.clone(), req, ())),
        }
    }
}

/// A path's endpoint (or the fallback): the app-wide chain, then the path's method router.
struct AppHandler<G> {
    inner: Inner,
    layers: Layers,
    chain: PhantomData<fn() -> G>,
}

impl<G> Clone for AppHandler<G> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            layers: self.layers.clone(),
            chain: PhantomData,
        }
    }
}

impl<S, G> Handler<(), S> for AppHandler<G>
where
    S: Clone + Send + Sync + 'static,
    G: AppChain<S>,
{
    type Future = RouteFuture;

    fn call(self, req: http::Request<Body>, state: S) -> RouteFuture {
        // `route_table(&app)` asks the routes' router directly: app-wide middleware (an
        // auth check answering 401) must not hide the table from `serve` or a test.
        if self.inner.0.probe && crate::routes::is_table_probe(&req) {
            return RouteFuture::pending("(route table)", self.inner.call(req));
        }
        let (parts, body) = req.into_parts();
        RouteFuture::pending(
            "(app-wide middleware)",
            G::run(parts, body, state, self.layers, self.inner),
        )
    }
}

/// The routes of one `routes!`: where each route registers, for the app-wide list `A`
/// (the type-level list of the context values it provides).
pub struct Routes<S, M: Mount<S>, A> {
    set: RouteSet<M::State>,
    #[allow(clippy::type_complexity)]
    marker: PhantomData<fn() -> (S, M, A)>,
}

impl<S, M, A> Routes<S, M, A>
where
    S: Clone + Send + Sync + 'static,
    M: Mount<S>,
{
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            set: RouteSet::new(),
            marker: PhantomData,
        }
    }

    /// `routes![trailing_slash = NotFound; …]`.
    pub fn trailing_slash(&mut self, policy: crate::TrailingSlash) {
        self.set.trailing_slash(policy);
    }

    /// Adds one route; called by the route's `__routekit_register` (or its `Register` impl,
    /// through a group).
    #[inline]
    pub fn add(&mut self, def: crate::routes::RouteDef<M::State>) {
        self.set.add(def);
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S, Direct, ()> {
    /// The app without app-wide middleware: the routes' router itself.
    pub fn build(self) -> Router<S> {
        self.set.build()
    }
}

impl<S: Clone + Send + Sync + 'static, A> Routes<S, ViaApp, A> {
    /// Builds a layer of the app-wide list around `rest`, the generated rest of the chain.
    pub fn app_layer<L, B>(
        &self,
        layer: L,
        rest: fn(Parts, Body, Carry<S, Inner>) -> NextFuture,
    ) -> LayerService
    where
        L: Layer<AppResume<S>>,
        L::Service: Service<http::Request<Body>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<http::Request<Body>>>::Error: std::fmt::Display,
        <L::Service as Service<http::Request<Body>>>::Future: Send + 'static,
        B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        crate::middleware::build_layer(layer, rest)
    }

    /// The app behind the app-wide chain `G`, whose layers were built once from the
    /// list's expressions; `labels` name the list in the route table.
    pub fn with_app<G: AppChain<S>>(
        mut self,
        layers: Vec<LayerService>,
        labels: &'static [&'static str],
    ) -> Router<S> {
        self.set.app_labels(labels);
        let layers: Layers = if layers.is_empty() {
            None
        } else {
            Some(Arc::from(layers))
        };
        let behind = |router: MethodRouter, direct, probe| AppHandler::<G> {
            inner: Inner::new(router.with_state(()), direct, probe),
            layers: layers.clone(),
            chain: PhantomData,
        };
        let mut app = Some(Router::new());
        let unmatched = self.set.assemble(|path, endpoint, direct| {
            let endpoint = behind(endpoint, direct, path.starts_with("/{*"));
            app = app
                .take()
                .map(|app| app.route(path, axum::routing::any(endpoint)));
        });
        app.unwrap_or_default()
            .fallback(behind(axum::routing::any(unmatched), None, true))
    }
}

/// What every `#[route]` and `#[group]` implements, so a group registers its children
/// whatever they are. The where-clause of a route's impl asks the trait solver whether each
/// `Ctx<T>` it takes is provided by its own chain or by the app-wide list `A`; `I` is where
/// each was found (inferred, never written). `routes!` calls each path's
/// `__routekit_register`, a generic function with the same where-clause, so a failed check
/// is reported as a bound of that function, pointing at the user's `Ctx<T>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a route",
    label = "not a `#[route]` module or function, nor a `#[group]`",
    note = "`routes![…]` takes the paths of `#[route]` modules and functions and of `#[group]` modules"
)]
pub trait Register<S, M: Mount<S>, A, I> {
    fn register(routes: &mut Routes<S, M, A>);
}

/// The rest of the app-wide chain after one of its layers.
pub type AppResume<S> = crate::middleware::Resume<Carry<S, Inner>>;
