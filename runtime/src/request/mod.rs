//! The request a handler reads, after the Fetch API's `Request`.
//!
//! Next.js and TanStack Start handlers read `request.nextUrl.searchParams.get("page")`,
//! `request.headers.get("referer")`, `request.cookies.get("token")` and
//! `await request.json()`; [`Request`] offers the same calls over the
//! [`http::Request`] axum hands a handler, so the handler ports line by line and can still
//! drop down to axum with [`Request::into_http`].
//!
//! The body readers answer the errors a client can act on: `415` for a wrong content type,
//! `400` naming where the body is malformed, `413` past the body limit. They read through
//! axum's own extractors so a route's `DefaultBodyLimit` (2 MB unless changed) applies
//! exactly as it does for `Json<T>` or `Multipart`.

use std::convert::Infallible;
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use bytes::Bytes;
use http::header::{CONTENT_TYPE, COOKIE};
use http::{Extensions, HeaderMap, Method, StatusCode, Uri};
use serde::de::DeserializeOwned;

pub use body_error::BodyError;
use json::{parse_json, shape_error, JsonFailure};

const JSON: &str = "application/json";
const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// A Fetch-style request; take it as the last argument of a handler (it owns the body).
///
/// Query and cookie look-ups are parsed on first use and cached, so a handler that never
/// asks pays nothing.
///
/// `Request` is `Sync`, so a handler may `await` a helper taking `&Request` (as in
/// `getUser(request)`) and its future stays `Send`, as axum requires. axum's `Body` is not
/// `Sync`, hence the body sits in a `Mutex` that is only ever reached through `&mut self`
/// (`Mutex::into_inner`, never locked), and the caches are `OnceLock` rather than `OnceCell`.
///
/// ```
/// use routekit::prelude::*;
/// use routekit::test::TestClient;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct NewComment {
///     body: String,
/// }
///
/// #[route(POST, "/api/posts/$id/comments")]
/// async fn comment(id: u64, mut req: Request) -> Result<Response, ApiError> {
///     // `request.nextUrl.searchParams.get("page")`, `request.headers.get(…)`, `cookies.get(…)`
///     let page: u32 = req.search_params().get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
///     let from = req.header("referer").unwrap_or("-").to_owned();
///     let signed_in = req.cookies().get("token").is_some();
///     // `await request.json()`: 415, 400 or 413 through `?` when the body is not right
///     let comment: NewComment = req.json().await?;
///     Ok(Response::json(&serde_json::json!({
///         "post": id, "page": page, "from": from, "signed_in": signed_in, "body": comment.body,
///     }))
///     .status(201))
/// }
///
/// # #[tokio::main]
/// # async fn main() {
/// let client = TestClient::new(routes![comment]);
/// let res = client
///     .post("/api/posts/7/comments?page=2")
///     .header("cookie", "token=abc")
///     .json(&serde_json::json!({ "body": "Nice" }))
///     .send()
///     .await;
/// assert_eq!(res.status(), 201);
/// assert_eq!(
///     res.text(),
///     r#"{"body":"Nice","from":"-","page":2,"post":7,"signed_in":true}"#
/// );
///
/// let res = client.post("/api/posts/7/comments").body("Nice").send().await;
/// assert_eq!(res.status(), 415);
/// # }
/// ```
pub struct Request {
    parts: http::request::Parts,
    /// `None` once a reader took it.
    body: Option<Mutex<Body>>,
    search_params: OnceLock<SearchParams>,
    cookies: OnceLock<Cookies>,
}

impl Request {
    /// Wraps the request axum received.
    pub fn from_http(request: http::Request<Body>) -> Self {
        let (parts, body) = request.into_parts();
        Self {
            parts,
            body: Some(Mutex::new(body)),
            search_params: OnceLock::new(),
            cookies: OnceLock::new(),
        }
    }

    /// The underlying request, for axum APIs; its body is empty once a reader took it.
    pub fn into_http(self) -> http::Request<Body> {
        let body = self.body.map_or_else(Body::empty, into_body);
        http::Request::from_parts(self.parts, body)
    }

    /// The method (`GET`, `POST`, …).
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The request target: `url().path()`, `url().query()`. On a server this is the
    /// origin form (`/path?query`), without scheme or host.
    pub fn url(&self) -> &Uri {
        &self.parts.uri
    }

