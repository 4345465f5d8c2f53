//! The response a handler returns, after the Fetch API's `Response`.
//!
//! Next.js and TanStack Start handlers answer with `Response.json(v, { status })`,
//! `new Response(body)` or `redirect(url)`; [`Response`] gives the same vocabulary so a
//! handler ports line by line, and it is a plain [`http::Response`] underneath so it mixes
//! with anything axum answers.
//!
//! The builder never panics. A step that would produce an unsendable or dangerous response
//! (a header value with a line break, a status outside 100–999, a redirect with a status
//! that is not a redirect) is remembered, and the response answers `500` with the usual
//! `{"error": …}` body while the reason goes to the log. This keeps chains like
//! `Response::json(&v).status(s).header(k, v)` free of `?`, and a value that could split
//! the response (header injection) is never written to the wire.

use std::borrow::Cow;
use std::fmt;

use axum::body::Body;
use axum::response::sse::{Event, Sse};
use axum::response::IntoResponse;
use axum::BoxError;
use bytes::Bytes;
use futures_util::Stream;
use http::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::Serialize;

use crate::error::ApiError;

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";
const TEXT_HTML: &str = "text/html; charset=utf-8";
const TEXT_XML: &str = "text/xml; charset=utf-8";
const APPLICATION_JSON: &str = "application/json";

/// A constant header value built at compile time: `HeaderValue::from_static` checks every
/// byte, and run per response that check costs ~10 instructions a byte.
macro_rules! static_value {
    ($value:expr) => {
        const { HeaderValue::from_static($value) }
    };
}

/// A Fetch-style response: build it with a constructor, refine it with
/// [`status`](Response::status), [`header`](Response::header) and
/// [`cookie`](Response::cookie), return it from a handler.
///
/// ```
/// use routekit::cookie::Cookie;
/// use routekit::Response;
///
/// // Response.json(post, { status: 201 }), with a header and a cookie
/// let res = Response::json(&serde_json::json!({ "id": 1 }))
///     .status(201)
///     .header("location", "/api/posts/1")
///     .cookie(Cookie::new("seen", "1"));
/// assert_eq!(res.status_code(), 201);
/// let headers = res.headers().unwrap();
/// assert_eq!(headers["content-type"], "application/json");
/// assert_eq!(headers["set-cookie"], "seen=1");
///
/// assert_eq!(Response::redirect("/login").status_code(), 307);
/// assert_eq!(Response::empty().status_code(), 204);
/// assert_eq!(Response::error(404, "Not found").status_code(), 404);
///
/// // A header that would split the response is never sent: the answer becomes a 500.
/// let res = Response::text("hi").header("x-note", "a\r\nset-cookie: admin=1");
/// assert_eq!(res.status_code(), 500);
/// ```
pub struct Response {
    /// The response so far. A refused builder step leaves an empty `500` carrying
    /// [`Invalid`], so a valid response is exactly what axum would send, with nothing to
    /// unwrap on the way out.
    inner: http::Response<Body>,
}

/// Why a builder step was refused; kept for the log, never sent to the client.
#[derive(Clone)]
struct Invalid(String);

/// A body for [`Response::new`], remembering whether it is text so that `new Response("hi")`
/// gets `text/plain` as it does in the Fetch API while bytes and streams stay untyped.
pub struct ResponseBody {
    body: Body,
    content_type: Option<HeaderValue>,
}

impl From<&'static str> for ResponseBody {
    fn from(text: &'static str) -> Self {
        Self {
            body: Body::from(text),
            content_type: Some(static_value!(TEXT_PLAIN)),
        }
    }
}

impl From<String> for ResponseBody {
    fn from(text: String) -> Self {
        Self {
            body: Body::from(text),
            content_type: Some(static_value!(TEXT_PLAIN)),
        }
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self {
            body: Body::from(bytes),
            content_type: None,
        }
    }
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> Self {
        Self {
            body: Body::from(bytes),
            content_type: None,
        }
    }
}

impl From<Body> for ResponseBody {
    fn from(body: Body) -> Self {
        Self {
            body,
            content_type: None,
        }
    }
}

impl From<()> for ResponseBody {
    fn from((): ()) -> Self {
        Self {
            body: Body::empty(),
            content_type: None,
        }
    }
}

