//! Running axum extractors inside a generated handler: each extractor once, the body reader
//! last, and axum's own plain-text rejections re-rendered in routekit's `{"error": …}` shape.

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
