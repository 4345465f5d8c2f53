//! What sends a typed call: the HTTP [`Client`], or a [`TestClient`] in process.

use std::future::Future;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::decode::Raw;
use super::error::ClientError;
use crate::test::TestClient;

/// Sends a request and reads the whole answer. Implemented by [`Client`] (HTTP, through
/// reqwest) and by [`TestClient`] (in process), so one typed call serves production code
/// and its tests.
pub trait Transport {
    /// Sends `request`, whose URI is a path and query.
    fn execute(
        &self,
        request: http::Request<Bytes>,
    ) -> impl Future<Output = Result<Raw, ClientError>> + Send;
}

/// A client of a routekit app over HTTP: a base URL, headers every call carries, and a
/// `reqwest::Client` (one connection pool; clone it freely).
///
/// ```no_run
/// # async fn run() -> Result<(), routekit::client::ClientError> {
/// use routekit::client::Client;
///
/// let client = Client::new("http://127.0.0.1:3000").header("authorization", "Bearer ada-token");
/// # let _ = client;
/// // let post = blog::posts::item::get(7).send(&client).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    headers: HeaderMap,
}

impl Client {
    /// A client of the app at `base_url` (`http://127.0.0.1:3000`, or with a path prefix
    /// the app is nested under, `https://example.com/v1`).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_http(reqwest::Client::new(), base_url)
    }

    /// The same, over a `reqwest::Client` configured by the caller (timeouts, TLS, proxy).
    pub fn with_http(http: reqwest::Client, base_url: impl Into<String>) -> Self {
        let mut base = base_url.into();
        while base.ends_with('/') {
            base.pop();
        }
        Client {
            http,
            base,
            headers: HeaderMap::new(),
        }
    }

    /// A header every call carries (a service token); a call's own header of the same
    /// name replaces it.
    ///
    /// # Panics
    ///
    /// When `name` or `value` is not a valid header, as `reqwest`'s builder does.
    #[must_use]
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        let value = HeaderValue::from_str(value).expect("a header value is visible ASCII");
        self.headers.append(HeaderName::from_static(name), value);
        self
    }
}

impl Transport for Client {
    async fn execute(&self, request: http::Request<Bytes>) -> Result<Raw, ClientError> {
        let (parts, body) = request.into_parts();
        let url = format!("{}{}", self.base, parts.uri);
        let mut headers = self.headers.clone();
        headers.extend(parts.headers);
        let answer = self
            .http
            .request(parts.method, url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|e| ClientError::Transport(Box::new(e)))?;
        let status = answer.status();
        let headers = answer.headers().clone();
        let body = answer
            .bytes()
            .await
            .map_err(|e| ClientError::Transport(Box::new(e)))?;
        Ok(Raw {
            status,
            headers,
            body,
        })
    }
}

impl Transport for TestClient {
    async fn execute(&self, request: http::Request<Bytes>) -> Result<Raw, ClientError> {
        let (parts, body) = request.into_parts();
        let mut call = self.request(parts.method, &parts.uri.to_string());
        for (name, value) in &parts.headers {
            call = call.header(name, value);
        }
        let answer = call.body(body).send().await;
        Ok(Raw {
            status: answer.status(),
            headers: answer.headers().clone(),
            body: answer.bytes().clone(),
        })
    }
}
