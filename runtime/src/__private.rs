//! The only items macro-generated code calls. Not a public API: names may change in any
//! release. Keeping this surface small keeps each expansion small and readable.

use std::future::Future;
use std::pin::Pin;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Path};
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, ALLOW, CACHE_CONTROL};
use http::request::Parts;
use http::StatusCode;

pub use axum;
pub use http;

pub use crate::context::{Next, NextFuture};
pub use crate::params::{
    optional, required, rest, rest_or_empty, ParamNames, Params, Rest, Seg, Slot,
};
pub use crate::routes::{
    allow_of, function_router, module_router, MethodInfo, RouteDef, RouteInfo, RouteKind,
    RouteOptions, RouteRouter, RouteSet,
};

use crate::error::ApiError;
use crate::request::Request;

/// The boxed future every generated handler returns, as axum's own handlers do.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// Runs one `FromRequestParts` extractor; its rejection becomes the response.
#[inline]
pub async fn from_parts<T, S>(parts: &mut Parts, state: &S) -> Result<T, Response>
where
    T: FromRequestParts<S>,
    S: Send + Sync,
{
    let result = T::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response);
    match result {
        Ok(value) => Ok(value),
        Err(rejection) => Err(unify(rejection).await),
    }
}

/// Runs the one body-reading extractor, last, as axum does.
#[inline]
pub async fn from_request<T, S, M>(parts: Parts, body: Body, state: &S) -> Result<T, Response>
where
    T: FromRequest<S, M>,
    S: Send + Sync,
{
    let result = T::from_request(http::Request::from_parts(parts, body), state)
        .await
        .map_err(IntoResponse::into_response);
    match result {
        Ok(value) => Ok(value),
        Err(rejection) => Err(unify(rejection).await),
    }
}

/// An extractor's rejection in routekit's error shape: axum's own rejections answer plain
/// text, so their message is re-rendered as `{"error": …}` with the same status and headers.
async fn unify(response: Response) -> Response {
    use http_body_util::BodyExt;
    let is_text = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !is_text || !(response.status().is_client_error() || response.status().is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match body.collect().await {
        Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
        Err(_) => String::new(),
    };
    let mut unified = ApiError::with_status(parts.status, text).into_response();
    parts.headers.remove(http::header::CONTENT_TYPE);
    parts.headers.remove(http::header::CONTENT_LENGTH);
    for (name, value) in parts.headers.drain().filter_map(|(n, v)| n.map(|n| (n, v))) {
        unified.headers_mut().entry(name).or_insert(value);
    }
    unified
}

/// Reads a handler's path parameters out of axum's matched route, by name.
#[inline]
pub async fn path_params<N, T, S>(parts: &mut Parts, state: &S) -> Result<T, Response>
where
    N: ParamNames,
    Params<N, T>: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    if has_bad_escape(parts.uri.path()) {
        return Err(
            ApiError::bad_request("invalid percent-encoding in the request path").into_response(),
        );
    }
    match Path::<Params<N, T>>::from_request_parts(parts, state).await {
        Ok(Path(params)) => Ok(params.0),
        Err(rejection) => Err(path_rejection(rejection).into_response()),
    }
}

/// A `%` not followed by two hex digits: axum would pass it through undecoded.
fn has_bad_escape(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

fn path_rejection(rejection: axum::extract::rejection::PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    use axum::extract::rejection::PathRejection;
    match rejection {
        PathRejection::FailedToDeserializePathParams(error) => match error.into_kind() {
            ErrorKind::InvalidUtf8InPathParam { key } => {
                ApiError::bad_request(format!("invalid path parameter `{key}`: not valid UTF-8"))
                    .with_field("param", key)
            }
            _ => ApiError::bad_request("invalid path parameters"),
        },
        other => ApiError::internal(other.body_text()),
    }
}

/// Runs a generated handler's future: a panic in it (handler or middleware) becomes a
/// `500` that leaks nothing, and an `internal` error's cause is logged with the route.
#[inline]
pub fn finish<F>(route: &'static str, future: F) -> Finish<F>
where
    F: Future<Output = Response>,
{
    Finish { route, future }
}

pin_project_lite::pin_project! {
    /// [`finish`]'s future, written by hand rather than as an `async fn`: one state machine
    /// fewer around every handler, and the response is not moved through another one.
    pub struct Finish<F> {
        route: &'static str,
        #[pin]
        future: F,
    }
}

impl<F> Future for Finish<F>
where
    F: Future<Output = Response>,
{
    type Output = Response;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Response> {
        use std::task::Poll;
        let this = self.project();
        let future = this.future;
        // Unwinding is caught per poll; a future that panicked answers `Ready` and is not
        // polled again.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(mut response)) => {
                if response
                    .extensions()
                    .get::<crate::error::ErrorCause>()
                    .is_some()
                {
                    log_cause(this.route, &mut response);
                }
                Poll::Ready(response)
            }
            Err(panic) => Poll::Ready(panicked(this.route, panic)),
        }
    }
}

#[cold]
#[inline(never)]
fn log_cause(route: &str, response: &mut Response) {
    if let Some(cause) = response
        .extensions_mut()
        .remove::<crate::error::ErrorCause>()
    {
        cause.log(route);
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

/// Turns whatever a handler returned into axum's response.
#[inline]
pub fn respond<R: IntoResponse>(value: R) -> Response {
    value.into_response()
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

/// A method the route has no handler for: `OPTIONS` answers `204` with `Allow` (as
/// Next.js does when a route defines none), anything else `405`.
#[cold]
pub fn automatic_answer(method: &http::Method, allow: &'static str) -> Response {
    if method == http::Method::OPTIONS {
        (
            StatusCode::NO_CONTENT,
            [(ALLOW, HeaderValue::from_static(allow))],
        )
            .into_response()
    } else {
        method_not_allowed(method, allow)
    }
}

/// Whether a request carries credentials a shared cache must not answer for everyone.
#[inline]
pub fn credentialed(headers: &http::HeaderMap) -> bool {
    headers.contains_key(http::header::AUTHORIZATION) || headers.contains_key(http::header::COOKIE)
}

/// A method the path lacks: `405` with `Allow` and a JSON body.
#[cold]
pub fn method_not_allowed(method: &http::Method, allow: &'static str) -> Response {
    let mut response = ApiError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} not allowed"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    response
}

/// A path nothing matches: `404` with a JSON body.
pub async fn not_found() -> Response {
    ApiError::not_found("Not found").into_response()
}

/// Rebuilds the routekit [`Request`] an around middleware receives.
#[inline]
pub fn request(parts: Parts, body: Body) -> Request {
    Request::from(http::Request::from_parts(parts, body))
}

/// Splits the request an around middleware passed on.
#[inline]
pub fn split(request: Request) -> (Parts, Body) {
    http::Request::from(request).into_parts()
}

pub use crate::middleware::{
    build_layer, layers, provide, require_all, require_ctx, through_layer, Carry, Layers,
    Middleware, MiddlewareInfo,
};