/// A status given as a number (`201`, as in `{ status: 201 }`) or as a [`StatusCode`].
pub trait IntoStatus {
    /// The status, or the rejected number when it is outside 100–999.
    fn into_status(self) -> Result<StatusCode, u16>;
}

impl IntoStatus for u16 {
    fn into_status(self) -> Result<StatusCode, u16> {
        StatusCode::from_u16(self).map_err(|_| self)
    }
}

impl IntoStatus for StatusCode {
    fn into_status(self) -> Result<StatusCode, u16> {
        Ok(self)
    }
}

impl Response {
    /// `new Response(body)`: `200`; text bodies are `text/plain; charset=utf-8`.
    pub fn new(body: impl Into<ResponseBody>) -> Self {
        let ResponseBody { body, content_type } = body.into();
        let mut response = http::Response::new(body);
        if let Some(content_type) = content_type {
            response.headers_mut().insert(CONTENT_TYPE, content_type);
        }
        Self { inner: response }
    }

    /// `Response.json(v)`: `200`, `application/json`. A value that fails to serialize (a map
    /// with non-string keys, a failing `Serialize` impl) is a bug, so it answers `500`.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(json) => Self::typed(Body::from(json), static_value!(APPLICATION_JSON)),
            Err(error) => Self::invalid(format!(
                "response body failed to serialize as JSON: {error}"
            )),
        }
    }

    /// A `text/plain; charset=utf-8` body.
    pub fn text(text: impl Into<Cow<'static, str>>) -> Self {
        Self::typed(Body::from(text.into()), static_value!(TEXT_PLAIN))
    }

    /// A `text/html; charset=utf-8` body.
    pub fn html(html: impl Into<Cow<'static, str>>) -> Self {
        Self::typed(Body::from(html.into()), static_value!(TEXT_HTML))
    }

    /// A `text/xml; charset=utf-8` body, as the RSS feeds of Next.js apps answer.
    pub fn xml(xml: impl Into<Cow<'static, str>>) -> Self {
        Self::typed(Body::from(xml.into()), static_value!(TEXT_XML))
    }

    /// `new Response(null, { status: 204 })`.
    pub fn empty() -> Self {
        Self::new(()).status(StatusCode::NO_CONTENT)
    }

    /// Next.js `redirect(url)`: `307 Temporary Redirect`, which keeps the method and body.
    pub fn redirect(url: impl AsRef<str>) -> Self {
        Self::redirect_with(url, StatusCode::TEMPORARY_REDIRECT)
    }

    /// A redirect with a chosen status, which must be 301, 302, 303, 307 or 308.
    ///
    /// Non-ASCII characters in `url` are percent-encoded, since a raw UTF-8 `Location` is
    /// read differently by different clients; control characters are refused.
    pub fn redirect_with(url: impl AsRef<str>, status: impl IntoStatus) -> Self {
        let url = url.as_ref();
        let status = match status.into_status() {
            Ok(status) if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) => status,
            Ok(status) => {
                return Self::invalid(format!(
                    "redirect status {status} is not 301, 302, 303, 307 or 308"
                ))
            }
            Err(code) => return Self::invalid(format!("status {code} is outside 100-999")),
        };
        if url.chars().any(|c| c.is_ascii_control()) {
            return Self::invalid("redirect URL contains a control character".to_owned());
        }
        let encoded =
            percent_encoding::utf8_percent_encode(url, percent_encoding::CONTROLS).to_string();
        Self::new(()).status(status).header(LOCATION, encoded)
    }

    /// A body streamed from `stream`, chunk by chunk; no content type unless one is set.
    /// An `Err` item ends the response abruptly, as a failed upstream would. So does a panic
    /// in the stream, which is logged (with the route, under `serve`) and goes no further.
    ///
    /// ```
    /// use futures_util::stream;
    /// use routekit::Response;
    ///
    /// let chunks = ["Hello, ", "World!"].map(Ok::<_, std::io::Error>);
    /// let res = Response::stream(stream::iter(chunks)).header("content-type", "text/plain");
    /// assert_eq!(res.status_code(), 200);
    /// ```
    pub fn stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        let route = StreamRoute::default();
        let mut res = Self::new(Body::from_stream(CatchPanic::new(stream, route.clone())));
        res.inner.extensions_mut().insert(route);
        res
    }

    /// Server-sent events (`text/event-stream`) from a stream of axum [`Event`]s. A panic in
    /// the stream ends the response as [`stream`](Self::stream) does.
    ///
    /// ```
    /// use axum::response::sse::Event;
    /// use futures_util::stream;
    /// use routekit::Response;
    ///
    /// let events = (1..=3).map(|n| Ok::<_, std::convert::Infallible>(Event::default().data(n.to_string())));
    /// let res = Response::sse(stream::iter(events));
    /// assert_eq!(res.headers().unwrap()["content-type"], "text/event-stream");
    /// ```
    pub fn sse<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Event, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let route = StreamRoute::default();
        let mut inner = Sse::new(CatchPanic::new(stream, route.clone())).into_response();
        inner.extensions_mut().insert(route);
        Self { inner }
    }

    /// `Response.json({ error: message }, { status })`: the same `{"error": …}` shape as
    /// [`ApiError`], for handlers that answer errors without returning `Err`.
    pub fn error(status: impl IntoStatus, message: impl Into<Cow<'static, str>>) -> Self {
        match status.into_status() {
            Ok(status) => Self {
                inner: ApiError::with_status(status, message).into_response(),
            },
            Err(code) => Self::invalid(format!("status {code} is outside 100-999")),
        }
    }

    /// Sets the status (`{ status: 201 }`). A number outside 100–999 makes the response `500`.
    pub fn status(self, status: impl IntoStatus) -> Self {
        match status.into_status() {
            Ok(status) => self.map(|response| {
                *response.status_mut() = status;
                Ok(())
            }),
            Err(code) => self.fail(format!("status {code} is outside 100-999")),
        }
    }

    /// Sets a header, replacing any value it had (`headers.set`). An invalid name or a value
    /// with a line break or another control character makes the response `500`.
    pub fn header<N, V>(self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        N::Error: fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: fmt::Display,
    {
        let name = match name.try_into() {
            Ok(name) => name,
            Err(error) => return self.fail(format!("invalid header name: {error}")),
        };
        // The value is left out of the log: it may be a secret, and it is the client-facing
        // header that was refused, so the name is what a reader needs.
        match value.try_into() {
            Ok(value) => self.map(|response| {
                response.headers_mut().insert(name, value);
                Ok(())
            }),
            Err(error) => self.fail(format!("invalid value for header {name}: {error}")),
        }
    }

    /// Adds a `Set-Cookie` header; name and value are percent-encoded. A path or domain
    /// holding a `;` or `,` (which would smuggle in another attribute, as
    /// `/x; Domain=evil.example`), a control character or a non-ASCII character makes the
    /// response `500`, the reason logged.
    pub fn cookie(self, cookie: impl Into<cookie::Cookie<'static>>) -> Self {
        let cookie = cookie.into();
        // The crate percent-encodes name and value (`;`, `,`, controls and space included)
        // but writes the path and domain as given.
        for (attribute, text) in [("Path", cookie.path()), ("Domain", cookie.domain())] {
            if let Some(c) = text.and_then(|text| text.chars().find(|&c| !is_attribute_char(c))) {
                return self.fail(format!(
                    "cookie {:?} has {c:?} in its {attribute} attribute",
                    cookie.name()
                ));
            }
        }
        match HeaderValue::try_from(cookie.encoded().to_string()) {
            Ok(value) => self.map(|response| {
                response.headers_mut().append(SET_COOKIE, value);
                Ok(())
            }),
            Err(_) => self.fail(format!(
                "cookie {:?} has an invalid attribute",
                cookie.name()
            )),
        }
    }

    /// The status this response answers: `500` when a builder step was refused.
    pub fn status_code(&self) -> StatusCode {
        self.inner.status()
    }

    /// The headers so far, or `None` when a builder step was refused.
    pub fn headers(&self) -> Option<&HeaderMap> {
        (!self.is_invalid()).then(|| self.inner.headers())
    }

    #[inline]
    fn typed(body: Body, content_type: HeaderValue) -> Self {
        let mut response = http::Response::new(body);
        response.headers_mut().insert(CONTENT_TYPE, content_type);
        Self { inner: response }
    }

    #[cold]
    fn invalid(reason: String) -> Self {
        let mut response = http::Response::new(Body::empty());
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        response.extensions_mut().insert(Invalid(reason));
        Self { inner: response }
    }

    fn is_invalid(&self) -> bool {
        !self.inner.extensions().is_empty() && self.inner.extensions().get::<Invalid>().is_some()
    }

    /// Applies `step` unless an earlier step already failed; the first failure is kept.
    fn map(mut self, step: impl FnOnce(&mut http::Response<Body>) -> Result<(), String>) -> Self {
        if self.is_invalid() {
            return self;
        }
        match step(&mut self.inner) {
            Ok(()) => self,
            Err(reason) => Self::invalid(reason),
        }
    }

    fn fail(self, reason: String) -> Self {
        self.map(|_| Err(reason))
    }
}

