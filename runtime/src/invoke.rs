//! A handler's arguments read and its call made by generic code, chosen by the kinds of
//! its arguments: what `#[route]` emits for a handler that no middleware of its own wraps
//! and that takes path parameters and at most a body, one call (`invoke_params`, or
//! `invoke` with a body) instead of an `async` block of extraction statements.
//!
//! The generated block was type-checked and borrow-checked once per handler, in the
//! user's crate, on the single-threaded front end of a clean build; this code is checked
//! once, here, and only instantiated per handler, as axum's `Handler` impls are for a
//! hand-written route (BENCHMARKS.md, "Compile time"). What runs per request is the same
//! calls in the same order: the path parameters read from the parts before anything is
//! boxed, then the body extractor, then the handler, its output answered with
//! `IntoResponse`.
//!
//! A handler outside these shapes keeps the generated block: one taking `FromRequestParts`
//! extractors (`State`, `Ctx`, headers; a generic version measured 360-590 more
//! instructions per request in scenario 8, its future's layout), its path parameters
//! after its body, a catch-all, more than three parameters, a synchronous function, an
//! `impl Trait` return type.

use std::future::Future;
use std::marker::PhantomData;

use axum::extract::FromRequest;
use axum::response::{IntoResponse, Response};
use http::request::Parts;

use crate::error::ApiError;
use crate::extract::from_request;
use crate::handler::{respond_to, HttpRequest, Respond, RouteFuture};
use crate::params::{optional, path_params, required, Params, Slot, SlotKind};

/// Each path parameter's name and the type the handler reads it as, for the `400` of a
/// value that does not parse, in the handler's order.
pub type ParamNames = &'static [(&'static str, &'static str)];

/// A required path parameter of kind `K` (a segment, or the text between a prefix and a
/// suffix) whose name hashes to `NAME`.
pub struct Req<K, const NAME: u64>(PhantomData<K>);

/// An optional path parameter (`{-$lang}`), read as `Option`.
pub struct Opt<K, const NAME: u64>(PhantomData<K>);

/// One path parameter: its slot in the matched path, and the value the handler takes.
pub trait ParamArg {
    type Slot;
    type Value: Send + 'static;
    fn take(
        slot: Self::Slot,
        name: &'static str,
        expected: &'static str,
    ) -> Result<Self::Value, ApiError>;
}

impl<K: SlotKind, const NAME: u64> ParamArg for Req<K, NAME>
where
    K::Value: Send + 'static,
{
    type Slot = Slot<K, NAME>;
    type Value = K::Value;

    #[inline]
    fn take(
        slot: Self::Slot,
        name: &'static str,
        expected: &'static str,
    ) -> Result<K::Value, ApiError> {
        required(slot, name, expected)
    }
}

impl<K: SlotKind, const NAME: u64> ParamArg for Opt<K, NAME>
where
    K::Value: Send + 'static,
{
    type Slot = Slot<K, NAME>;
    type Value = Option<K::Value>;

    #[inline]
    fn take(
        slot: Self::Slot,
        name: &'static str,
        expected: &'static str,
    ) -> Result<Option<K::Value>, ApiError> {
        optional(slot, name, expected)
    }
}

/// A handler's path parameters, a tuple of [`ParamArg`]s: read in one pass over the
/// matched path.
pub trait PathArgs {
    type Values: Send + 'static;
    fn read(parts: &mut Parts, names: ParamNames) -> Result<Self::Values, Response>;
}

impl PathArgs for () {
    type Values = ();

    #[inline]
    fn read(_: &mut Parts, _: ParamNames) -> Result<(), Response> {
        Ok(())
    }
}

macro_rules! path_args {
    ($($arg:ident $index:tt),+) => {
        impl<$($arg: ParamArg),+> PathArgs for ($($arg,)+)
        where
            Params<($($arg::Slot,)+)>: serde::de::DeserializeOwned + Send,
        {
            type Values = ($($arg::Value,)+);

            #[inline]
            fn read(parts: &mut Parts, names: ParamNames) -> Result<Self::Values, Response> {
                let slots = path_params::<($($arg::Slot,)+)>(parts)?;
                Ok(($(
                    $arg::take(slots.$index, names[$index].0, names[$index].1)
                        .map_err(IntoResponse::into_response)?,
                )+))
            }
        }
    };
}

