//! How `#[middleware]` functions and tower layers run inside a route's handler.
//!
//! A generated handler calls each middleware with the rest of the chain as a generic
//! closure, so a provider is a plain `async` call: no `from_fn` boxing and no service
//! clone per request. Only an around middleware boxes, to hand its `Next` a fixed type.

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::request::Parts;
use tower::util::BoxCloneSyncService;
use tower::{Layer, Service, ServiceExt};

use crate::context::NextFuture;
use crate::error::ApiError;
use crate::request::Request;

pub use crate::middleware_types::{
    require_all, Bare, CallWithArguments, ListItem, Listing, MiddlewareInfo, NeedsArguments,
    NotAMiddleware, NotInScope, ProvidedBy, SatisfiedBy,
};

/// Running a `#[middleware]` function in front of `rest`, the remainder of the chain.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot run as middleware of a route with state `{S}`",
    note = "each argument of a `#[middleware]` function must be an extractor for the app's state"
)]
pub trait Middleware<S>: MiddlewareInfo {
    fn call<F, Fut>(
        parts: Parts,
        body: Body,
        state: S,
        rest: F,
    ) -> impl Future<Output = Response> + Send
    where
        F: FnOnce(Parts, Body, S) -> Fut + Send + 'static,
        Fut: Future<Output = Response> + Send + 'static,
        S: Send + Sync + 'static;
}

/// What the middleware of one route provide, as the type-level list `L`, carried by value
/// through the route's build so that a list item known only by its value (a configured
/// `#[middleware]` with arguments, `require_role("admin")`) joins the `Ctx` checks.
/// Every method is a compile-time check; none does anything at run time.
pub struct Provided<L>(PhantomData<L>);

impl<L> Clone for Provided<L> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<L> Copy for Provided<L> {}

/// The start of a route's chain: nothing provided yet.
#[inline(always)]
pub fn provided() -> Provided<()> {
    Provided(PhantomData)
}

impl<L> Provided<L> {
    /// A `#[middleware]` function named in the list: what it takes must be provided
    /// before it; what it returns is provided after it.
    #[inline(always)]
    pub fn named<M, I>(self) -> Provided<(M::Provides, L)>
    where
        M: MiddlewareInfo,
        M::Requires: SatisfiedBy<L, I>,
    {
        Provided(PhantomData)
    }

    /// A list item given by value: `(&provided.item(&value)).step()` checks and adds what
    /// it provides when it is a configured `#[middleware]` ([`StepInfo`]), and adds nothing
    /// for any other layer ([`StepLayer`]).
    #[inline(always)]
    pub fn item<V>(self, _value: &V) -> Item<'_, V, L> {
        Item(PhantomData)
    }
}

/// A list item given by value, before the chain `L`. See [`Provided::item`].
pub struct Item<'a, V, L>(PhantomData<(&'a V, L)>);

/// A configured `#[middleware]`: chosen by method resolution before [`StepLayer`] (it
/// takes the item by reference, one autoref fewer), when the value is `MiddlewareInfo`.
/// The requirement is a bound of the method, not of the impl, so a missing provider is an
/// error here instead of a silent fall back to "a layer".
pub trait StepInfo<V: MiddlewareInfo, L> {
    fn step<I>(&self) -> Provided<(V::Provides, L)>
    where
        V::Requires: SatisfiedBy<L, I>;
}

impl<V: MiddlewareInfo, L> StepInfo<V, L> for Item<'_, V, L> {
    #[inline(always)]
    fn step<I>(&self) -> Provided<(V::Provides, L)>
    where
        V::Requires: SatisfiedBy<L, I>,
    {
        Provided(PhantomData)
    }
}

/// Any other layer: provides nothing, needs nothing.
pub trait StepLayer<L> {
    fn step(&self) -> Provided<((), L)>;
}

impl<V, L> StepLayer<L> for &Item<'_, V, L> {
    #[inline(always)]
    fn step(&self) -> Provided<((), L)> {
        Provided(PhantomData)
    }
}

/// A `#[middleware]` with `#[arg]` arguments, configured (`require_role("admin")`): the
/// struct the declaration generates, holding the arguments. It runs as a layer, built once
/// with the router ([`ConfiguredService`]), outside the app's state, so its extractors are
/// the state-free ones (`Ctx<T>`, `HeaderMap`, …).
pub trait Configured: MiddlewareInfo + Send + Sync + 'static {
    /// Runs the middleware in front of `rest`, the remainder of the chain.
    fn run<F, Fut>(
        &self,
        parts: Parts,
        body: Body,
        rest: F,
    ) -> impl Future<Output = Response> + Send
    where
        F: FnOnce(Parts, Body) -> Fut + Send + 'static,
        Fut: Future<Output = Response> + Send + 'static;
}

/// The service of a configured middleware around `inner` (the rest of the route's chain,
/// or the route itself when the list starts with it). The configuration is shared, not
/// cloned, per request.
pub struct ConfiguredService<M, I> {
    config: Arc<M>,
    inner: I,
}