/// A character a cookie's `Path` or `Domain` may hold: visible ASCII or space (RFC 6265's
/// `<any CHAR except CTLs or ";">`), and not `,`, which splits folded `Set-Cookie` lists.
fn is_attribute_char(c: char) -> bool {
    matches!(c, ' '..='~') && c != ';' && c != ','
}

pin_project_lite::pin_project! {
    /// A response stream whose panics end the response instead of unwinding into the
    /// server: the handler's panic guard is behind us once the body is being sent.
    struct CatchPanic<S> {
        #[pin]
        stream: S,
        // The route whose handler made the stream, once that handler has answered.
        route: StreamRoute,
        panicked: bool,
    }
}

impl<S> CatchPanic<S> {
    fn new(stream: S, route: StreamRoute) -> Self {
        Self {
            stream,
            route,
            panicked: false,
        }
    }
}

/// The name of the route a streamed body belongs to. The stream is made inside the handler,
/// before anything around it is known; the route's future names it when the handler's
/// answer comes out (a response extension it removes), and the stream reads it if it panics.
#[derive(Clone, Default)]
pub(crate) struct StreamRoute(std::sync::Arc<std::sync::OnceLock<&'static str>>);

impl StreamRoute {
    pub(crate) fn name(&self, route: &'static str) {
        let _ = self.0.set(route);
    }

    fn get(&self) -> &'static str {
        self.0.get().copied().unwrap_or("-")
    }
}

