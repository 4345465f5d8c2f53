//! The one error vocabulary routekit answers with.
//!
//! Every error routekit produces by itself (a path parameter that does not parse, a body
//! of the wrong type, an unknown path, a method the path lacks) and every [`ApiError`] a
//! handler returns becomes the same JSON shape, `{"error": …}`, so clients parse one
//! format whatever went wrong.

use std::borrow::Cow;
use std::fmt;

use axum::response::IntoResponse;
use http::StatusCode;
use serde_json::Value;

/// The error a handler returns: a status and a JSON body `{"error": …}`.
///
/// Constructors are named after the status they answer, like the `Response.json({ error },
/// { status })` calls in Next.js and TanStack Start handlers. [`ApiError::internal`] logs its
/// cause with `tracing` and answers a body that hides it, so a database error message never
/// reaches a client.
///
/// ```
/// use routekit::prelude::*;
/// use routekit::test::TestClient;
///
/// #[route(GET, "/api/posts/$id")]
/// async fn post(id: u64) -> Result<Response, ApiError> {
///     match id {
///         1 => Ok(Response::json(&serde_json::json!({ "id": 1 }))),
///         2 => Err(ApiError::forbidden("Not yours")),
///         3 => {
///             let cause = std::io::Error::other("connection refused (db.internal:5432)");
///             Err(ApiError::internal(cause)) // logged, never sent
///         }
///         _ => Err(ApiError::not_found("Not found")),
///     }
/// }
///
/// # #[tokio::main]
/// # async fn main() {
/// let client = TestClient::new(routes![post]);
/// let res = client.get("/api/posts/2").send().await;
/// assert_eq!((res.status().as_u16(), res.text().as_str()), (403, r#"{"error":"Not yours"}"#));
/// let res = client.get("/api/posts/3").send().await;
/// assert_eq!(res.status(), 500);
/// assert_eq!(res.text(), r#"{"error":"Internal server error"}"#);
/// assert_eq!(client.get("/api/posts/9").send().await.status(), 404);
/// # }
/// ```
pub struct ApiError {
    status: StatusCode,
    body: Value,
    extra: Option<Vec<(&'static str, Value)>>,
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ApiError {
    /// An error with any status and a message. Statuses outside 400–599 become `500`.
    pub fn new(status: impl Into<u16>, message: impl Into<Cow<'static, str>>) -> Self {
        let status = StatusCode::from_u16(status.into())
            .ok()
            .filter(|s| s.is_client_error() || s.is_server_error())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::with_status(status, message)
    }

    /// An error with a status and a message.
    pub fn with_status(status: StatusCode, message: impl Into<Cow<'static, str>>) -> Self {
        let message: Cow<'static, str> = message.into();
        Self {
            status,
            body: Value::String(message.into_owned()),
            extra: None,
            cause: None,
        }
    }

    /// An error whose `error` member is structured JSON rather than a message, as the
    /// seeds' `{ error: parsed.error.flatten() }`.
    pub fn with_body(status: StatusCode, error: Value) -> Self {
        Self {
            status,
            body: error,
            extra: None,
            cause: None,
        }
    }

    /// Adds a member next to `error` in the JSON body (`{"error": …, "param": "id"}`).
    pub fn with_field(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.extra
            .get_or_insert_with(Vec::new)
            .push((name, value.into()));
        self
    }

    /// `400 Bad Request`.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_status(StatusCode::BAD_REQUEST, message)
    }

    /// `401 Unauthorized`.
    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_status(StatusCode::UNAUTHORIZED, message)
    }

