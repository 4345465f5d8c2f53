//! What a route answers on its own: `OPTIONS` and `405` for the methods it lacks, and the
//! JSON `404` of a path nothing matches.

use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, ALLOW};
use http::StatusCode;

use crate::error::ApiError;

/// A method the route has no handler for: `OPTIONS` answers `204` with `Allow` (as
/// Next.js does when a route defines none), anything else `405`.
#[cold]
#[doc(hidden)]
pub fn automatic_answer(method: &http::Method, allow: HeaderValue) -> Response {
    if method == http::Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        response.headers_mut().insert(ALLOW, allow);
        response
    } else {
        method_not_allowed(method, allow)
    }
}

/// A method the path lacks: `405` with `Allow` and a JSON body.
#[cold]
#[doc(hidden)]
pub fn method_not_allowed(method: &http::Method, allow: HeaderValue) -> Response {
    let mut response = ApiError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} not allowed"),
    )
    .into_response();
    response.headers_mut().insert(ALLOW, allow);
    response
}

/// A path nothing matches (or whose prefix/suffix text does not fit): `404` with a JSON
/// body.
pub(crate) fn not_found() -> Response {
    ApiError::not_found("Not found").into_response()
}
