//! The endpoint of a route whose handler reads nothing from the app's state: no `Ctx`, no
//! extractor, no `#[middleware]` function (the macro knows; its handler is then a handler
//! for every state, `()` included).
//!
//! axum registers a handler as a `BoxedIntoRoute` that becomes a `HandlerService` when the
//! state is given, and every request then passes the state's clone and a `Map` turning the
//! response into a `Result`. A handler with nothing to do with the state is a complete
//! tower service already, registered as one (`on_service`): the same answers, one layer
//! less per request (85 instructions in `GET /api/hello`, BENCHMARKS.md), and its layers
//! are built when the router is, once, not when the state is given.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};

use crate::handler::{Allow, RouteFuture, RouteHandler};

/// A generated handler that needs no state, as a handler of any state: called with `()`,
/// so its body is compiled once, for `()`, whatever the app's state type, and every other
/// use of the route's handler (groups, app-wide mounting, the path's `Allow` answers)
/// shares that one instance.
#[doc(hidden)]
#[derive(Clone)]
pub struct IgnoreState<H>(pub H);

impl<H, S> RouteHandler<S> for IgnoreState<H>
where
    H: RouteHandler<()>,
    S: Clone + Send + Sync + 'static,
{
    const AFFIXES: Option<&'static crate::affixes::AffixTable> = H::AFFIXES;

    #[inline]
    fn answer(self, request: http::Request<Body>, _state: S, allow: Allow) -> RouteFuture {
        self.0.answer(request, (), allow)
    }
}

/// A generated handler that needs no state, as a tower service.
#[doc(hidden)]
#[derive(Clone)]
pub struct StateFree<H>(pub H);

impl<H> tower::Service<http::Request<Body>> for StateFree<H>
where
    H: RouteHandler<()>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answered;

    #[inline]
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    #[inline]
    fn call(&mut self, request: http::Request<Body>) -> Answered {
        Answered(self.0.clone().call(request, (), None))
    }
}

/// A [`RouteFuture`] as a service's future, which cannot fail.
#[doc(hidden)]
pub struct Answered(RouteFuture);

impl Future for Answered {
    type Output = Result<Response, Infallible>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.get_mut().0).poll(cx).map(Ok)
    }
}

/// `on(filter, handler)`, or `any(handler)` without a filter, for a handler that needs no
/// state.
pub(crate) fn endpoint<S, H>(filter: Option<MethodFilter>, handler: H) -> MethodRouter<S>
where
    H: RouteHandler<()>,
    S: Clone + Send + Sync + 'static,
{
    let service = StateFree(handler);
    match filter {
        Some(filter) => MethodRouter::new().on_service(filter, service),
        None => axum::routing::any_service(service),
    }
}

/// A state-free route's handler inside the layers its list starts with, built once, as
/// the endpoint of every method: the one layered service answers the route's methods and
/// its automatic `OPTIONS` and `405`, as one instance (the once-per-route rule), through
/// axum's method match rather than a fallback, and without `MethodRouter::layer`'s
/// error and response mapping (the layers' errors are already answered: `LeadingLayer`).
#[doc(hidden)]
pub fn whole_route<S, T>(service: T) -> MethodRouter<S>
where
    T: tower::Service<http::Request<Body>, Error = Infallible> + Clone + Send + Sync + 'static,
    T::Response: axum::response::IntoResponse + 'static,
    T::Future: Send + 'static,
    S: Clone + Send + Sync + 'static,
{
    const EVERY: MethodFilter = MethodFilter::GET
        .or(MethodFilter::HEAD)
        .or(MethodFilter::POST)
        .or(MethodFilter::PUT)
        .or(MethodFilter::DELETE)
        .or(MethodFilter::PATCH)
        .or(MethodFilter::OPTIONS)
        .or(MethodFilter::TRACE)
        .or(MethodFilter::CONNECT);
    MethodRouter::new()
        .on_service(EVERY, service.clone())
        .fallback_service(service)
}
