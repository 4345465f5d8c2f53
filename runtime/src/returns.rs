//! What a handler returned, turned into a response, chosen by autoref so that a return type
//! that is not a response is one error at that type with a hint, rather than an unmet
//! `IntoResponse` bound deep in the expansion (at `#[route]`, naming axum's trait).
//!
//! The generated code calls `(&&Returns::of(&value)).respond(value)`: method lookup tries
//! `&Returns<R>` first, whose impl needs `R: IntoResponse`; when that does not hold it falls
//! back to `Returns<R>`, whose method requires [`HandlerReturn`], which nothing implements,
//! so the compiler reports that trait's message at the call, spanned at the return type.
//! A response type costs nothing: the probe is a zero-sized value and the call inlines.

use std::future::Future;
use std::marker::PhantomData;

use axum::response::{IntoResponse, Response};

use crate::handler::Respond;

/// The return type `R` of a handler, for choosing how to answer it. `Send` and `Sync`
/// whatever `R` is (a body is not `Sync`), as the receiver of a call whose argument awaits
/// the handler.
pub struct Returns<R>(PhantomData<fn() -> R>);

impl<R> Returns<R> {
    /// The probe of a named type.
    pub const NEW: Self = Self(PhantomData);

    /// The probe of a value about to be answered.
    #[inline]
    pub fn of(_: &R) -> Self {
        Self(PhantomData)
    }

    /// The probe of a future's output.
    #[inline]
    pub fn of_future<F: Future<Output = R>>(_: &F) -> Self {
        Self(PhantomData)
    }
}

/// A return type that is a response: answered with its `IntoResponse`.
pub trait IsResponse<R> {
    /// `value.into_response()`.
    fn respond(&self, value: R) -> Response;
    /// A future answering its output's `into_response()`.
    fn respond_to<F: Future<Output = R>>(&self, future: F) -> Respond<F>;
}

impl<R: IntoResponse> IsResponse<R> for &Returns<R> {
    #[inline]
    fn respond(&self, value: R) -> Response {
        value.into_response()
    }

    #[inline]
    fn respond_to<F: Future<Output = R>>(&self, future: F) -> Respond<F> {
        crate::handler::respond_to(future)
    }
}

/// A return type that is not a response: each method is the compile error.
pub trait NotResponse<R> {
    /// Never compiles.
    fn respond(&self, value: R) -> Response
    where
        R: HandlerReturn;
    /// Never compiles.
    fn respond_to<F: Future<Output = R>>(&self, future: F) -> std::future::Ready<Response>
    where
        R: HandlerReturn;
}

impl<R> NotResponse<R> for Returns<R> {
    fn respond(&self, _: R) -> Response
    where
        R: HandlerReturn,
    {
        unreachable!("HandlerReturn has no implementation")
    }

    fn respond_to<F: Future<Output = R>>(&self, _: F) -> std::future::Ready<Response>
    where
        R: HandlerReturn,
    {
        unreachable!("HandlerReturn has no implementation")
    }
}

/// Implemented by nothing: the message of a handler whose return type is not a response.
#[diagnostic::on_unimplemented(
    message = "a handler's return type must be a response, and `{Self}` is not one",
    label = "not a response: `{Self}` does not implement `IntoResponse`",
    note = "to answer a value as JSON, wrap it in `Json`: return `Json<T>` (or `Result<Json<T>, ApiError>`, answering `Ok(Json(value))`), or build the answer with `Response::json(&value)`",
    note = "any `axum::response::IntoResponse` works: `Response`, `StatusCode`, `String`, `(StatusCode, Json<T>)`, `Result<R, ApiError>` where `R` is one of them"
)]
pub trait HandlerReturn {}
