//! How `#[middleware]` functions and tower layers run inside a route's handler.
//!
//! A generated handler calls each middleware with the rest of the chain as a generic
//! closure, so a provider is a plain `async` call: no `from_fn` boxing and no service
//! clone per request. Only an around middleware boxes, to hand its `Next` a fixed type.

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::request::Parts;
use tower::{Layer, Service, ServiceExt};

use crate::error::ApiError;

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
    message = "no middleware earlier on this route provides `{Self}`",
    label = "`Ctx<{Self}>` needs a `#[middleware]` that returns `{Self}` earlier on this route",
    note = "add a provider such as `#[middleware] async fn auth(…) -> Result<{Self}, ApiError>` to the route's `#[middleware(…)]` list, before this handler; use `Option<Ctx<{Self}>>` if it may be absent"
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

/// The rest of a chain as a tower `Service`, for a layer to wrap.
pub struct Rest<F, S> {
    rest: Option<(F, S)>,
}

type RestFuture = std::pin::Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl<F, Fut, S> Service<http::Request<Body>> for Rest<F, S>
where
    F: FnOnce(Parts, Body, S) -> Fut + Send + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = RestFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        match self.rest.take() {
            Some((rest, state)) => {
                let (parts, body) = req.into_parts();
                let future = rest(parts, body, state);
                Box::pin(async move { Ok(future.await) })
            }
            None => Box::pin(async {
                Ok(
                    ApiError::internal("a middleware layer called the rest of the chain twice")
                        .into_response(),
                )
            }),
        }
    }
}

/// Runs a `tower::Layer` around the rest of the chain.
pub async fn through_layer<L, F, Fut, B, S>(
    layer: L,
    parts: Parts,
    body: Body,
    state: S,
    rest: F,
) -> Response
where
    F: FnOnce(Parts, Body, S) -> Fut + Send + 'static,
    Fut: Future<Output = Response> + Send + 'static,
    L: Layer<Rest<F, S>>,
    L::Service: Service<http::Request<Body>, Response = http::Response<B>> + Send,
    <L::Service as Service<http::Request<Body>>>::Error: std::fmt::Display,
    <L::Service as Service<http::Request<Body>>>::Future: Send,
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let service = layer.layer(Rest {
        rest: Some((rest, state)),
    });
    match service
        .oneshot(http::Request::from_parts(parts, body))
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(error) => {
            ApiError::internal(format!("middleware layer failed: {error}")).into_response()
        }
    }
}