impl<M, I: Clone> Clone for ConfiguredService<M, I> {
    fn clone(&self) -> Self {
        Self {
            config: Arc::clone(&self.config),
            inner: self.inner.clone(),
        }
    }
}

impl<M: Clone, I> ConfiguredService<M, I> {
    /// Wraps `inner`; called by the generated `Layer` impl, once per route.
    pub fn new(config: &M, inner: I) -> Self {
        Self {
            config: Arc::new(config.clone()),
            inner,
        }
    }
}

impl<M, I> Service<http::Request<Body>> for ConfiguredService<M, I>
where
    M: Configured,
    I: Service<http::Request<Body>, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    I::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let config = Arc::clone(&self.config);
        // The ready service goes with the request; this one keeps a fresh clone, as tower
        // documents for services called from a future.
        let fresh = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, fresh);
        Box::pin(async move {
            let (parts, body) = req.into_parts();
            let rest = move |parts, body| async move {
                let mut inner = inner;
                match inner.call(http::Request::from_parts(parts, body)).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            };
            Ok(config.run(parts, body, rest).await)
        })
    }
}

/// Whether a context type can travel in the request's extensions.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a context value",
    label = "a middleware's context value must be `Clone + Send + Sync + 'static`",
    note = "derive `Clone`, and share with `Arc` (not `Rc`/`RefCell`) so the value can cross threads"
)]
pub trait ContextValue: Clone + Send + Sync + 'static {}
#[diagnostic::do_not_recommend]
impl<T: Clone + Send + Sync + 'static> ContextValue for T {}

/// Puts a provider's value into the request context, or answers its error.
#[inline]
pub fn provide<T: ContextValue, E: IntoResponse>(
    parts: &mut Parts,
    outcome: Result<T, E>,
) -> Result<(), Response> {
    match outcome {
        Ok(value) => {
            parts.extensions.insert(value);
            Ok(())
        }
        Err(error) => Err(error.into_response()),
    }
}

/// A tower layer of a route's middleware list, built once when `routes!` builds the router,
/// around the rest of that route's chain.
///
/// The chain runs inside one generated handler, which receives the app state per request,
/// while a layer's service must exist before any request. So the service a layer wraps is
/// a `Resume`: stateless, it finds the state (and the other layers) the handler left in
/// the request's extensions and runs the rest of the chain from there. The layer's own
/// service, and whatever it keeps (a semaphore, a rate limiter's bucket), lives as long as
/// the router and is cloned per request, as tower intends.
pub type LayerService = BoxCloneSyncService<http::Request<Body>, Response, Infallible>;

/// The layers of one route, in the order the macros number them.
pub type Layers = Option<Arc<[LayerService]>>;

/// What a chain hands to the rest of itself through a layer: the state, the chain's
/// layers, and what the chain's end needs (`with`): a route's chain its path's `Allow`
/// value ([`Allow`](crate::handler::Allow)), the app-wide chain the matched path's routes
/// (`app::Inner`).
#[derive(Clone)]
pub struct Carry<S, W> {
    pub state: S,
    pub layers: Layers,
    pub with: W,
}

/// The rest of a chain after a layer: a generated function, run when the layer calls its
/// inner service. `C` is what the chain hands to that function through the request's
/// extensions, a [`Carry`].
pub struct Resume<C> {
    rest: fn(Parts, Body, C) -> NextFuture,
}

impl<C> Clone for Resume<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Resume<C> {}

impl<C: Clone + Send + Sync + 'static> Service<http::Request<Body>> for Resume<C> {
    type Response = Response;
    type Error = Infallible;
    type Future =
        futures_util::future::Map<NextFuture, fn(Response) -> Result<Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        use futures_util::FutureExt;
        let (mut parts, body) = req.into_parts();
        let future = match parts.extensions.remove::<C>() {
            Some(carry) => (self.rest)(parts, body, carry),
            None => Box::pin(async {
                ApiError::internal(
                    "a middleware layer called the rest of the chain twice, or without the request it was given",
                )
                .into_response()
            }),
        };
        future.map(Ok as fn(Response) -> Result<Response, Infallible>)
    }
}

/// Builds `layer` around `rest`, its errors answered as `500`s: once per layer, when the
/// router is built (`C` is a route's or the app-wide chain's [`Carry`]).
pub fn build_layer<C, L, B>(layer: L, rest: fn(Parts, Body, C) -> NextFuture) -> LayerService
where
    C: Clone + Send + Sync + 'static,
    L: Layer<Resume<C>>,
    L::Service:
        Service<http::Request<Body>, Response = http::Response<B>> + Clone + Send + Sync + 'static,
    <L::Service as Service<http::Request<Body>>>::Error: std::fmt::Display,
    <L::Service as Service<http::Request<Body>>>::Future: Send + 'static,
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    BoxCloneSyncService::new(answering(layer.layer(Resume { rest })))
}

/// `inner` with its errors answered as `500`s.
pub(crate) fn answering<T>(inner: T) -> Answering<T> {
    Answering {
        inner,
        not_ready: None,
    }
}

