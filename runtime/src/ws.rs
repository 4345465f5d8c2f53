//! WebSocket routes (feature `ws`): axum's `WebSocketUpgrade` taken by a `#[route]` handler.
//!
//! The upgrade is an ordinary extractor, so the route's middleware runs before it: a
//! provider that answers `401` refuses the handshake before any socket exists, and a
//! handler can take `Ctx<User>` beside the upgrade. `routekit::serve` hands the connection
//! over after the `101` (HTTP/1.1 `Upgrade`; the header-read and write deadlines then stop
//! applying, so an idle socket stays open).
//!
//! ```
//! use routekit::prelude::*;
//! use routekit::ws::{Message, WebSocket, WebSocketUpgrade};
//!
//! #[derive(Clone)]
//! struct User {
//!     name: String,
//! }
//!
//! #[middleware]
//! async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
//!     match headers.get("authorization").and_then(|v| v.to_str().ok()) {
//!         Some("Bearer ada-token") => Ok(User { name: "ada".into() }),
//!         _ => Err(ApiError::unauthorized("Unauthorized")),
//!     }
//! }
//!
//! /// Echoes every text frame, prefixed with the user's name.
//! #[route(GET, "/api/echo")]
//! #[middleware(auth)]
//! async fn echo(ws: WebSocketUpgrade, user: Ctx<User>) -> axum::response::Response {
//!     let name = user.name.clone();
//!     ws.on_upgrade(move |socket| talk(socket, name))
//! }
//!
//! async fn talk(mut socket: WebSocket, name: String) {
//!     while let Some(Ok(Message::Text(text))) = socket.recv().await {
//!         let reply = format!("{name}: {text}");
//!         if socket.send(Message::Text(reply.into())).await.is_err() {
//!             break;
//!         }
//!     }
//! }
//! # let _: axum::Router = routes![echo];
//! ```
//!
//! A request without the upgrade headers answers axum's rejection as routekit's JSON error,
//! `400 {"error": "Connection header did not include 'upgrade'"}`. `TestClient` sends plain
//! requests, so a WebSocket route is tested over a real socket (`Server` on a free port and
//! a WebSocket client such as `tokio-tungstenite`), as `tests/tests/websocket.rs` in the
//! repository does.

pub use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};

/// In the OpenAPI document a WebSocket route's operation takes the upgrade header.
#[cfg(feature = "openapi")]
impl crate::openapi::__gen::ArgSpec
    for &&crate::openapi::__gen::Probe<axum::extract::ws::WebSocketUpgrade>
{
    fn arg(&self, op: &mut crate::openapi::__gen::Operation<'_>) {
        // A WebSocket handshake: OpenAPI describes no socket, so the operation says that it
        // takes the upgrade and answers `400` to a request that is not one.
        op.answer(400);
        op.query.push(serde_json::json!({
            "name": "upgrade",
            "in": "header",
            "required": true,
            "description": "A WebSocket handshake (RFC 6455): `Upgrade: websocket` with `Connection: upgrade`, `Sec-WebSocket-Version: 13` and a `Sec-WebSocket-Key`; answered `101 Switching Protocols`.",
            "schema": { "type": "string", "const": "websocket" },
        }));
    }
}
