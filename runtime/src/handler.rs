//! What every generated handler does around the user's function: turn its output into a
//! response, add a route option's headers, and answer a panic or an internal error's
//! cause (logged with the route, never sent) as a `500`.

use std::future::Future;
use std::pin::Pin;

use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, CACHE_CONTROL};
use http::StatusCode;

use crate::affixes::{affixes_fit, AffixTable};
use crate::error::ApiError;

/// The boxed future of a generated handler's work, as axum's own handlers box theirs.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// What a generated handler returns: its boxed work, or an answer it could give without
/// running anything (the automatic `OPTIONS` and `405` of a route without middleware of
/// its own), which then costs no allocation.
///
/// Not generic, so the panic guard and the logging of an `internal` error's cause are
/// compiled once in this crate rather than once per route: a panic in the work (handler or
/// middleware) becomes a `500` that leaks nothing, and an `internal` error's cause is
/// logged with the route's template.
pub enum RouteFuture {
    /// A method the route has no handler for, or another answer given without running
    /// anything, answered when polled (kept small and of two variants: the future is moved
    /// into axum's box on every request, and read on every poll). `None` once answered.
    Automatic(Option<Automatic>),
    /// The handler's work and the route it serves.
    Pending {
        route: &'static str,
        future: HandlerFuture,
    },
}

impl RouteFuture {
    /// The work of a handler of `route`, boxed.
    #[inline]
    pub fn pending<F>(route: &'static str, future: F) -> Self
    where
        F: Future<Output = Response> + Send + 'static,
    {
        RouteFuture::Pending {
            route,
            future: Box::pin(future),
        }
    }

    /// The `404` of a path the route's prefix/suffix text does not fit: the JSON `404`
    /// an unknown path gets.
    #[inline]
    pub fn not_found() -> Self {
        Self::answer(Answer::NotFound)
    }

    /// The `500` of a route reached without the state the router passes it.
    #[inline]
    pub(crate) fn without_state(behind_app: bool) -> Self {
        Self::answer(match behind_app {
            true => Answer::WithoutAppState,
            false => Answer::WithoutState,
        })
    }

    #[inline]
    fn answer(kind: Answer) -> Self {
        RouteFuture::Automatic(Some(Automatic {
            method: http::Method::GET,
            allow: HeaderValue::from_static(""),
            kind,
        }))
    }

    /// The automatic answer to `request`'s method: `OPTIONS` (unless the route has its
    /// own, then `handles_options`) answers `204` with `allow`, anything else `405`.
    #[inline]
    pub fn automatic(
        request: http::Request<axum::body::Body>,
        allow: HeaderValue,
        handles_options: bool,
    ) -> Self {
        RouteFuture::Automatic(Some(Automatic {
            method: request.into_parts().0.method,
            allow,
            kind: match handles_options {
                true => Answer::NotAllowed,
                false => Answer::Automatic,
            },
        }))
    }
}

/// What [`RouteFuture::automatic`] answers.
#[doc(hidden)]
pub struct Automatic {
    method: http::Method,
    allow: HeaderValue,
    kind: Answer,
}

/// Which answer an [`Automatic`] gives.
enum Answer {
    /// `OPTIONS` with `allow`, `405` for any other method.
    Automatic,
    /// `405` with `allow` (the route has its own `OPTIONS`).
    NotAllowed,
    /// The JSON `404` of a path the route's prefix/suffix text does not fit.
    NotFound,
    /// A route reached without the state a group passes it.
    WithoutState,
    /// A route behind app-wide middleware reached without the state the chain passes it.
    WithoutAppState,
}

impl Automatic {
    #[cold]
    fn answer(self) -> Response {
        match self.kind {
            Answer::Automatic => crate::answers::automatic_answer(&self.method, self.allow),
            Answer::NotAllowed => crate::answers::method_not_allowed(&self.method, self.allow),
            Answer::NotFound => crate::answers::not_found(),
            Answer::WithoutState => {
                ApiError::internal("route called without its state").into_response()
            }
            Answer::WithoutAppState => {
                ApiError::internal("a route behind app-wide middleware was reached without it")
                    .into_response()
            }
        }
    }
}

impl Future for RouteFuture {
    type Output = Response;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Response> {
        use std::task::Poll;
        match self.get_mut() {
            RouteFuture::Pending { route, future } => {
                // Unwinding is caught per poll; a future that panicked answers `Ready` and is
                // not polled again. The response is written straight into `ready` rather
                // than returned through `catch_unwind`, which would copy it twice more.
                let mut ready = None;
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if let Poll::Ready(response) = future.as_mut().poll(cx) {
                        ready = Some(response);
                    }
                }));
                match (outcome, ready) {
                    (Ok(()), None) => Poll::Pending,
                    (Ok(()), Some(mut response)) => {
                        if !response.extensions().is_empty() {
                            finish(route, &mut response);
                        }
                        Poll::Ready(response)
                    }
                    (Err(panic), _) => Poll::Ready(panicked(route, panic)),
                }
            }
            // Polled again after it answered: an empty response rather than a panic.
            RouteFuture::Automatic(automatic) => {
                Poll::Ready(automatic.take().map(Automatic::answer).unwrap_or_default())
            }
        }
    }
}

