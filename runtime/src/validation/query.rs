//! `ValidQuery<T>`: the query string read and validated before the handler runs.

use axum::extract::FromRequestParts;
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::request::query_valid;

/// The query string read into `T` and checked by its `garde` rules before the handler
/// runs: `ValidQuery(page): ValidQuery<Pagination>` is `req.query_valid()` as an argument.
///
/// Unlike axum's `Query<T>`, whose `400` is a line of text about the first bad field, it
/// answers the `400` of a bad JSON body, zod's `flatten()` shape with every bad field and
/// every broken rule:
///
/// ```text
/// GET /api/users?page=abc&limit=0
/// 400 {"formErrors":[],"fieldErrors":{"limit":["greater than or equal to 1"],
///      "page":["invalid type: string \"abc\", expected u32"]}}
/// ```
///
/// The OpenAPI document lists each field as a query parameter with its schema, so the
/// rules that `schemars` reads from `#[garde(…)]` (`range`, `length`, `pattern`) show as
/// `minimum`, `maxLength` and the like.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ValidQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned + garde::Validate + Send,
    T::Context: Default,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        query_valid(query).map(ValidQuery).map_err(ApiError::from)
    }
}

impl<T> std::ops::Deref for ValidQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