path_args!(A0 0);
path_args!(A0 0, A1 1);
path_args!(A0 0, A1 1, A2 2);

/// A handler taking path parameters `P` and body `B` (tuples: `(T,)` or no body), whose
/// future's output `R` is a response. Implemented for every `async fn` of those arguments; `R` is the handler's declared return type, named by `#[route]`, so that a
/// type that is not a response is this one error at that type.
#[diagnostic::on_unimplemented(
    message = "a handler's return type must be a response, and `{R}` is not one",
    label = "not a response: `{R}` does not implement `IntoResponse`",
    note = "to answer a value as JSON, wrap it in `Json`: return `Json<T>` (or `Result<Json<T>, ApiError>`, answering `Ok(Json(value))`), or build the answer with `Response::json(&value)`",
    note = "any `axum::response::IntoResponse` works: `Response`, `StatusCode`, `String`, `(StatusCode, Json<T>)`, `Result<R, ApiError>` where `R` is one of them"
)]
pub trait HandlerFn<P, B, R>: Send + 'static {
    /// The handler's future, its output answered.
    type Future: Future<Output = Response> + Send + 'static;
    fn call(self, params: P, body: B) -> Self::Future;
}

macro_rules! handler_fn {
    ([$($p:ident)*] [$($b:ident)*]) => {
        #[diagnostic::do_not_recommend]
        impl<Func, Fut, R, $($p,)* $($b,)*> HandlerFn<($($p,)*), ($($b,)*), R> for Func
        where
            Func: FnOnce($($p,)* $($b,)*) -> Fut + Send + 'static,
            Fut: Future<Output = R> + Send + 'static,
            R: IntoResponse,
        {
            type Future = Respond<Fut>;

            #[inline]
            #[allow(non_snake_case)]
            fn call(self, ($($p,)*): ($($p,)*), ($($b,)*): ($($b,)*)) -> Respond<Fut> {
                respond_to(self($($p,)* $($b,)*))
            }
        }
    };
}

handler_fn!([][B0]);
handler_fn!([P0] []);
handler_fn!([P0][B0]);
handler_fn!([P0 P1] []);
handler_fn!([P0 P1] [B0]);
handler_fn!([P0 P1 P2] []);
handler_fn!([P0 P1 P2] [B0]);

/// A handler that reads only path parameters: they are read before anything is boxed,
/// and the handler's own future is the work.
#[inline]
pub fn invoke_params<P, R>(
    request: HttpRequest,
    route: &'static str,
    names: ParamNames,
    handler: impl HandlerFn<P::Values, (), R>,
) -> RouteFuture
where
    P: PathArgs,
{
    let (mut parts, _) = request.into_parts();
    match P::read(&mut parts, names) {
        Ok(values) => RouteFuture::pending(route, handler.call(values, ())),
        Err(error) => RouteFuture::pending(route, std::future::ready(error)),
    }
}

/// A handler with a body: its path parameters read first, then, in its future, the body
/// and the call.
#[inline]
pub fn invoke<S, P, B, R>(
    request: HttpRequest,
    state: S,
    route: &'static str,
    names: ParamNames,
    handler: impl HandlerFn<P::Values, (B,), R>,
) -> RouteFuture
where
    S: Send + Sync + 'static,
    P: PathArgs,
    B: FromRequest<S> + Send + 'static,
{
    let (mut parts, body) = request.into_parts();
    let values = match P::read(&mut parts, names) {
        Ok(values) => values,
        Err(error) => return RouteFuture::pending(route, std::future::ready(error)),
    };
    RouteFuture::pending(route, async move {
        match from_request::<B, S, _>(parts, body, &state).await {
            Ok(body) => handler.call(values, (body,)).await,
            Err(error) => error,
        }
    })
}