/// What a response's extensions ask of the route that answered it: an error's cause is
/// logged with the route's name, and a streamed body learns that name for a later panic.
#[cold]
#[inline(never)]
fn finish(route: &'static str, response: &mut Response) {
    let extensions = response.extensions_mut();
    if let Some(cause) = extensions.remove::<crate::error::ErrorCause>() {
        cause.log(route);
    }
    if let Some(stream) = extensions.remove::<crate::response::StreamRoute>() {
        stream.name(route);
    }
}

#[cold]
#[inline(never)]
fn panicked(route: &str, panic: Box<dyn std::any::Any + Send>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-string panic payload)");
    tracing::error!(route, panic = message, "handler panicked");
    ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
        .into_response()
}

/// What `#[route]` generates for each route: its handler (`answer`, and `AFFIXES` when the
/// template has prefix/suffix text; `call` is the trait's), called with the request, the
/// app's state, and the `Allow` value of its path when other routes decide it (a
/// function-form route beside other functions of its path answers their methods in its
/// `OPTIONS` and `405`); `None` when the route's own methods are its path's. The value
/// travels as an argument, so nothing about one app is kept in a static for another.
pub trait RouteHandler<S>: Clone + Send + Sync + Sized + 'static {
    /// The prefix/suffix text the request path must carry, when the route's template has
    /// some (`#[route]` names its table).
    const AFFIXES: Option<&'static AffixTable> = None;

    /// The route's work, the path's text known to fit: what a shared path that chose the
    /// route by that text calls.
    fn answer(self, request: HttpRequest, state: S, allow: Allow) -> RouteFuture;

    /// Answers `request`: the JSON `404` when the path lacks the route's text, else
    /// [`answer`](Self::answer).
    #[inline]
    fn call(self, request: HttpRequest, state: S, allow: Allow) -> RouteFuture {
        if let Some(table) = Self::AFFIXES {
            if !affixes_fit(table, request.uri().path()) {
                return RouteFuture::not_found();
            }
        }
        self.answer(request, state, allow)
    }
}

/// What a [`RouteHandler`] is told of its path's `Allow` value: the value, when other
/// routes decide it, else `None` (the route answers with its own).
pub type Allow = Option<&'static HeaderValue>;

/// The `Allow` value a function-form route answers with: its path's when other functions
/// share the path, else its own (of the [`method_bit`](crate::answers::method_bit)s
/// `own`).
#[inline]
pub fn allow_or(path: Allow, own: u8) -> HeaderValue {
    path.unwrap_or_else(|| crate::answers::allow_header(own))
        .clone()
}

/// What an app's state type is to every generated item: `Clone + Send + Sync + 'static`,
/// named once so each generated where-clause says it in one bound (a supertrait's bounds
/// are implied wherever the trait is).
#[doc(hidden)]
pub trait StateBound: Clone + Send + Sync + 'static {}

impl<S: Clone + Send + Sync + 'static> StateBound for S {}

/// The request a generated handler is called with.
#[doc(hidden)]
pub type HttpRequest = http::Request<axum::body::Body>;

/// Turns whatever a handler returned into axum's response.
#[inline]
pub fn respond<R: IntoResponse>(value: R) -> Response {
    value.into_response()
}

pin_project_lite::pin_project! {
    /// A handler's own future, its output turned into a response as it completes: what
    /// `async move { respond(handler().await) }` does for a handler without arguments,
    /// without that block's own state machine around the handler's (a few instructions
    /// per request: BENCHMARKS.md, scenario 1).
    pub struct Respond<F> {
        #[pin]
        future: F,
    }
}

/// `Respond` around `future`.
#[inline]
pub fn respond_to<F>(future: F) -> Respond<F>
where
    F: Future,
    F::Output: IntoResponse,
{
    Respond { future }
}

impl<F> Future for Respond<F>
where
    F: Future,
    F::Output: IntoResponse,
{
    type Output = Response;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Response> {
        match self.project().future.poll(cx) {
            std::task::Poll::Ready(output) => std::task::Poll::Ready(output.into_response()),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }
}

/// `revalidate = N`: `Cache-Control` on a successful answer the handler left uncached.
/// The generated code builds `cache_control` in a `const` block, so its bytes are checked
/// once at compile time rather than in every response.
///
/// An answer to a request with `Authorization` or `Cookie` is `private, no-store` instead:
/// shared-cache directives would let a CDN store one user's answer for everyone (RFC 9111
/// §3.5 lets a shared cache store an authorized answer carrying `s-maxage`), and Next.js
/// renders a handler that reads credentials dynamically, never cached.
#[inline]
pub fn revalidate(
    mut response: Response,
    cache_control: HeaderValue,
    credentialed: bool,
) -> Response {
    if response.status().is_success() {
        let value = if credentialed {
            const { HeaderValue::from_static("private, no-store") }
        } else {
            cache_control
        };
        response.headers_mut().entry(CACHE_CONTROL).or_insert(value);
    }
    response
}

/// Whether a request carries credentials a shared cache must not answer for everyone.
#[inline]
pub fn credentialed(headers: &http::HeaderMap) -> bool {
    headers.contains_key(http::header::AUTHORIZATION) || headers.contains_key(http::header::COOKIE)
}