    /// All headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// All headers, for a middleware that adjusts the request before passing it on.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        // The cookie cache was parsed from the old headers.
        self.cookies = OnceLock::new();
        &mut self.parts.headers
    }

    /// Typed values other layers attached to the request.
    pub fn extensions(&self) -> &Extensions {
        &self.parts.extensions
    }

    /// Typed values other layers attached to the request, mutably.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.parts.extensions
    }

    /// `headers.get(name)`: the first value as text, or `None` if absent. A value with
    /// bytes beyond ASCII reads as UTF-8, which is how clients send them
    /// (`Referer: https://example.com/ü`); one that is not UTF-8 reads as `None`, its bytes
    /// in [`header_bytes`](Self::header_bytes). (Next.js decodes each byte as Latin-1, so
    /// that `Referer` reads `…/Ã¼` there and `…/ü` here.)
    pub fn header(&self, name: &str) -> Option<&str> {
        std::str::from_utf8(self.parts.headers.get(name)?.as_bytes()).ok()
    }

    /// The first value of header `name` as sent, whatever its bytes.
    pub fn header_bytes(&self, name: &str) -> Option<&[u8]> {
        Some(self.parts.headers.get(name)?.as_bytes())
    }

    /// The query string's parameters (`?page=2&tag=a&tag=b`), decoded.
    pub fn search_params(&self) -> &SearchParams {
        self.search_params
            .get_or_init(|| SearchParams::parse(self.parts.uri.query().unwrap_or("")))
    }

    /// The cookies of every `Cookie` header, values percent-decoded.
    pub fn cookies(&self) -> &Cookies {
        self.cookies
            .get_or_init(|| Cookies::parse(self.parts.headers.get_all(COOKIE)))
    }

    /// The raw body. Like every reader, it takes the body: a second read is a `400`.
    pub async fn bytes(&mut self) -> Result<Bytes, BodyError> {
        let body = self.take_limited_body()?;
        match http_body_util::BodyExt::collect(body).await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(error) if is_length_limit(&error) => Err(BodyError::TooLarge),
            Err(_) => Err(BodyError::Unreadable),
        }
    }

    /// The body as UTF-8 text, whatever its content type.
    pub async fn text(&mut self) -> Result<String, BodyError> {
        let bytes = self.bytes().await?;
        String::from_utf8(Vec::from(bytes)).map_err(|error| {
            let at = error.utf8_error().valid_up_to();
            BodyError::Malformed(format!("request body is not valid UTF-8 (at byte {at})"))
        })
    }

    /// The body as JSON (`application/json` or a `+json` type such as
    /// `application/merge-patch+json`). A `415` leaves the body unread, so a handler may
    /// fall back to another reader.
    ///
    /// A body that does not fit `T` answers every field that is wrong, not only the first.
    /// A leading UTF-8 byte-order mark is skipped, as the Fetch API's `json()` does.
    pub async fn json<T: DeserializeOwned>(&mut self) -> Result<T, BodyError> {
        self.expect_content_type(JSON, is_json)?;
        let bytes = self.bytes().await?;
        parse_json(&bytes).map_err(JsonFailure::into_body_error)
    }

    /// [`json`](Self::json) whatever the content type, none included, as the Fetch API's
    /// `json()` reads any body.
    ///
    /// Prefer `json`: its `415` for anything but a JSON content type means a cross-site
    /// page cannot post JSON to the route as a "simple" `text/plain` form submission or
    /// `fetch`, which browsers send without a CORS preflight. Use this only for a route
    /// that must accept such clients (a beacon, a legacy webhook sender) and that does not
    /// act on the caller's cookies.
    pub async fn json_any_content_type<T: DeserializeOwned>(&mut self) -> Result<T, BodyError> {
        let bytes = self.bytes().await?;
        parse_json(&bytes).map_err(JsonFailure::into_body_error)
    }

    /// The body as an `application/x-www-form-urlencoded` form.
    pub async fn form<T: DeserializeOwned>(&mut self) -> Result<T, BodyError> {
        self.expect_content_type(URLENCODED, |media| media.eq_ignore_ascii_case(URLENCODED))?;
        let bytes = self.bytes().await?;
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize(deserializer)
            .map_err(|error| shape_error(error.path(), &error.inner().to_string()))
    }

    /// [`json`](Self::json), then the type's `garde` rules: every failure is a `400` with
    /// the shape of zod's `error.flatten()`, field by field.
    pub async fn json_valid<T>(&mut self) -> Result<T, BodyError>
    where
        T: DeserializeOwned + garde::Validate,
        T::Context: Default,
    {
        self.expect_content_type(JSON, is_json)?;
        let bytes = self.bytes().await?;
        match parse_json::<T>(&bytes) {
            Ok(value) => {
                value
                    .validate()
                    .map_err(|report| BodyError::Invalid(report.into()))?;
                Ok(value)
            }
            Err(JsonFailure::Body(error)) => Err(error),
            Err(JsonFailure::Shape(mut errors, filled)) => {
                collect::add_rule_errors(&mut errors, filled);
                Err(BodyError::Invalid(errors))
            }
        }
    }

    /// [`form`](Self::form), then the type's `garde` rules, as [`json_valid`](Self::json_valid).
    pub async fn form_valid<T>(&mut self) -> Result<T, BodyError>
    where
        T: DeserializeOwned + garde::Validate,
        T::Context: Default,
    {
        let value: T = self.form().await?;
        value
            .validate()
            .map_err(|report| BodyError::Invalid(report.into()))?;
        Ok(value)
    }

    /// The query string as `T`, then the type's `garde` rules: a `400` in the shape of
    /// [`json_valid`](Self::json_valid)'s, naming every bad field (`?page=abc&limit=0`
    /// names both). A repeated key fills a `Vec` field. As an argument:
    /// [`ValidQuery<T>`](crate::ValidQuery).
    pub fn query_valid<T>(&self) -> Result<T, BodyError>
    where
        T: DeserializeOwned + garde::Validate,
        T::Context: Default,
    {
        query::query_valid(self.url().query().unwrap_or_default())
    }

    /// The body as form fields and files, from `multipart/form-data` or an urlencoded form.
    pub async fn form_data(&mut self) -> Result<FormData, BodyError> {
        const EXPECTED: &str = "multipart/form-data or application/x-www-form-urlencoded";
        self.expect_content_type(EXPECTED, |media| {
            media.eq_ignore_ascii_case(MULTIPART) || media.eq_ignore_ascii_case(URLENCODED)
        })?;
        if self
            .media_type()
            .is_some_and(|media| media.eq_ignore_ascii_case(URLENCODED))
        {
            let bytes = self.bytes().await?;
            return Ok(FormData::from_urlencoded(&bytes));
        }
        let request = self.take_body()?;
        let multipart = Multipart::from_request(request, &())
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    BodyError::TooLarge
                } else {
                    BodyError::Malformed(
                        "multipart/form-data content-type has no valid boundary".to_owned(),
                    )
                }
            })?;
        FormData::from_multipart(multipart).await
    }

    /// Moves the body into a request axum's extractors accept. The headers and extensions
    /// are cloned along because the body limit (`DefaultBodyLimit`) travels as an extension
    /// and multipart needs the content type.
    fn take_body(&mut self) -> Result<axum::extract::Request, BodyError> {
        self.ensure_unread()?;
        let body = self.body.take().map_or_else(Body::empty, into_body);
        let mut request = axum::extract::Request::new(body);
        *request.headers_mut() = self.parts.headers.clone();
        *request.extensions_mut() = self.parts.extensions.clone();
        Ok(request)
    }

    fn ensure_unread(&self) -> Result<(), BodyError> {
        if self.body.is_none() {
            Err(BodyError::AlreadyRead)
        } else {
            Ok(())
        }
    }

    /// The body with the route's size limit (`DefaultBodyLimit`, which travels as an
    /// extension) applied. The extensions are lent to axum and taken back rather than
    /// cloned, so reading a body copies no headers or extensions.
    fn take_limited_body(&mut self) -> Result<Body, BodyError> {
        self.ensure_unread()?;
        let body = self.body.take().map_or_else(Body::empty, into_body);
        let mut request = http::Request::new(body);
        std::mem::swap(request.extensions_mut(), &mut self.parts.extensions);
        let mut request = axum::RequestExt::with_limited_body(request);
        std::mem::swap(request.extensions_mut(), &mut self.parts.extensions);
        Ok(request.into_body())
    }

    /// The content type without parameters (`application/json`), as sent: compare it with
    /// `eq_ignore_ascii_case`.
    fn media_type(&self) -> Option<&str> {
        let value = self.parts.headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let essence = value.split(';').next().unwrap_or("").trim();
        (!essence.is_empty()).then_some(essence)
    }

    fn expect_content_type(
        &self,
        expected: &'static str,
        accepts: impl Fn(&str) -> bool,
    ) -> Result<(), BodyError> {
        self.ensure_unread()?;
        match self.media_type() {
            Some(media) if accepts(media) => Ok(()),
            found => {
                // Echo what the client sent, bounded, so the message names the mistake.
                let found =
                    found.map(|media| media.to_ascii_lowercase().chars().take(100).collect());
                Err(BodyError::UnsupportedMediaType { expected, found })
            }
        }
    }
}

