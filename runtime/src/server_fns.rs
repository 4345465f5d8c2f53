//! What a `#[server_fn]` expansion names at run time (through `__private::server_fn`):
//! the extractors of its input, the check of the input's `garde` rules, and the default
//! path computed from `module_path!()`.
//!
//! `#[server_fn]` rewrites the function into a function-form `#[route]` whose input
//! argument is [`Json<T>`] (`POST`) or [`Query<T>`] (`GET`). Both read as routekit's
//! `req.json()` and `ValidQuery` do (a wrong content type `415`, a bad shape a `400` in
//! zod's `flatten()` shape naming every field), but check no rules: whether `T`
//! implements `garde::Validate` is only known where the input's type is concrete, so the
//! generated handler asks [`Check`] (by autoref, a `T` without rules passes) right after.

use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Request as HttpRequest};
use http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::request::{query_lenient, BodyError, Request};

/// A server function's JSON body: routekit's `req.json::<T>()` as an extractor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request(req: HttpRequest, _state: &S) -> Result<Self, Self::Rejection> {
        let mut req = Request::from_http(req);
        req.json::<T>().await.map(Json).map_err(ApiError::from)
    }
}

/// A `method = GET` server function's query string, read as `ValidQuery<T>` reads it
/// (`?page=` is no `page`, a repeated key fills a `Vec`), without the rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        query_lenient(query).map(Query).map_err(ApiError::from)
    }
}

/// `(&&&Check::<T>::NEW).check(&input)`: runs `T`'s `garde` rules when it has them (a
/// `400` in zod's `flatten()` shape, as `Valid<T>`), passes otherwise.
pub struct Check<T>(PhantomData<fn() -> T>);

impl<T> Check<T> {
    pub const NEW: Self = Check(PhantomData);
}

/// An input with rules: they run.
pub trait CheckRules<T> {
    fn check(&self, input: &T) -> Result<(), ApiError>;
}

impl<T> CheckRules<T> for &&Check<T>
where
    T: garde::Validate,
    T::Context: Default,
{
    fn check(&self, input: &T) -> Result<(), ApiError> {
        input
            .validate()
            .map_err(|report| ApiError::from(BodyError::Invalid(report.into())))
    }
}

/// An input without rules: nothing to check.
pub trait CheckNone<T> {
    fn check(&self, input: &T) -> Result<(), ApiError>;
}

impl<T> CheckNone<T> for &Check<T> {
    fn check(&self, _: &T) -> Result<(), ApiError> {
        Ok(())
    }
}

/// The length of [`path`]'s answer, for the array it is built in.
pub const fn path_len(module: &str, name: &str) -> usize {
    let module = without_crate(module.as_bytes());
    let mut len = "/_server/".len() + name.len();
    if !module.is_empty() {
        len += module.len() - count_separators(module) + 1;
    }
    len
}

/// `/_server/<module path without the crate, :: as />/<name>`, as bytes: `todos::add_todo`
/// in crate `app` (`module_path!()` is `app::todos`) is `/_server/todos/add_todo`.
pub const fn path<const N: usize>(module: &str, name: &str) -> [u8; N] {
    let module = without_crate(module.as_bytes());
    let mut out = [0u8; N];
    let mut at = 0;
    at = copy(&mut out, at, b"/_server/");
    let mut i = 0;
    while i < module.len() {
        if module[i] == b':' && i + 1 < module.len() && module[i + 1] == b':' {
            out[at] = b'/';
            at += 1;
            i += 2;
        } else {
            out[at] = module[i];
            at += 1;
            i += 1;
        }
    }
    if !module.is_empty() {
        out[at] = b'/';
        at += 1;
    }
    at = copy(&mut out, at, name.as_bytes());
    assert!(at == N, "server function path: length mismatch");
    out
}

/// The bytes [`path`] built, as the `&'static str` the route is registered at.
pub const fn as_str(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => panic!("server function path: not UTF-8"),
    }
}

const fn copy<const N: usize>(out: &mut [u8; N], mut at: usize, text: &[u8]) -> usize {
    let mut i = 0;
    while i < text.len() {
        out[at] = text[i];
        at += 1;
        i += 1;
    }
    at
}

/// `app::todos::inner` → `todos::inner`; `app` → ``.
const fn without_crate(module: &[u8]) -> &[u8] {
    let mut i = 0;
    while i + 1 < module.len() {
        if module[i] == b':' && module[i + 1] == b':' {
            let (_, rest) = module.split_at(i + 2);
            return rest;
        }
        i += 1;
    }
    &[]
}

const fn count_separators(module: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i + 1 < module.len() {
        if module[i] == b':' && module[i + 1] == b':' {
            count += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    count
}

#[cfg(feature = "openapi")]
mod openapi {
    //! The inputs in the document: a JSON body, or one query parameter per field.
    use crate::openapi::__gen::{ArgSchema, ArgSpec, Probe, JSON_READER};
    use crate::openapi::{schemars::JsonSchema, Operation};

    impl Operation<'_> {
        /// A `#[server_fn]` named `name` (camelCase): its operation is `server.<name>`.
        #[doc(hidden)]
        pub fn server_fn(&mut self, name: &'static str) {
            self.server_fn = Some(name);
        }
    }

    impl<T: JsonSchema> ArgSpec for &&Probe<super::Json<T>> {
        fn arg(&self, op: &mut Operation<'_>) {
            let schema = op.request_schema::<T>().to_value();
            op.body("application/json", schema, JSON_READER);
        }
    }
    impl<T> ArgSchema for &Probe<super::Json<T>> {
        fn arg(&self, op: &mut Operation<'_>) {
            op.body("application/json", serde_json::json!({}), JSON_READER);
        }
    }
    impl<T: JsonSchema> ArgSpec for &&Probe<super::Query<T>> {
        fn arg(&self, op: &mut Operation<'_>) {
            let schema = op.request_schema::<T>();
            op.query_params(schema, true);
        }
    }
    impl<T> ArgSchema for &Probe<super::Query<T>> {
        fn arg(&self, op: &mut Operation<'_>) {
            op.answer(400);
        }
    }
}

#[cfg(test)]
mod tests {
    const fn built(module: &'static str, name: &'static str) -> usize {
        super::path_len(module, name)
    }

    #[test]
    fn the_default_path_drops_the_crate_and_joins_modules_with_slashes() {
        const M: &str = "app::todos::inner";
        const LEN: usize = built(M, "add_todo");
        const BYTES: [u8; LEN] = super::path::<LEN>(M, "add_todo");
        assert_eq!(super::as_str(&BYTES), "/_server/todos/inner/add_todo");

        const ROOT: &str = "app";
        const LEN2: usize = built(ROOT, "ping");
        const BYTES2: [u8; LEN2] = super::path::<LEN2>(ROOT, "ping");
        assert_eq!(super::as_str(&BYTES2), "/_server/ping");
    }
}
