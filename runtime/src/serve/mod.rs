//! `routekit::serve`: run an app on a socket with the defaults a production server wants.
//!
//! One concept per file: this one holds the [`Server`] settings and the accept loop;
//! [`log`] the request log, [`request_id`] the `x-request-id` handling, [`shutdown`] the
//! default stop signal.

mod log;
mod request_id;
mod shutdown;

use std::future::Future;
use std::io;
use std::pin::{pin, Pin};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::routes::{format_route_table, route_table};
use log::RequestLogLayer;
use request_id::RequestId;

/// Binds `addr` and serves `app` with the [`Server`] defaults until Ctrl-C or SIGTERM.
pub async fn serve(app: Router, addr: impl ToSocketAddrs) -> io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    serve_on(app, listener).await
}

/// [`serve`] on a listener already bound (a test binds port 0 and reads the address).
pub async fn serve_on(app: Router, listener: TcpListener) -> io::Result<()> {
    Server::new(app).serve(listener).await
}

/// How long a client may take to send a request's line and headers, by default.
const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for in-flight requests, by default.
const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// An app and how to serve it; [`serve`] and [`serve_on`] are `Server::new(app)` with
/// every default.
///
/// [`Server::serve`]:
///
/// - prints the route table and `routekit listening on http://ADDR`;
/// - serves HTTP/1.1 (with upgrades) on every accepted connection, with `TCP_NODELAY` set;
/// - sets `x-request-id` on each request (keeping a well-formed incoming one: 1 to 128
///   visible ASCII characters; otherwise generating one) and on its response, so handlers
///   can read it as a header;
/// - logs each request with `tracing` when its response is ready: an `INFO` event, target
///   `routekit::request`, with fields `method`, `route` (the template as written,
///   `/api/posts/$id`; `-` and a `path` field when no route matched), `status`,
///   `latency_ms` and `request_id`;
/// - closes a connection whose request line and headers take longer than the
///   [header-read timeout](Self::header_read_timeout), default 10 s;
/// - on Ctrl-C or SIGTERM (or [your own signal](Self::with_graceful_shutdown)) stops
///   accepting, closes idle connections, lets in-flight requests finish for up to the
///   [shutdown timeout](Self::shutdown_timeout), default 30 s, and returns `Ok(())`.
///
/// ```no_run
/// # async fn run(app: axum::Router) -> std::io::Result<()> {
/// use std::time::Duration;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// routekit::Server::new(app)
///     .header_read_timeout(Duration::from_secs(5))
///     .shutdown_timeout(Duration::from_secs(10))
///     .serve(listener)
///     .await
/// # }
/// ```
///
/// The layers apply only here: the `Router` itself is unchanged, so `TestClient` and
/// anything else calling it in-process see none of them.
#[must_use = "a Server does nothing until `.serve(listener).await`"]
pub struct Server {
    app: Router,
    header_read_timeout: Duration,
    shutdown_timeout: Duration,
    signal: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("header_read_timeout", &self.header_read_timeout)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("custom_signal", &self.signal.is_some())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// `app` with every default: 10 s header-read timeout, 30 s shutdown timeout, stop on
    /// Ctrl-C or SIGTERM.
    pub fn new(app: Router) -> Self {
        Self {
            app,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            signal: None,
        }
    }

    /// How long a client may take from the moment the server starts waiting for a request
    /// until its request line and headers have arrived; past it the connection is closed
    /// (slowloris protection). Default 10 s. The clock also runs while a keep-alive
    /// connection waits for its next request, so it closes idle keep-alive connections too.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long shutdown waits for in-flight requests to finish before closing their
    /// connections anyway and returning. Default 30 s.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Shuts down when `signal` completes, instead of on Ctrl-C or SIGTERM.
    pub fn with_graceful_shutdown(
        mut self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Self {
        self.signal = Some(Box::pin(signal));
        self
    }

    /// Prints the route table and the address, then serves until the shutdown signal and
    /// the end of in-flight requests (or the shutdown timeout). Errors only when the
    /// listener's address cannot be read; accept errors are logged and retried.
    pub async fn serve(self, listener: TcpListener) -> io::Result<()> {
        let Self {
            app,
            header_read_timeout,
            shutdown_timeout,
            signal,
        } = self;
        let address = listener.local_addr()?;
        let table = route_table();
        println!("{}", format_route_table(&table));
        println!("routekit listening on http://{address}");

        let service = RequestId::new(app.layer(RequestLogLayer::new(&table)));
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(header_read_timeout);

        let mut signal = signal.unwrap_or_else(|| Box::pin(shutdown::ctrl_c_or_sigterm()));
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut connections = JoinSet::new();

        loop {
            let stream = tokio::select! {
                () = &mut signal => break,
                // Reap finished connections so the set stays as big as the open ones.
                Some(_) = connections.join_next(), if !connections.is_empty() => continue,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        if !is_connection_error(&error) {
                            // As axum::serve: out of file descriptors (EMFILE) and the like
                            // pass once connections close; wait instead of spinning.
                            tracing::error!(%error, "accept error; retrying in 1 s");
                            tokio::select! {
                                () = &mut signal => break,
                                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                            }
                        }
                        continue;
                    }
                },
            };
            let conn = serve_connection(&http, stream, service.clone(), stop_rx.clone());
            connections.spawn(conn);
        }

        // Closing the listener refuses new connections from here on.
        drop(listener);
        tracing::info!(
            connections = connections.len(),
            "shutting down: finishing in-flight requests"
        );
        // `send_replace` stores `true` even for connections that have not looked yet.
        stop_tx.send_replace(true);
        let drained = tokio::time::timeout(shutdown_timeout, async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                connections = connections.len(),
                timeout = ?shutdown_timeout,
                "shutdown timeout: closing connections with requests still in flight"
            );
            connections.shutdown().await;
        }
        Ok(())
    }
}

/// One connection, served until it closes; on the stop signal it finishes the request in
/// flight (if any) and closes instead of waiting for the next one.
fn serve_connection<S>(
    http: &http1::Builder,
    stream: TcpStream,
    service: S,
    mut stop: watch::Receiver<bool>,
) -> impl Future<Output = ()> + Send + 'static
where
    S: tower::Service<
            http::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "could not set TCP_NODELAY");
    }
    let conn = http
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
        .with_upgrades();
    async move {
        let mut conn = pin!(conn);
        // An `Err` means `serve` is gone: stop as well.
        let stopped = async move {
            let _ = stop.wait_for(|stop| *stop).await;
        };
        let result = tokio::select! {
            result = conn.as_mut() => result,
            () = stopped => {
                // No new request on this connection; an idle one closes at once.
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(error) = result {
            // Header-read timeouts, malformed requests, clients that hang up.
            tracing::debug!(%error, "connection closed with an error");
        }
    }
}

/// Accept errors about one connection (the peer gave up before we accepted it), which say
/// nothing about the listener: retry at once. Others (`EMFILE`, …) earn a pause.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
