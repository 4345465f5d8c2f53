//! `Valid<T>`: a body read and validated before the handler runs.

use axum::extract::{FromRequest, Request as HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::request::{BodyError, Request};

/// A body read and validated before the handler runs: JSON, or an urlencoded form when
/// the request says so. `Valid(user): Valid<CreateUser>` is `req.json_valid()` as an
/// argument.
#[derive(Debug, Clone, Copy, Default)]
pub struct Valid<T>(pub T);

impl<S, T> FromRequest<S> for Valid<T>
where
    S: Send + Sync,
    T: DeserializeOwned + garde::Validate + Send,
    T::Context: Default,
{
    type Rejection = ApiError;

    async fn from_request(req: HttpRequest, _state: &S) -> Result<Self, Self::Rejection> {
        let mut req = Request::from_http(req);
        let is_form = req
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let value = if is_form {
            req.form_valid().await
        } else {
            req.json_valid().await
        };
        value.map(Valid).map_err(|e: BodyError| e.into())
    }
}

impl<T> std::ops::Deref for Valid<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
