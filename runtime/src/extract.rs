//! Running axum extractors inside a generated handler: each extractor once, the body reader
//! last, and axum's own plain-text rejections re-rendered in routekit's `{"error": …}` shape.
//!
//! [`invoke`] is a handler's whole call, written once here: the generated code names the
//! handler's argument types and passes three closures (its path parameters, the call, the
//! answer), and no `async` block of its own. The compiler type-checks and borrow-checks an
//! `async` block for every place it is written, and a generated one per route was most of
//! what a route cost a clean build beyond a hand-written axum route (BENCHMARKS.md, "Compile
//! time"); a generic function is checked once and only instantiated per route.

use std::future::Future;
use std::marker::PhantomData;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;

use crate::error::ApiError;

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

/// A handler's call: its path parameters read (`params`), the `FromRequestParts` arguments
/// `E` in order, the body argument `B` last, then `call` with the three (which answers the
/// handler's future, its output made a response by `Respond`). The first rejection is the
/// answer.
#[inline]
// `impl Future + Send + 'static` named, not `async fn`: the generic code calling this then
// knows its future is `Send` without looking into it, once per route.
#[allow(clippy::manual_async_fn)]
pub fn invoke<S, P, E, B, M, G, F, Fut>(
    mut parts: Parts,
    body: Body,
    state: S,
    params: G,
    call: F,
) -> impl Future<Output = Response> + Send + 'static
where
    S: Send + Sync + 'static,
    P: Send + 'static,
    E: PartsArgs<S> + 'static,
    B: BodyArg<S, M> + 'static,
    G: FnOnce(&mut Parts) -> Result<P, Response> + Send + 'static,
    F: FnOnce(P, E, B) -> Fut + Send + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    async move {
        let params = match params(&mut parts) {
            Ok(params) => params,
            Err(response) => return response,
        };
        let args = match E::extract(&mut parts, &state).await {
            Ok(args) => args,
            Err(response) => return response,
        };
        let body = match B::extract(parts, body, &state).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        call(params, args, body).await
    }
}

/// [`invoke`] for a handler without arguments: the request is not moved into its future.
#[inline]
// `impl Future + Send + 'static` named, not `async fn`: the generic code calling this then
// knows its future is `Send` without looking into it, once per route.
#[allow(clippy::manual_async_fn)]
pub fn invoke_bare<F, Fut>(call: F) -> impl Future<Output = Response> + Send + 'static
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    async move { call().await }
}

/// The `params` of a handler without path parameters.
#[inline]
pub fn no_params(_: &mut Parts) -> Result<(), Response> {
    Ok(())
}

/// A handler's `FromRequestParts` arguments, a tuple of them, extracted in order.
pub trait PartsArgs<S>: Sized + Send {
    fn extract(parts: &mut Parts, state: &S)
        -> impl Future<Output = Result<Self, Response>> + Send;
}

impl<S: Send + Sync> PartsArgs<S> for () {
    #[inline]
    fn extract(_: &mut Parts, _: &S) -> impl Future<Output = Result<Self, Response>> + Send {
        Nothing(PhantomData)
    }
}

macro_rules! parts_args {
    ($($arg:ident),+) => {
        impl<S, $($arg),+> PartsArgs<S> for ($($arg,)+)
        where
            S: Send + Sync,
            $($arg: FromRequestParts<S> + Send,)+
        {
            #[inline]
            async fn extract(parts: &mut Parts, state: &S) -> Result<Self, Response> {
                Ok(($(from_parts::<$arg, S>(parts, state).await?,)+))
            }
        }
    };
}

parts_args!(T1);
parts_args!(T1, T2);
parts_args!(T1, T2, T3);
parts_args!(T1, T2, T3, T4);
parts_args!(T1, T2, T3, T4, T5);
parts_args!(T1, T2, T3, T4, T5, T6);
parts_args!(T1, T2, T3, T4, T5, T6, T7);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15);
parts_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16);

/// A handler's body argument, read last: the extractor itself, or [`NoBody`] for a handler
/// without one. `M` is how: axum's marker for an extractor, `NoBody` for none.
pub trait BodyArg<S, M>: Sized + Send {
    fn extract(
        parts: Parts,
        body: Body,
        state: &S,
    ) -> impl Future<Output = Result<Self, Response>> + Send;
}

/// The body argument of a handler that reads no body: the request is dropped unread.
#[derive(Default)]
pub struct NoBody;

/// The answer of an empty argument list: ready at once, and, unlike `std::future::Ready`
/// of a `Result` holding a `Response`, nothing to store in the handler's future.
struct Nothing<T>(PhantomData<fn() -> T>);

impl<T: Default> Future for Nothing<T> {
    type Output = Result<T, Response>;

    #[inline]
    fn poll(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::task::Poll::Ready(Ok(T::default()))
    }
}

/// [`BodyArg`]'s marker for an extractor that reads the request as axum's marker `M` says.
pub struct ViaBody<M>(PhantomData<M>);

impl<S: Send + Sync> BodyArg<S, NoBody> for NoBody {
    #[inline]
    fn extract(_: Parts, _: Body, _: &S) -> impl Future<Output = Result<Self, Response>> + Send {
        Nothing(PhantomData)
    }
}

impl<S, T, M> BodyArg<S, ViaBody<M>> for T
where
    S: Send + Sync,
    T: FromRequest<S, M> + Send,
{
    #[inline]
    fn extract(
        parts: Parts,
        body: Body,
        state: &S,
    ) -> impl Future<Output = Result<Self, Response>> + Send {
        from_request::<T, S, M>(parts, body, state)
    }
}