    /// `403 Forbidden`.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_status(StatusCode::FORBIDDEN, message)
    }

    /// `404 Not Found`.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_status(StatusCode::NOT_FOUND, message)
    }

    /// `409 Conflict`.
    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_status(StatusCode::CONFLICT, message)
    }

    /// `422 Unprocessable Content`.
    pub fn unprocessable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::with_status(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// `500 Internal Server Error` that keeps `cause` for the log and out of the body.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let mut error =
            Self::with_status(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
        error.cause = Some(cause.into());
        error
    }

    /// `503 Service Unavailable` that keeps `cause` for the log and out of the body: what a
    /// handler answers when something it depends on (the database, another service) does
    /// not answer, so a load balancer or client retries later rather than treating it as a
    /// bug (`500`).
    pub fn unavailable(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        let mut error = Self::with_status(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable");
        error.cause = Some(cause.into());
        error
    }

    /// The status this error answers.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The value of the `error` member of the body.
    pub fn error(&self) -> &Value {
        &self.body
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("error", &self.body)
            .field("cause", &self.cause)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.body {
            Value::String(message) => write!(f, "{}: {message}", self.status),
            other => write!(f, "{}: {other}", self.status),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let mut object =
            serde_json::Map::with_capacity(1 + self.extra.as_ref().map_or(0, Vec::len));
        object.insert("error".to_owned(), self.body);
        for (name, value) in self.extra.into_iter().flatten() {
            object.insert(name.to_owned(), value);
        }
        let mut response = (self.status, axum::Json(&object)).into_response();
        // The members ride along, so a `render_with` layer around the app renders them its
        // own way; the default answer is already written.
        response.extensions_mut().insert(ErrorMembers {
            status: self.status,
            members: object,
        });
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(ErrorCause::new(cause));
        }
        response
    }
}

/// What an error answer was made from, riding on its response: `render_with` renders it
/// again with the app's renderer.
#[derive(Clone)]
struct ErrorMembers {
    status: StatusCode,
    members: serde_json::Map<String, Value>,
}

/// Turns an error's status and JSON members (`error`, and any `with_field`) into the
/// response. Every error routekit answers by itself goes through it.
pub type Renderer = fn(StatusCode, serde_json::Map<String, Value>) -> axum::response::Response;

/// Renders every error of the app it wraps with `renderer` (its routes, their middleware,
/// the `404`, `405` and panics), leaving other apps of the process as they are: two apps,
/// one speaking RFC 9457 and one the default JSON, can share a process and a test suite.
/// The renderer belongs to the router it wraps; nothing is process-wide. (The errors
/// `serve` answers itself, before a request reaches the app, take
/// [`Server::error_renderer`](crate::Server::error_renderer).)
///
/// Each error answer carries what it was made from; this layer renders those again on
/// their way out, keeping the headers others added (`Allow`, `WWW-Authenticate`, CORS) and
/// leaving every other answer alone.
///
/// ```
/// use routekit::prelude::*;
/// use routekit::error::{problem_json, render_with};
/// use routekit::test::TestClient;
///
/// #[route(GET, "/api/hello")]
/// async fn hello() -> &'static str { "hi" }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app: axum::Router = routes![hello].layer(render_with(problem_json));
/// let res = TestClient::new(app).get("/nowhere").send().await;
/// assert_eq!(res.header("content-type"), Some("application/problem+json"));
/// assert_eq!(res.json::<serde_json::Value>()["detail"], "Not found");
/// # }
/// ```
pub fn render_with(renderer: Renderer) -> RenderWithLayer {
    RenderWithLayer(renderer)
}

/// The layer [`render_with`] returns.
#[derive(Clone, Copy)]
pub struct RenderWithLayer(Renderer);

impl<S> tower::Layer<S> for RenderWithLayer {
    type Service = RenderWith<S>;

    fn layer(&self, inner: S) -> RenderWith<S> {
        RenderWith {
            inner,
            renderer: self.0,
        }
    }
}

/// The service of [`render_with`]: runs the app with its renderer in scope.
#[derive(Clone, Copy)]
pub struct RenderWith<S> {
    inner: S,
    renderer: Renderer,
}

impl<S, R> tower::Service<R> for RenderWith<S>
where
    S: tower::Service<R, Response = axum::response::Response>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = RenderWithFuture<S::Future>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        RenderWithFuture {
            future: self.inner.call(request),
            renderer: self.renderer,
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`RenderWith`]: the app's answer, an error one rendered again.
    pub struct RenderWithFuture<F> {
        #[pin]
        future: F,
        renderer: Renderer,
    }
}

impl<F, E> std::future::Future for RenderWithFuture<F>
where
    F: std::future::Future<Output = Result<axum::response::Response, E>>,
{
    type Output = F::Output;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.project();
        let renderer = *this.renderer;
        this.future
            .poll(cx)
            .map(|result| result.map(|response| rerender(response, renderer)))
    }
}

/// `response` rendered again with `renderer` when it is an error answer routekit made;
/// the headers and extensions others added kept, its own content headers replaced.
pub(crate) fn rerender(
    mut response: axum::response::Response,
    renderer: Renderer,
) -> axum::response::Response {
    let Some(error) = response.extensions_mut().remove::<ErrorMembers>() else {
        return response;
    };
    let (parts, _) = response.into_parts();
    let mut rendered = renderer(error.status, error.members);
    let own: Vec<http::HeaderName> = rendered.headers().keys().cloned().collect();
    for (name, value) in &parts.headers {
        if name != http::header::CONTENT_TYPE
            && name != http::header::CONTENT_LENGTH
            && !own.contains(name)
        {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    rendered.extensions_mut().extend(parts.extensions);
    rendered
}

/// The default renderer: `{"error": …}` as `application/json`.
pub fn json(
    status: StatusCode,
    members: serde_json::Map<String, Value>,
) -> axum::response::Response {
    (status, axum::Json(Value::Object(members))).into_response()
}

/// RFC 9457 `application/problem+json`: `title` from the status, `detail` from a message
/// `error`, `errors` from a structured one, other members kept.
pub fn problem_json(
    status: StatusCode,
    mut members: serde_json::Map<String, Value>,
) -> axum::response::Response {
    let mut problem = serde_json::Map::new();
    problem.insert("type".to_owned(), Value::from("about:blank"));
    problem.insert(
        "title".to_owned(),
        Value::from(status.canonical_reason().unwrap_or("Error")),
    );
    problem.insert("status".to_owned(), Value::from(status.as_u16()));
    match members.remove("error") {
        Some(Value::String(detail)) => {
            problem.insert("detail".to_owned(), Value::String(detail));
        }
        Some(other) => {
            problem.insert("errors".to_owned(), other);
        }
        None => {}
    }
    problem.extend(members);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    (
        status,
        [(http::header::CONTENT_TYPE, "application/problem+json")],
        body,
    )
        .into_response()
}

/// The cause of an `internal` error, riding on the response until the route that
/// answered it logs it with its template; logged without one if no route does.
#[derive(Clone)]
pub(crate) struct ErrorCause(std::sync::Arc<std::sync::Mutex<Option<BoxError>>>);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl ErrorCause {
    fn new(cause: BoxError) -> Self {
        Self(std::sync::Arc::new(std::sync::Mutex::new(Some(cause))))
    }

    /// Logs the cause once, naming the route.
    pub(crate) fn log(&self, route: &str) {
        let taken = self.0.lock().map(|mut cause| cause.take()).unwrap_or(None);
        if let Some(cause) = taken {
            tracing::error!(route, error = %cause, "internal error");
        }
    }
}

impl Drop for ErrorCause {
    fn drop(&mut self) {
        if std::sync::Arc::strong_count(&self.0) == 1 {
            self.log("-");
        }
    }
}