/// A layer's service with its errors answered as `500`s, so the chain stays `Infallible`
/// as axum's routes are.
#[derive(Clone)]
pub struct Answering<T> {
    inner: T,
    /// Why `poll_ready` failed: answered by the next `call`.
    not_ready: Option<String>,
}

impl<T, B> Service<http::Request<Body>> for Answering<T>
where
    T: Service<http::Request<Body>, Response = http::Response<B>>,
    T::Error: std::fmt::Display,
    T::Future: Send + 'static,
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = futures_util::future::Either<
        futures_util::future::Ready<Result<Response, Infallible>>,
        futures_util::future::Map<
            T::Future,
            fn(Result<http::Response<B>, T::Error>) -> Result<Response, Infallible>,
        >,
    >;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.inner.poll_ready(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(())) => Poll::Ready(Ok(())),
            Poll::Ready(Err(error)) => {
                self.not_ready = Some(error.to_string());
                Poll::Ready(Ok(()))
            }
        }
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        use futures_util::future::{ready, Either, FutureExt};
        if let Some(error) = self.not_ready.take() {
            return Either::Left(ready(Ok(layer_failed(error))));
        }
        Either::Right(self.inner.call(req).map(answer as fn(_) -> _))
    }
}

fn answer<B, E>(result: Result<http::Response<B>, E>) -> Result<Response, Infallible>
where
    E: std::fmt::Display,
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    Ok(match result {
        Ok(response) => response.map(Body::new),
        Err(error) => layer_failed(error.to_string()),
    })
}

#[cold]
fn layer_failed(error: String) -> Response {
    ApiError::internal(format!("middleware layer failed: {error}")).into_response()
}

/// A layer a route's list starts with, its errors answered as `500`s so the route stays
/// `Infallible` as axum's routes must be (a `tower::timeout` error, a load-shed refusal).
#[derive(Clone)]
pub struct AnswerErrors<L>(L);

impl<L: Layer<S>, S> Layer<S> for AnswerErrors<L> {
    type Service = Answering<L::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        Answering {
            inner: self.0.layer(inner),
            not_ready: None,
        }
    }
}

/// A route's leading layer on its way into `MethodRouter::layer` (or around a state-free
/// route's handler, `routes::whole_route`): as written when its
/// service already answers every request (`Error = Infallible`, the case of
/// `ConcurrencyLimitLayer`, `CorsLayer` and most), or through `AnswerErrors` when it can
/// fail (`TimeoutLayer`, load shedding). Chosen by the type of the layer at compile time
/// (autoref specialization), so a layer that cannot fail costs nothing more than in a
/// hand-written `route_layer`.
pub struct LeadingLayer<L>(pub L);

/// [`LeadingLayer`] of a layer that cannot fail: the layer itself.
pub trait LeadingInfallible {
    type Layer;
    fn leading(&self) -> Self::Layer;
}

impl<L> LeadingInfallible for LeadingLayer<L>
where
    L: Layer<axum::routing::Route> + Clone,
    L::Service: Service<http::Request<Body>, Response = Response, Error = Infallible>,
{
    type Layer = L;
    fn leading(&self) -> L {
        self.0.clone()
    }
}

/// [`LeadingLayer`] of any other layer: its errors answered as `500`s.
pub trait LeadingFallible {
    type Layer;
    fn leading(&self) -> Self::Layer;
}

impl<L: Clone> LeadingFallible for &LeadingLayer<L> {
    type Layer = AnswerErrors<L>;
    fn leading(&self) -> AnswerErrors<L> {
        AnswerErrors(self.0.clone())
    }
}

/// Collects a route's built layers.
pub fn layers(services: Vec<LayerService>) -> Layers {
    if services.is_empty() {
        None
    } else {
        Some(services.into())
    }
}

/// Sends the request through layer `index` of `layers`, with the `Carry` of `state`, the
/// layers and `with` in its extensions for the layer's inner `Resume` (a route's chain and
/// the app-wide one).
pub async fn through_layer<S, W>(
    layers: Layers,
    index: usize,
    mut parts: Parts,
    body: Body,
    state: S,
    with: W,
) -> Response
where
    S: Clone + Send + Sync + 'static,
    W: Clone + Send + Sync + 'static,
{
    let Some(service) = layers.as_ref().and_then(|all| all.get(index)) else {
        return ApiError::internal("a middleware layer was not built").into_response();
    };
    let service = service.clone();
    parts.extensions.insert(Carry {
        state,
        layers,
        with,
    });
    match service
        .oneshot(http::Request::from_parts(parts, body))
        .await
    {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Rebuilds the routekit [`Request`] an around middleware receives.
#[inline]
#[doc(hidden)]
pub fn request(parts: Parts, body: Body) -> Request {
    Request::from(http::Request::from_parts(parts, body))
}

/// Splits the request an around middleware passed on.
#[inline]
#[doc(hidden)]
pub fn split(request: Request) -> (Parts, Body) {
    http::Request::from(request).into_parts()
}
