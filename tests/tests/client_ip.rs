//! `ClientIp` believes `X-Forwarded-For` / `Forwarded` only from `TrustedProxies`; spoofed
//! headers from anyone else are ignored.

use std::future::IntoFuture;
use std::net::SocketAddr;

use axum::extract::connect_info::MockConnectInfo;
use routekit::client_ip::{ClientIp, TrustedProxies};
use routekit::prelude::*;
use routekit::test::TestClient;

#[route(GET, "/api/whoami")]
async fn whoami(ClientIp(ip): ClientIp) -> String {
    ip.to_string()
}

#[route(GET, "/api/maybe")]
async fn maybe(ip: Option<ClientIp>) -> String {
    ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The app as if `peer` had connected, trusting `10.0.0.0/8` and `::1`.
fn client_from(peer: &str, proxies: TrustedProxies) -> TestClient {
    let peer: SocketAddr = peer.parse().unwrap();
    let app = routes![whoami, maybe]
        .layer(proxies)
        .layer(MockConnectInfo(peer));
    TestClient::new(app)
}

fn proxies() -> TrustedProxies {
    TrustedProxies::new(["10.0.0.0/8", "::1"])
}

async fn whoami_with(client: &TestClient, headers: &[(&str, &str)]) -> String {
    let mut req = client.get("/api/whoami");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = req.send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    res.text()
}

#[tokio::test]
async fn a_direct_client_cannot_spoof_its_address() {
    let client = client_from("203.0.113.7:50000", proxies());
    assert_eq!(whoami_with(&client, &[]).await, "203.0.113.7");
    let spoofed = [
        ("x-forwarded-for", "1.2.3.4"),
        ("forwarded", "for=1.2.3.4"),
        ("x-real-ip", "1.2.3.4"),
    ];
    assert_eq!(whoami_with(&client, &spoofed).await, "203.0.113.7");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
    let client = client_from("10.0.0.2:443", proxies());
    // The proxy appended the address it saw; the client wrote the rest.
    let xff = [("x-forwarded-for", "6.6.6.6, 198.51.100.23")];
    assert_eq!(whoami_with(&client, &xff).await, "198.51.100.23");
    // Two proxies deep: the inner hop is skipped.
    let xff = [("x-forwarded-for", "6.6.6.6, 198.51.100.23, 10.1.2.3")];
    assert_eq!(whoami_with(&client, &xff).await, "198.51.100.23");
    // Ports and IPv6 as proxies write them.
    let xff = [("x-forwarded-for", "[2001:db8::5]:4711")];
    assert_eq!(whoami_with(&client, &xff).await, "2001:db8::5");
    // No header: the proxy itself.
    assert_eq!(whoami_with(&client, &[]).await, "10.0.0.2");
    // Garbage from the proxy side: the last trusted address, never the garbage.
    let xff = [("x-forwarded-for", "6.6.6.6, not-an-ip")];
    assert_eq!(whoami_with(&client, &xff).await, "10.0.0.2");
    // `Forwarded` is not read unless asked for.
    let fwd = [("forwarded", "for=6.6.6.6")];
    assert_eq!(whoami_with(&client, &fwd).await, "10.0.0.2");
}

#[tokio::test]
async fn the_rfc_7239_forwarded_header_when_chosen() {
    let client = client_from("[::1]:8080", proxies().forwarded());
    let fwd = [(
        "forwarded",
        r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.2"#,
    )];
    assert_eq!(whoami_with(&client, &fwd).await, "2001:db8:cafe::17");
    let xff = [("x-forwarded-for", "6.6.6.6")];
    assert_eq!(whoami_with(&client, &xff).await, "::1");
}

#[tokio::test]
async fn without_trusted_proxies_the_headers_are_ignored() {
    let peer: SocketAddr = "10.0.0.2:443".parse().unwrap();
    let app = routes![whoami, maybe].layer(MockConnectInfo(peer));
    let client = TestClient::new(app);
    let xff = [("x-forwarded-for", "198.51.100.23")];
    assert_eq!(whoami_with(&client, &xff).await, "10.0.0.2");
}

#[tokio::test]
async fn without_a_peer_address_the_answer_is_a_500_that_leaks_nothing() {
    let client = TestClient::new(routes![whoami, maybe].layer(proxies()));
    let res = client
        .get("/api/whoami")
        .header("x-forwarded-for", "1.2.3.4")
        .send()
        .await;
    assert_eq!(res.status(), 500);
    assert_eq!(res.text(), r#"{"error":"Internal server error"}"#);
    // `Option<ClientIp>` is `None` instead.
    assert_eq!(client.get("/api/maybe").send().await.text(), "unknown");
}

#[tokio::test]
async fn as_a_route_middleware() {
    #[route(GET, "/api/edge")]
    #[middleware(TrustedProxies::new(["127.0.0.0/8"]))]
    async fn edge(ip: ClientIp) -> String {
        ip.to_string()
    }

    let peer: SocketAddr = "127.0.0.1:1".parse().unwrap();
    let client = TestClient::new(routes![edge].layer(MockConnectInfo(peer)));
    let res = client
        .get("/api/edge")
        .header("x-forwarded-for", "198.51.100.9")
        .send()
        .await;
    assert_eq!(res.text(), "198.51.100.9");
}

/// On a real socket the peer address is the connection's (`ConnectInfo`), here 127.0.0.1.
#[tokio::test]
async fn over_a_socket_with_connect_info() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(addr: SocketAddr, xff: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "GET /api/whoami HTTP/1.1\r\nhost: x\r\nx-forwarded-for: {xff}\r\nconnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        answer.rsplit("\r\n\r\n").next().unwrap().to_owned()
    }

    for (trusted, expected) in [("127.0.0.1", "198.51.100.23"), ("10.0.0.0/8", "127.0.0.1")] {
        let app = routes![whoami, maybe].layer(TrustedProxies::new([trusted]));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(axum::serve(listener, service).into_future());
        assert_eq!(get(addr, "198.51.100.23").await, expected);
        server.abort();
    }
}

#[path = "serve_support/mod.rs"]
mod serve_support;

/// `routekit::serve` gives handlers the peer address, so `ClientIp` works with no extra set-up.
#[tokio::test]
async fn routekit_serve_provides_the_peer_address() {
    let app = routes![whoami]
        .layer(TrustedProxies::new(["10.0.0.0/8"]))
        .with_state(());
    let running = serve_support::start(app, |server| server).await;
    let reply = serve_support::exchange(
        running.addr,
        "GET /api/whoami HTTP/1.1\r\nhost: x\r\nx-forwarded-for: 203.0.113.9\r\nconnection: close\r\n\r\n",
    )
    .await;
    let reply = serve_support::parse(&reply);
    // The peer (loopback) is not a trusted proxy, so the spoofed header is ignored.
    assert_eq!(reply.body, "127.0.0.1");
    running.shutdown().await;
}
