//! In-process requests against a router, the way to test a routekit app.
//!
//! ```
//! use routekit::prelude::*;
//! use routekit::test::TestClient;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Post {
//!     id: u64,
//! }
//!
//! #[route(GET, "/api/posts/$id")]
//! async fn post(id: u64, headers: HeaderMap) -> Result<Response, ApiError> {
//!     headers.get("authorization").ok_or_else(|| ApiError::unauthorized("Unauthorized"))?;
//!     Ok(Response::json(&serde_json::json!({ "id": id })))
//! }
//!
//! # #[tokio::main]
//! # async fn main() {
//! let client = TestClient::new(routes![post]);
//! let res = client.get("/api/posts/1").header("authorization", "Bearer t").send().await;
//! assert_eq!(res.status(), 200);
//! let post: Post = res.json();
//! assert_eq!(post.id, 1);
//! # }
//! ```
//!
//! In a test crate, write the same inside `#[tokio::test] async fn …`.

mod cookies;
mod multipart;
mod response;
#[cfg(feature = "ws")]
mod websocket;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::Router;
use http::{HeaderName, HeaderValue, Method};
use http_body_util::BodyExt;
use serde::Serialize;
use tower::ServiceExt;

use cookies::Jar;
pub use multipart::MultipartForm;
pub use response::TestResponse;
#[cfg(feature = "ws")]
pub use websocket::{TestWebSocket, TestWebSocketRequest};

/// Sends requests to a router in process: no socket, no server.
///
/// The requests go through the whole router (middleware, automatic answers, the JSON
/// `404`), so a test sees what a client would, without the [`Server`](crate::Server)'s
/// request log and `x-request-id`.
///
/// ```
/// # use routekit::test::TestClient;
/// # #[tokio::main]
/// # async fn main() {
/// # let app = routekit::__doc_support::app();
/// let client = TestClient::new(app);
/// let res = client.post("/api/users").json(&serde_json::json!({ "name": "Ada" })).send().await;
/// assert_eq!(res.status(), 201);
/// assert_eq!(res.json::<serde_json::Value>()["id"], 1);
///
/// let res = client.patch("/api/posts/1").json(&serde_json::json!({ "title": "Edited" })).send().await;
/// assert_eq!(res.status(), 401); // the route's `auth` middleware ran
/// # }
/// ```
#[derive(Clone)]
pub struct TestClient {
    app: Router,
    jar: Option<Arc<Mutex<Jar>>>,
}

impl TestClient {
    /// A client for `app` (a router whose state is already supplied).
    ///
    /// The router is finalised here as `serve` and `axum::serve` finalise it, so layers are
    /// built once, as they will be in production, and not per request.
    pub fn new(app: Router) -> Self {
        Self {
            app: app.with_state(()),
            jar: None,
        }
    }

    /// Keeps the cookies answers set and sends them with later requests, as a browser
    /// does: a login's `Set-Cookie` is the next request's `Cookie`. Paths and expiry are
    /// honoured (`Max-Age=0` deletes); `Domain` is not checked and `Secure` cookies are
    /// sent, as a browser sends them to `localhost`. Clones share the jar.
    ///
    /// ```
    /// # use routekit::prelude::*;
    /// # use routekit::test::TestClient;
    /// #[route(POST, "/login")]
    /// async fn login() -> Response {
    ///     Response::text("ok").header("set-cookie", "session=abc; Path=/; HttpOnly")
    /// }
    ///
    /// #[route(GET, "/me")]
    /// async fn me(req: Request) -> Response {
    ///     Response::text(req.cookies().get("session").unwrap_or("nobody").to_owned())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let client = TestClient::new(routes![login, me]).with_cookie_jar();
    /// assert_eq!(client.get("/me").send().await.text(), "nobody");
    /// client.post("/login").send().await;
    /// assert_eq!(client.cookie("session").as_deref(), Some("abc"));
    /// assert_eq!(client.get("/me").send().await.text(), "abc");
    /// # }
    /// ```
    #[must_use]
    pub fn with_cookie_jar(mut self) -> Self {
        self.jar = Some(Arc::default());
        self
    }

    /// The value of the jar's cookie `name` that a request to `/` would send; `None`
    /// without [`with_cookie_jar`](Self::with_cookie_jar).
    pub fn cookie(&self, name: &str) -> Option<String> {
        let jar = self.jar.as_ref()?;
        jar.lock().expect("cookie jar").get(name, "/")
    }

    /// A request with any method.
    pub fn request(&self, method: Method, uri: &str) -> TestRequest {
        TestRequest {
            app: self.app.clone(),
            builder: http::Request::builder().method(method).uri(uri),
            body: Body::empty(),
            jar: self.jar.clone(),
        }
    }

