//! A typed request to one route, as `item::get(7)` builds it.

use std::future::Future;
use std::marker::PhantomData;

use bytes::Bytes;
use futures_util::future::Either;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;

use super::decode::{Decode, Raw};
use super::error::{ClientError, ErrorBody};
use super::transport::Transport;

/// A value that fills a route's declared body `T`: a `T`, which must implement
/// `Serialize` to be sent. (The bound is asked where a call is built, so a body type that
/// only derives `Deserialize` keeps its route compiling.)
#[diagnostic::on_unimplemented(
    message = "a typed call of this route sends its body type `{T}`, which must implement `Serialize`",
    label = "expected a `{T}` that implements `Serialize`",
    note = "derive `Serialize` on `{T}` next to `Deserialize` to send it from a typed call"
)]
pub trait BodyOf<T: ?Sized> {
    #[doc(hidden)]
    fn json(&self) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>>;
    #[doc(hidden)]
    fn form(&self) -> Result<String, Box<dyn std::error::Error + Send + Sync>>;
}

impl<T: Serialize + ?Sized> BodyOf<T> for T {
    fn json(&self) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
        Ok(serde_json::to_vec(self)?)
    }
    fn form(&self) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        Ok(serde_urlencoded::to_string(self)?)
    }
}

/// The query type of a route whose handler takes none: it has no `Serialize`, so
/// [`Call::query`] cannot be called on its calls.
#[derive(Debug)]
pub enum NoQuery {}

/// A request to one route, typed by its handler: `D` is what a success decodes as
/// ([`Decode`]), `Q` the handler's query type. Built by the route's generated function
/// (`posts::item::get(7)`), sent by [`send`](Call::send) through a [`Transport`]: the
/// [`Client`](super::transport::Client) over HTTP, or a
/// [`TestClient`](crate::test::TestClient) in process.
#[must_use = "a call does nothing until it is sent with `.send(&client)`"]
pub struct Call<D, Q = NoQuery> {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
    failed: Option<ClientError>,
    answer: PhantomData<fn() -> (D, Q)>,
}

impl<D, Q> std::fmt::Debug for Call<D, Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl<D, Q> Call<D, Q> {
    /// A call of `method` to `path` (the route's `href`).
    #[doc(hidden)]
    pub fn new(method: Method, path: String) -> Self {
        Call {
            method,
            path,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            failed: None,
            answer: PhantomData,
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path and query string, `/api/users?page=2`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Adds a header (`authorization`, `if-none-match`, …).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: std::error::Error + Send + Sync + 'static,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: std::error::Error + Send + Sync + 'static,
    {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(e), _) => self.fail(Box::new(e)),
            (_, Err(e)) => self.fail(Box::new(e)),
        }
        self
    }

    /// Sets the query string from the handler's query type (`Query<Pagination>`:
    /// `.query(&Pagination { page: 2, limit: 10 })`).
    pub fn query(mut self, query: &Q) -> Self
    where
        Q: Serialize,
    {
        match serde_urlencoded::to_string(query) {
            Ok(text) => {
                if let Some(at) = self.path.find('?') {
                    self.path.truncate(at);
                }
                if !text.is_empty() {
                    self.path.push('?');
                    self.path.push_str(&text);
                }
            }
            Err(e) => self.fail(Box::new(e)),
        }
        self
    }

    /// A JSON body. The generated function sets a handler's declared body; this is for a
    /// handler that reads its body itself (`req.json()`).
    pub fn json<B: Serialize + ?Sized>(self, body: &B) -> Self {
        self.body::<B>(body, false)
    }

    /// An urlencoded form body.
    pub fn form<B: Serialize + ?Sized>(self, body: &B) -> Self {
        self.body::<B>(body, true)
    }

    /// The route's declared body, `T`: what its generated function takes.
    #[doc(hidden)]
    pub fn body<T: ?Sized>(mut self, body: &(impl BodyOf<T> + ?Sized), form: bool) -> Self {
        let written = if form {
            body.form()
                .map(|text| (text.into_bytes(), "application/x-www-form-urlencoded"))
        } else {
            body.json().map(|bytes| (bytes, "application/json"))
        };
        match written {
            Ok((bytes, content_type)) => self.set_body(bytes, content_type),
            Err(e) => self.fail(e),
        }
        self
    }

    fn set_body(&mut self, bytes: Vec<u8>, content_type: &'static str) {
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.body = Bytes::from(bytes);
    }

    fn fail(&mut self, error: Box<dyn std::error::Error + Send + Sync>) {
        self.failed.get_or_insert(ClientError::Request(error));
    }

    /// The request this call sends, its URI the route's path and query.
    pub fn into_request(self) -> Result<http::Request<Bytes>, ClientError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let mut request = http::Request::builder()
            .method(self.method)
            .uri(self.path)
            .body(self.body)
            .map_err(|e| ClientError::Request(Box::new(e)))?;
        *request.headers_mut() = self.headers;
        Ok(request)
    }

    /// Sends the call and answers its route's documented success body, or the status and
    /// error body of any other answer ([`ClientError::Status`]).
    // Not an `async fn`: its bound would then be reported three times over (at the call,
    // the future and the `.await`) for an answer type that is not `Decode`.
    pub fn send<T: Transport + ?Sized>(
        self,
        transport: &T,
    ) -> impl Future<Output = Result<D::Output, ClientError>> + Send + '_
    where
        D: Decode,
    {
        let sent = self.send_raw(transport);
        async move {
            let answer = sent.await?;
            if answer.status.is_success() {
                D::decode(answer)
            } else {
                Err(ClientError::Status {
                    status: answer.status,
                    body: ErrorBody::parse(&answer.body),
                    headers: answer.headers,
                })
            }
        }
    }

    /// Sends the call and answers what came back, whatever its status.
    pub fn send_raw<T: Transport + ?Sized>(
        self,
        transport: &T,
    ) -> impl Future<Output = Result<Raw, ClientError>> + Send + '_ {
        match self.into_request() {
            Ok(request) => Either::Left(transport.execute(request)),
            Err(error) => Either::Right(std::future::ready(Err(error))),
        }
    }
}
