//! What `?` makes of an error in a handler returning `Result<_, ApiError>`, and how
//! routekit's own errors answer as responses. Apart from `error.rs` so that the error
//! vocabulary (`ApiError`) does not depend on the readers whose errors it converts.

use std::any::Any;

use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::error::ApiError;
use crate::request::body_error::BodyError;
use crate::validation::error::ValidationError;

/// `?` on any error: a library's (`sqlx::Error`, `std::io::Error`, a `serde_json::Error`
/// from serializing a value or parsing JSON the handler read itself) answers `500
/// {"error": "Internal server error"}`, and its text, which may name hosts, users or the
/// input, goes only to the log, with the route's template. routekit's own errors keep their
/// answers: a [`BodyError`] its `400`/`413`/`415`, a
/// [`ValidationError`] its `400` with the fields, a webhook
/// signature error its `400`.
///
/// This is why `ApiError` itself does not implement `std::error::Error` (as `anyhow::Error`
/// does not), and why a `From<MyError> for ApiError` of your own conflicts with this one: to
/// give your error a status other than `500`, return it through `ApiError::with_status` (or
/// implement `IntoResponse` for it) instead.
impl<E> From<E> for ApiError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(error: E) -> Self {
        // `E` is known where this is instantiated, so each check is a constant: only the
        // branch for `E` is compiled.
        let mut slot = Some(error);
        let any: &mut dyn Any = &mut slot;
        if let Some(error) = take::<BodyError>(any) {
            return error.into_api_error();
        }
        if let Some(errors) = take::<ValidationError>(any) {
            return errors.into_api_error();
        }
        #[cfg(feature = "webhook")]
        if let Some(error) = take::<crate::webhook::WebhookError>(any) {
            return error.into_api_error();
        }
        match slot {
            Some(error) => ApiError::internal(error),
            // Emptied only by a `take` above, which returned.
            None => {
                ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            }
        }
    }
}

/// The error in `slot` if it is a `T`, taken out.
fn take<T: 'static>(slot: &mut dyn Any) -> Option<T> {
    slot.downcast_mut::<Option<T>>()?.take()
}

impl BodyError {
    /// What `?` makes of it (`ApiError`'s `From`): its status and message, or the fields.
    pub(crate) fn into_api_error(self) -> ApiError {
        match self {
            BodyError::Invalid(errors) => errors.into_api_error(),
            other => ApiError::with_status(other.status(), other.to_string()),
        }
    }
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

impl ValidationError {
    /// What `?` makes of it (`ApiError`'s `From`): `400` with the fields.
    pub(crate) fn into_api_error(self) -> ApiError {
        ApiError::with_body(StatusCode::BAD_REQUEST, self.to_json())
    }
}

impl IntoResponse for ValidationError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

#[cfg(feature = "webhook")]
/// `400 Bad Request` with a short message: the sender's request is at fault, and the
/// message tells it which part without revealing anything about the secret.
impl crate::webhook::WebhookError {
    /// What `?` makes of it (`ApiError`'s `From`).
    pub(crate) fn into_api_error(self) -> ApiError {
        ApiError::bad_request(match self {
            crate::webhook::WebhookError::MalformedHeader => "Malformed signature header",
            crate::webhook::WebhookError::NoSignatures => "No v1 signature",
            crate::webhook::WebhookError::SignatureMismatch => "Invalid signature",
            crate::webhook::WebhookError::OutsideTolerance => "Timestamp outside tolerance",
        })
    }
}