/// The error that ends a stream that panicked (the panic itself is in the log).
#[derive(Debug)]
struct StreamPanicked;

impl fmt::Display for StreamPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the response stream panicked")
    }
}

impl std::error::Error for StreamPanicked {}

impl<S, T, E> Stream for CatchPanic<S>
where
    S: Stream<Item = Result<T, E>>,
    E: Into<BoxError>,
{
    type Item = Result<T, BoxError>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.project();
        if *this.panicked {
            return Poll::Ready(None);
        }
        let stream = this.stream;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream.poll_next(cx))) {
            Ok(Poll::Ready(Some(item))) => Poll::Ready(Some(item.map_err(Into::into))),
            Ok(Poll::Ready(None)) => Poll::Ready(None),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => {
                *this.panicked = true;
                tracing::error!(
                    route = this.route.get(),
                    panic = crate::after::panic_message(&*panic),
                    "response stream panicked; ending the response"
                );
                Poll::Ready(Some(Err(Box::new(StreamPanicked))))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.panicked {
            (0, Some(0))
        } else {
            self.stream.size_hint()
        }
    }
}

impl IntoResponse for Response {
    /// One path out for every response: the rare refused one is replaced in place, so the
    /// 128-byte response is not copied into a second return slot on the common path.
    #[inline]
    fn into_response(mut self) -> axum::response::Response {
        if !self.inner.extensions().is_empty() {
            refuse_if_invalid(&mut self.inner);
        }
        self.inner
    }
}

#[cold]
#[inline(never)]
fn refuse_if_invalid(response: &mut http::Response<Body>) {
    if let Some(Invalid(reason)) = response.extensions_mut().remove::<Invalid>() {
        *response = refused(reason);
    }
}

impl From<http::Response<Body>> for Response {
    fn from(response: http::Response<Body>) -> Self {
        Self { inner: response }
    }
}

#[cold]
fn refused(reason: String) -> axum::response::Response {
    tracing::error!(%reason, "handler built an invalid response; answering 500");
    ApiError::with_status(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
        .into_response()
}

impl From<Response> for http::Response<Body> {
    fn from(response: Response) -> Self {
        response.into_response()
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.extensions().get::<Invalid>() {
            None => f
                .debug_struct("Response")
                .field("status", &self.inner.status())
                .field("headers", self.inner.headers())
                .finish_non_exhaustive(),
            Some(Invalid(reason)) => f.debug_struct("Response").field("invalid", reason).finish(),
        }
    }
}

#[cfg(test)]
mod tests;