    /// `GET uri`.
    pub fn get(&self, uri: &str) -> TestRequest {
        self.request(Method::GET, uri)
    }
    /// `HEAD uri`.
    pub fn head(&self, uri: &str) -> TestRequest {
        self.request(Method::HEAD, uri)
    }
    /// `POST uri`.
    pub fn post(&self, uri: &str) -> TestRequest {
        self.request(Method::POST, uri)
    }
    /// `PUT uri`.
    pub fn put(&self, uri: &str) -> TestRequest {
        self.request(Method::PUT, uri)
    }
    /// `PATCH uri`.
    pub fn patch(&self, uri: &str) -> TestRequest {
        self.request(Method::PATCH, uri)
    }
    /// `DELETE uri`.
    pub fn delete(&self, uri: &str) -> TestRequest {
        self.request(Method::DELETE, uri)
    }
    /// `OPTIONS uri`.
    pub fn options(&self, uri: &str) -> TestRequest {
        self.request(Method::OPTIONS, uri)
    }
}

#[cfg(feature = "ws")]
impl TestClient {
    /// A WebSocket handshake with `uri`; [`connect`](TestWebSocketRequest::connect) runs it.
    ///
    /// ```
    /// # #[cfg(feature = "ws")] {
    /// use routekit::prelude::*;
    /// use routekit::test::TestClient;
    /// use routekit::ws::{Message, WebSocket, WebSocketUpgrade};
    ///
    /// #[route(GET, "/api/echo")]
    /// async fn echo(ws: WebSocketUpgrade) -> axum::response::Response {
    ///     ws.on_upgrade(|mut socket: WebSocket| async move {
    ///         while let Some(Ok(Message::Text(text))) = socket.recv().await {
    ///             let _ = socket.send(Message::Text(format!("echo: {text}").into())).await;
    ///         }
    ///     })
    /// }
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let client = TestClient::new(routes![echo]);
    /// let mut socket = client.websocket("/api/echo").connect().await.expect("upgraded");
    /// socket.send_text("hi").await;
    /// assert_eq!(socket.recv_text().await.as_deref(), Some("echo: hi"));
    ///
    /// // A plain request to the route is refused: `connect` answers the response.
    /// let refused = client.get("/api/echo").send().await;
    /// assert_eq!(refused.status(), 400);
    /// # });
    /// # }
    /// ```
    pub fn websocket(&self, uri: &str) -> TestWebSocketRequest {
        let path = uri.split('?').next().unwrap_or("/");
        TestWebSocketRequest::new(
            self.app.clone(),
            uri,
            cookie_header(self.jar.as_ref(), path),
        )
    }
}

/// The `Cookie` header the jar sends with a request to `path`, if any.
fn cookie_header(jar: Option<&Arc<Mutex<Jar>>>, path: &str) -> Option<HeaderValue> {
    let sent = jar?.lock().expect("cookie jar").header(path)?;
    Some(HeaderValue::try_from(sent).expect("cookies are header text"))
}

/// A request being built; `send` runs it.
pub struct TestRequest {
    app: Router,
    builder: http::request::Builder,
    body: Body,
    jar: Option<Arc<Mutex<Jar>>>,
}

impl TestRequest {
    /// Adds a header.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.builder = self.builder.header(name, value);
        self
    }

    /// A JSON body with `content-type: application/json`.
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        let bytes = serde_json::to_vec(value).expect("test body serializes to JSON");
        self.header("content-type", "application/json").body(bytes)
    }

    /// An urlencoded form body.
    pub fn form<T: Serialize + ?Sized>(self, value: &T) -> Self {
        let text = serde_urlencoded::to_string(value).expect("test body serializes as a form");
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(text)
    }

    /// A `multipart/form-data` body, with its `content-type`.
    pub fn multipart(self, form: &MultipartForm) -> Self {
        self.header("content-type", form.content_type())
            .body(form.to_bytes())
    }

    /// A raw body.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request and reads the whole response; then runs the work the handler
    /// registered with [`after`](crate::after()), and returns once it has finished.
    pub async fn send(self) -> TestResponse {
        let mut request = self.builder.body(self.body).expect("a valid test request");
        let path = request.uri().path().to_owned();
        if let Some(sent) = cookie_header(self.jar.as_ref(), &path) {
            let cookie = match request.headers().get(http::header::COOKIE) {
                Some(own) => format!(
                    "{}; {}",
                    own.to_str().unwrap_or_default(),
                    sent.to_str().unwrap_or_default()
                ),
                None => sent.to_str().unwrap_or_default().to_owned(),
            };
            let value = HeaderValue::try_from(cookie).expect("cookies are header text");
            request.headers_mut().insert(http::header::COOKIE, value);
        }
        let mut scoped = std::pin::pin!(crate::after::scope(self.app.oneshot(request)));
        let response = scoped.as_mut().await.expect("axum routers are infallible");
        let after = scoped.take_value().map(crate::after::Scope::into_work);
        let (parts, body) = response.into_parts();
        if let Some(jar) = &self.jar {
            jar.lock().expect("cookie jar").store(&path, &parts.headers);
        }
        let body = body
            .collect()
            .await
            .expect("response body reads")
            .to_bytes();
        for work in after.into_iter().flatten() {
            crate::after::run(work).await;
        }
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}