/// The body out of its `Mutex`, which is never locked and so never poisoned.
fn into_body(body: Mutex<Body>) -> Body {
    body.into_inner().unwrap_or_else(PoisonError::into_inner)
}

fn is_json(media: &str) -> bool {
    media.eq_ignore_ascii_case(JSON)
        || media.split_once('/').is_some_and(|(_, subtype)| {
            // Bytes, not a `str` slice: no char boundary to land inside.
            let subtype = subtype.as_bytes();
            subtype.len() >= 5 && subtype[subtype.len() - 5..].eq_ignore_ascii_case(b"+json")
        })
}

/// Whether a body error is the size limit's (`413`): `Limited`'s error, somewhere in the
/// chain of `axum::Error`s wrapping it.
fn is_length_limit(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

impl<S: Send + Sync> FromRequest<S> for Request {
    type Rejection = Infallible;

    async fn from_request(
        request: axum::extract::Request,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::from_http(request))
    }
}

impl From<http::Request<Body>> for Request {
    fn from(request: http::Request<Body>) -> Self {
        Self::from_http(request)
    }
}

impl From<Request> for http::Request<Body> {
    fn from(request: Request) -> Self {
        request.into_http()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", self.method())
            .field("url", self.url())
            .field("headers", self.headers())
            .field("body_read", &self.body.is_none())
            .finish_non_exhaustive()
    }
}

pub(crate) mod body_error;
mod collect;
mod form_data;
mod json;
mod lenient;
mod map_key;
mod objects;
mod placeholder;
mod query;
mod search;
#[cfg(test)]
mod tests;

pub use form_data::{FormData, FormFile, FormValue};
pub(crate) use query::{query_lenient, query_valid};
pub use search::{Cookies, SearchParams};
