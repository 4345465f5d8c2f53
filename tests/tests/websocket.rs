//! WebSocket routes through `routekit::serve`, over a real socket: the route's middleware
//! runs before the upgrade (no token, no socket: `401`), and the socket then carries
//! frames both ways with the context the middleware provided.

mod serve_support;

use futures_util::{SinkExt, StreamExt};
use routekit::prelude::*;
use routekit::ws::{Message, WebSocket, WebSocketUpgrade};
use serve_support::{start, BOUND};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message as ClientMessage};

#[derive(Clone)]
struct User {
    name: &'static str,
}

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some("Bearer ada-token") => Ok(User { name: "ada" }),
        _ => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[route(GET, "/api/echo")]
#[middleware(auth)]
async fn echo(ws: WebSocketUpgrade, user: Ctx<User>) -> axum::response::Response {
    let name = user.name;
    ws.on_upgrade(move |socket| talk(socket, name))
}

async fn talk(mut socket: WebSocket, name: &'static str) {
    while let Some(Ok(message)) = socket.recv().await {
        let Message::Text(text) = message else {
            continue;
        };
        let reply = format!("{name}: {text}");
        if socket.send(Message::Text(reply.into())).await.is_err() {
            break;
        }
    }
}

fn request(
    addr: std::net::SocketAddr,
    token: Option<&str>,
) -> tungstenite::handshake::client::Request {
    let mut request = format!("ws://{addr}/api/echo")
        .into_client_request()
        .unwrap();
    if let Some(token) = token {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    request
}

#[tokio::test]
async fn a_websocket_route_talks_through_serve_after_its_middleware() {
    let server = start(routes![echo], |s| s).await;

    let (mut socket, response) = tokio::time::timeout(
        BOUND,
        tokio_tungstenite::connect_async(request(server.addr, Some("ada-token"))),
    )
    .await
    .expect("handshake in time")
    .expect("the upgrade is accepted");
    assert_eq!(response.status(), 101);
    for text in ["hello", "again"] {
        socket.send(ClientMessage::text(text)).await.unwrap();
        let reply = tokio::time::timeout(BOUND, socket.next())
            .await
            .expect("a reply in time")
            .expect("the socket is open")
            .unwrap();
        assert_eq!(reply, ClientMessage::text(format!("ada: {text}")));
    }
    socket.close(None).await.unwrap();

    // No token: the middleware answers before any socket exists.
    let refused = tokio_tungstenite::connect_async(request(server.addr, None)).await;
    match refused {
        Err(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401);
            let body = response.body().as_deref().unwrap_or_default();
            assert_eq!(
                serde_json::from_slice::<serde_json::Value>(body).unwrap(),
                serde_json::json!({ "error": "Unauthorized" })
            );
        }
        other => panic!("expected a 401 before the upgrade, got {other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_plain_request_to_a_websocket_route_gets_a_json_error() {
    let client = routekit::test::TestClient::new(routes![echo]);
    let res = client
        .get("/api/echo")
        .header("authorization", "Bearer ada-token")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({ "error": "Connection header did not include 'upgrade'" })
    );
}

#[test]
fn the_document_says_the_operation_takes_the_upgrade() {
    use routekit::openapi::{document, Info};
    let infos: Vec<&'static routekit::RouteInfo> = routekit::openapi::routes_of(&routes![echo]);
    let doc = document(&infos, &Info::new("test", "1.0.0"));
    let op = &doc["paths"]["/api/echo"]["get"];
    let upgrade = op["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "upgrade"))
        .unwrap_or_else(|| panic!("no upgrade header in {op:#}"));
    assert_eq!(upgrade["in"], "header");
    assert_eq!(upgrade["schema"]["const"], "websocket");
    assert!(op["responses"]["400"].is_object(), "{op:#}");
}

#[tokio::test]
async fn test_client_talks_to_a_websocket_route_in_process() {
    let client = routekit::test::TestClient::new(routes![echo]);
    let mut socket = tokio::time::timeout(
        BOUND,
        client
            .websocket("/api/echo")
            .header("authorization", "Bearer ada-token")
            .connect(),
    )
    .await
    .expect("handshake in time")
    .expect("the upgrade is accepted");
    for text in ["hello", "again"] {
        socket.send_text(text).await;
        let reply = tokio::time::timeout(BOUND, socket.recv_text())
            .await
            .expect("a reply in time");
        assert_eq!(reply.as_deref(), Some(format!("ada: {text}").as_str()));
    }
    // A binary frame is skipped by the route, which answers the next text frame.
    socket.send(Message::Binary(vec![1, 2, 3].into())).await;
    socket.send_text("third").await;
    assert_eq!(socket.recv_text().await.as_deref(), Some("ada: third"));
    socket.close().await;
}

#[tokio::test]
async fn test_client_gets_the_answer_that_refused_the_upgrade() {
    let client = routekit::test::TestClient::new(routes![echo]);
    let refused = match client.websocket("/api/echo").connect().await {
        Ok(_) => panic!("no token: the middleware refuses the upgrade"),
        Err(response) => response,
    };
    assert_eq!(refused.status(), 401);
    assert_eq!(
        refused.json::<serde_json::Value>(),
        serde_json::json!({ "error": "Unauthorized" })
    );
    let missing = match client.websocket("/api/nothing").connect().await {
        Ok(_) => panic!("no route, no upgrade"),
        Err(response) => response,
    };
    assert_eq!(missing.status(), 404);
}

#[middleware]
async fn session(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("cookie").and_then(|v| v.to_str().ok()) {
        Some("session=ada") => Ok(User { name: "ada" }),
        _ => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[route(POST, "/login")]
async fn login() -> Response {
    Response::text("ok").header("set-cookie", "session=ada; Path=/")
}

#[route(GET, "/api/chat")]
#[middleware(session)]
async fn chat(ws: WebSocketUpgrade, user: Ctx<User>) -> axum::response::Response {
    let name = user.name;
    ws.on_upgrade(move |socket| talk(socket, name))
}

#[tokio::test]
async fn test_client_sends_its_cookie_jar_with_the_handshake() {
    let client = routekit::test::TestClient::new(routes![login, chat]).with_cookie_jar();
    let before = client.websocket("/api/chat").connect().await;
    assert_eq!(
        before.err().map(|r| r.status()),
        Some(StatusCode::UNAUTHORIZED)
    );
    client.post("/login").send().await;
    let mut socket = client
        .websocket("/api/chat")
        .connect()
        .await
        .expect("the session cookie lets it in");
    socket.send_text("hi").await;
    assert_eq!(socket.recv_text().await.as_deref(), Some("ada: hi"));
}
