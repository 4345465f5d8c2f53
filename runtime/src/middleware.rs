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

/// What a `#[middleware]` function adds to and needs from the request context, as types.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `#[middleware]` function",
    label = "not a `#[middleware]` function",
    note = "declare it with `#[middleware] async fn …`, or write a `tower::Layer` expression such as `CorsLayer::permissive()`"
)]
pub trait MiddlewareInfo {
    /// The context value it adds (`()` for none).
    type Provides;
    /// The context values it takes, as a type-level list `(A, (B, ()))`.
    type Requires;
}

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

/// Type-level list membership: `L` contains `T` at position `I`.
pub trait Has<T, I> {}

#[doc(hidden)]
pub struct Here;
#[doc(hidden)]
pub struct There<I>(PhantomData<I>);

impl<T, Tail> Has<T, Here> for (T, Tail) {}
impl<T, H, Tail, I> Has<T, There<I>> for (H, Tail) where Tail: Has<T, I> {}

/// `Self` is provided by a middleware of the chain `L`, so `Ctx<Self>` can be taken.
#[diagnostic::on_unimplemented(
    message = "no middleware earlier on this route, nor app-wide, provides `{Self}`",
    label = "`Ctx<{Self}>` needs a `#[middleware]` that returns `{Self}` earlier on this route",
    note = "add a provider such as `#[middleware] async fn auth(…) -> Result<{Self}, ApiError>` before what takes `Ctx<{Self}>`: in the route's `#[middleware(…)]` list, its group's, or the app-wide `routes![middleware(…); …]`; use `Option<Ctx<{Self}>>` if it may be absent"
)]
pub trait ProvidedBy<L, I> {}
#[diagnostic::do_not_recommend]
impl<T, L: Has<T, I>, I> ProvidedBy<L, I> for T {}

/// Every type of the list `Self` (a middleware's `Ctx` arguments) is provided by `L`.
#[diagnostic::on_unimplemented(
    message = "this middleware takes a context value that no middleware before it provides",
    label = "needs every type of `{Self}` from a `#[middleware]` listed before it",
    note = "list the `#[middleware]` that returns the value before this one"
)]
pub trait SatisfiedBy<L, I> {}
impl<L> SatisfiedBy<L, ()> for () {}
impl<H, T, L, I, J> SatisfiedBy<L, (I, J)> for (H, T)
where
    H: ProvidedBy<L, I>,
    T: SatisfiedBy<L, J>,
{
}

/// Compile-time check that the chain `L` provides `T`.
#[inline(always)]
pub fn require_ctx<T: ProvidedBy<L, I>, L, I>() {}

/// Compile-time check that the chain `L` provides everything in `R`.
#[inline(always)]
pub fn require_all<R: SatisfiedBy<L, I>, L, I>() {}

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
/// a [`Resume`]: stateless, it finds the state (and the other layers) the handler left in
/// the request's extensions and runs the rest of the chain from there. The layer's own
/// service, and whatever it keeps (a semaphore, a rate limiter's bucket), lives as long as
/// the router and is cloned per request, as tower intends.
pub type LayerService = BoxCloneSyncService<http::Request<Body>, Response, Infallible>;

/// The layers of one route, in the order the macros number them.
pub type Layers = Option<Arc<[LayerService]>>;

/// What a generated handler hands to the rest of its chain through a layer.
#[derive(Clone)]
pub struct Carry<S> {
    pub state: S,
    pub layers: Layers,
}

/// The rest of a chain after a layer: a generated function of the route, run when the
/// layer calls its inner service.
pub struct Resume<S> {
    rest: fn(Parts, Body, Carry<S>) -> NextFuture,
}

impl<S> Clone for Resume<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Resume<S> {}

impl<S: Clone + Send + Sync + 'static> Service<http::Request<Body>> for Resume<S> {
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
        let future = match parts.extensions.remove::<Carry<S>>() {
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

/// Builds one layer of a route around the generated rest of its chain: called once per
/// route, when the router is built.
pub fn build_layer<S, L, B>(layer: L, rest: fn(Parts, Body, Carry<S>) -> NextFuture) -> LayerService
where
    S: Clone + Send + Sync + 'static,
    L: Layer<Resume<S>>,
    L::Service:
        Service<http::Request<Body>, Response = http::Response<B>> + Clone + Send + Sync + 'static,
    <L::Service as Service<http::Request<Body>>>::Error: std::fmt::Display,
    <L::Service as Service<http::Request<Body>>>::Future: Send + 'static,
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    BoxCloneSyncService::new(Answering {
        inner: layer.layer(Resume { rest }),
        not_ready: None,
    })
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

/// Wraps a route's leading layer for axum's `MethodRouter::layer`.
pub fn answer_errors<L>(layer: L) -> AnswerErrors<L> {
    AnswerErrors(layer)
}

impl<L: Layer<S>, S> Layer<S> for AnswerErrors<L> {
    type Service = Answering<L::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        Answering {
            inner: self.0.layer(inner),
            not_ready: None,
        }
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

/// Sends the request through layer `index` of `layers`; the layer's inner `Resume`
/// continues the chain with `state`.
pub async fn through_layer<S>(
    layers: &Layers,
    index: usize,
    mut parts: Parts,
    body: Body,
    state: S,
) -> Response
where
    S: Clone + Send + Sync + 'static,
{
    let Some(service) = layers.as_ref().and_then(|all| all.get(index)) else {
        return ApiError::internal("a route's middleware layer was not built").into_response();
    };
    let service = service.clone();
    parts.extensions.insert(Carry {
        state,
        layers: layers.clone(),
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
