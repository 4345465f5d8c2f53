//! The typed request context that middleware fills and handlers read, after TanStack
//! Start's `context` object, and [`Next`], the rest of the chain an around middleware runs.

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;

use axum::extract::FromRequestParts;
use axum::response::Response as HttpResponse;
use http::request::Parts;

use crate::error::ApiError;
use crate::request::Request;

/// A value a `#[middleware]` provider put into the request context.
///
/// Taking `Ctx<User>` in a handler whose route has no provider of `User` before it (in the
/// handler's, the route's or a group's list, or app-wide in `routes![middleware(…); …]`)
/// does not compile; `Option<Ctx<T>>` takes a value that may be absent.
///
/// ```
/// use routekit::prelude::*;
/// use routekit::test::TestClient;
///
/// #[derive(Clone)]
/// struct User {
///     name: String,
/// }
///
/// #[middleware]
/// async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
///     let name = headers.get("x-user").and_then(|v| v.to_str().ok());
///     let name = name.ok_or_else(|| ApiError::unauthorized("Unauthorized"))?;
///     Ok(User { name: name.to_owned() })
/// }
///
/// #[route(GET, "/api/me")]
/// #[middleware(auth)]
/// async fn me(user: Ctx<User>) -> String {
///     user.name.clone() // `Ctx<User>` derefs to `User`
/// }
///
/// # #[tokio::main]
/// # async fn main() {
/// let client = TestClient::new(routes![me]);
/// assert_eq!(client.get("/api/me").header("x-user", "ada").send().await.text(), "ada");
/// assert_eq!(client.get("/api/me").send().await.status(), 401);
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ctx<T>(pub T);

impl<T> Deref for Ctx<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Ctx<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> Ctx<T> {
    /// The value itself.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<S, T> FromRequestParts<S> for Ctx<T>
where
    S: Send + Sync,
    T: Clone + Send + Sync + 'static,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<T>() {
            Some(value) => Ok(Ctx(value.clone())),
            None => {
                tracing::error!(
                    context = std::any::type_name::<T>(),
                    "a handler asked for a context value no middleware provided"
                );
                Err(ApiError::internal(format!(
                    "no middleware provided the context value `{}`",
                    std::any::type_name::<T>()
                )))
            }
        }
    }
}

impl<S, T> axum::extract::OptionalFromRequestParts<S> for Ctx<T>
where
    S: Send + Sync,
    T: Clone + Send + Sync + 'static,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<T>().cloned().map(Ctx))
    }
}

/// The future the rest of a middleware chain returns.
pub type NextFuture = Pin<Box<dyn Future<Output = HttpResponse> + Send>>;

/// The rest of the chain, as `axum::middleware::Next`: an around middleware calls
/// `next.run(req).await` once to reach the handler.
///
/// ```
/// use routekit::prelude::*;
/// use routekit::test::TestClient;
///
/// // Before: refuse or adjust the request. After: adjust the response.
/// #[middleware]
/// async fn maintenance(req: Request, next: Next) -> Response {
///     if req.header("x-maintenance").is_some() {
///         return Response::error(503, "Down for maintenance");
///     }
///     next.run(req).await.header("x-served-by", "routekit")
/// }
///
/// #[route(GET, "/api/hello")]
/// #[middleware(maintenance)]
/// async fn hello() -> &'static str {
///     "Hello"
/// }
///
/// # #[tokio::main]
/// # async fn main() {
/// let client = TestClient::new(routes![hello]);
/// let res = client.get("/api/hello").send().await;
/// assert_eq!((res.text().as_str(), res.header("x-served-by")), ("Hello", Some("routekit")));
/// let res = client.get("/api/hello").header("x-maintenance", "1").send().await;
/// assert_eq!(res.status(), 503);
/// # }
/// ```
pub struct Next {
    rest: Box<dyn FnOnce(Request) -> NextFuture + Send>,
}

impl Next {
    #[doc(hidden)]
    pub fn new(rest: impl FnOnce(Request) -> NextFuture + Send + 'static) -> Self {
        Self {
            rest: Box::new(rest),
        }
    }

    /// Runs the rest of the chain (later middleware, then the handler) with `req`.
    pub async fn run(self, req: Request) -> crate::Response {
        crate::Response::from((self.rest)(req).await)
    }
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Next")
    }
}
