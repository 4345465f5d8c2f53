//! Helpers shared by the `serve_*` socket tests: a server on `127.0.0.1:0` stopped through
//! `with_graceful_shutdown`, and a minimal HTTP/1.1 client over raw `TcpStream`s.
//!
//! Time appears only as generous upper bounds that turn a hang into a failure, or as short
//! limits set on the server through its setters so the tests are fast.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use routekit::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Bound on anything that should happen "soon": only there so a bug fails instead of hanging.
pub const BOUND: Duration = Duration::from_secs(10);

/// A server on `127.0.0.1:0`, stopped by [`Running::shutdown`].
pub struct Running {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

pub async fn start(app: axum::Router, configure: impl FnOnce(Server) -> Server) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = configure(Server::new(app)).with_graceful_shutdown(async move {
        let _ = stopped.await;
    });
    let task = tokio::spawn(server.serve(listener));
    Running { addr, stop, task }
}

impl Running {
    /// Triggers shutdown without waiting.
    pub fn trigger(self) -> JoinHandle<std::io::Result<()>> {
        self.stop.send(()).unwrap();
        self.task
    }

    /// Triggers shutdown and waits for `serve` to return.
    pub async fn shutdown(self) {
        let task = self.trigger();
        tokio::time::timeout(BOUND, task)
            .await
            .expect("serve returns after shutdown")
            .expect("serve does not panic")
            .expect("serve returns Ok");
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {:?}", self.body))
    }
}

/// Parses a complete HTTP/1.1 response (a `Content-Length` body or none).
pub fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// Sends `request` as is on a new connection and reads until the server closes it.
pub async fn exchange(addr: SocketAddr, request: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(BOUND, stream.read_to_end(&mut raw))
        .await
        .expect("the server answers and closes within the bound")
        .unwrap();
    raw
}

/// `GET path` on a new connection with `Connection: close`, read to the end.
pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    let raw = exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"),
    )
    .await;
    parse(&raw)
}

/// Waits (within the bound) until `condition` holds.
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    tokio::time::timeout(BOUND, async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting for: {what}"));
}

/// Reads one keep-alive response (one whose body ends with `marker`) from `stream`.
pub async fn read_response(stream: &mut TcpStream, marker: &str) -> Reply {
    let mut raw = Vec::new();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(BOUND, async {
        while !String::from_utf8_lossy(&raw).contains(marker) {
            let n = stream.read(&mut buf).await.unwrap();
            assert_ne!(n, 0, "closed before the response");
            raw.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("the response within the bound");
    parse(&raw)
}
