//! WebSocket routes in process (feature `ws`): the handshake and the frames go through the
//! router over an in-memory stream, as they go through a socket under `serve`.
//!
//! An upgrade needs a connection to take over, which a plain `oneshot` call does not have:
//! the router is served here by hyper's HTTP/1.1 connection, with upgrades, over one end of
//! a `tokio::io::duplex` pipe, and the client speaks WebSocket on the other end with
//! `tokio-tungstenite` (the crate axum's `ws` feature already depends on).

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use axum::Router;
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::DuplexStream;
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest, protocol::frame};
use tokio_tungstenite::WebSocketStream;

use super::response::TestResponse;

/// Bytes the in-memory pipe holds in each direction before a writer waits.
const PIPE: usize = 64 * 1024;

/// A WebSocket handshake being built.
pub struct TestWebSocketRequest {
    app: Router,
    uri: String,
    headers: HeaderMap,
    /// The client's cookie jar's `Cookie` for the URI, taken when the request was made.
    cookies: Option<HeaderValue>,
}

impl TestWebSocketRequest {
    pub(super) fn new(app: Router, uri: &str, cookies: Option<HeaderValue>) -> Self {
        Self {
            app,
            uri: uri.to_owned(),
            headers: HeaderMap::new(),
            cookies,
        }
    }

    /// Adds a header to the handshake (`authorization`, `sec-websocket-protocol`, …).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
        K::Error: std::fmt::Debug,
        V::Error: std::fmt::Debug,
    {
        let name = name.try_into().expect("a valid header name");
        let value = value.try_into().expect("a valid header value");
        self.headers.append(name, value);
        self
    }

    /// Runs the handshake through the app: the socket once the route answered `101`, else
    /// the answer it gave instead (a middleware's `401`, the `400` of a request that is
    /// not an upgrade), read in full. The client's cookie jar, if it has one, is sent.
    pub async fn connect(self) -> Result<TestWebSocket, TestResponse> {
        let (client_end, server_end) = tokio::io::duplex(PIPE);
        let server = tokio::spawn(serve(self.app, server_end));
        let mut request = format!("ws://localhost{}", self.uri)
            .into_client_request()
            .expect("a valid WebSocket URI");
        request.headers_mut().extend(self.headers);
        if let Some(cookies) = self.cookies {
            request.headers_mut().insert(http::header::COOKIE, cookies);
        }
        match tokio_tungstenite::client_async(request, client_end).await {
            Ok((stream, _)) => Ok(TestWebSocket {
                stream,
                server: AbortOnDrop(server),
            }),
            Err(tungstenite::Error::Http(response)) => {
                let (parts, body) = response.into_parts();
                Err(TestResponse {
                    status: parts.status,
                    headers: parts.headers,
                    body: Bytes::from(body.unwrap_or_default()),
                })
            }
            Err(error) => panic!("the WebSocket handshake with {} failed: {error}", self.uri),
        }
    }
}

/// Serves `app` on one end of the pipe, as `serve` serves a connection, upgrades included.
async fn serve(app: Router, io: DuplexStream) {
    let service = hyper_util::service::TowerToHyperService::new(app);
    // The connection ends when either side closes; its error (a reset pipe) is the test's
    // business only through what the socket then reads.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(io), service)
        .with_upgrades()
        .await;
}

/// A WebSocket connected to a route in process. Dropping it ends the connection.
pub struct TestWebSocket {
    stream: WebSocketStream<DuplexStream>,
    server: AbortOnDrop,
}

impl TestWebSocket {
    /// Sends a frame; panics if the route has closed the socket.
    pub async fn send(&mut self, message: Message) {
        self.stream
            .send(to_wire(message))
            .await
            .expect("the route's socket is open");
    }

    /// Sends a text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.send(Message::Text(text.into())).await;
    }

    /// The next frame from the route (pings included), or `None` once the socket closed.
    pub async fn recv(&mut self) -> Option<Message> {
        match self.stream.next().await? {
            Ok(frame) => from_wire(frame),
            Err(_) => None,
        }
    }

    /// The next text frame's text, skipping pings and pongs; `None` once the socket closed
    /// (a close frame included). Panics on a binary frame.
    pub async fn recv_text(&mut self) -> Option<String> {
        loop {
            match self.recv().await? {
                Message::Text(text) => return Some(text.as_str().to_owned()),
                Message::Ping(_) | Message::Pong(_) => continue,
                Message::Close(_) => return None,
                Message::Binary(bytes) => {
                    panic!("expected a text frame, got {} bytes", bytes.len())
                }
            }
        }
    }

    /// Closes the socket with a normal close frame and waits for the route's answer.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
        while let Some(Ok(_)) = self.stream.next().await {}
        drop(self.server);
    }
}

/// axum's message as tungstenite writes it.
fn to_wire(message: Message) -> tungstenite::Message {
    match message {
        Message::Text(text) => tungstenite::Message::Text(text.as_str().into()),
        Message::Binary(bytes) => tungstenite::Message::Binary(bytes),
        Message::Ping(bytes) => tungstenite::Message::Ping(bytes),
        Message::Pong(bytes) => tungstenite::Message::Pong(bytes),
        Message::Close(frame) => {
            tungstenite::Message::Close(frame.map(|frame| frame::CloseFrame {
                code: frame.code.into(),
                reason: frame.reason.as_str().into(),
            }))
        }
    }
}

/// What tungstenite read, as axum's message (a raw frame, which a reader never sees, is
/// skipped as `None`).
fn from_wire(message: tungstenite::Message) -> Option<Message> {
    Some(match message {
        tungstenite::Message::Text(text) => Message::Text(Utf8Bytes::from(text.as_str())),
        tungstenite::Message::Binary(bytes) => Message::Binary(bytes),
        tungstenite::Message::Ping(bytes) => Message::Ping(bytes),
        tungstenite::Message::Pong(bytes) => Message::Pong(bytes),
        tungstenite::Message::Close(frame) => Message::Close(frame.map(|frame| CloseFrame {
            code: frame.code.into(),
            reason: Utf8Bytes::from(frame.reason.as_str()),
        })),
        tungstenite::Message::Frame(_) => return None,
    })
}

/// The connection's task, ended with the socket.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
