//! `routekit::serve`: run an app on a socket with the defaults a production server wants.
//!
//! One concept per file: this one holds the [`Server`] settings and the accept loop;
//! [`conn`] what hyper calls per request, [`io`] the socket with its write and first-bytes
//! deadlines, [`body_timeout`] the request-body timeout, [`compression`] which responses
//! are compressed, [`log`] the request log, [`request_id`] the `x-request-id` handling,
//! [`shutdown`] the default stop signal.

mod body_timeout;
mod compression;
mod conn;
mod deadline;
mod drain;
mod framing;
mod io;
mod log;
mod request_id;
mod shutdown;

use std::future::Future;
use std::io as stdio;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use crate::after::Tracker;
use crate::routes::{format_route_table, route_table};
use body_timeout::ConnShared;
use conn::ConnService;
use drain::DrainFlag;
pub use drain::Draining;
use log::RequestLogLayer;

/// Binds `addr` and serves `app` with the [`Server`] defaults until Ctrl-C or SIGTERM.
pub async fn serve(app: Router, addr: impl ToSocketAddrs) -> stdio::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    serve_on(app, listener).await
}

/// [`serve`] on a listener already bound (a test binds port 0 and reads the address).
pub async fn serve_on(app: Router, listener: TcpListener) -> stdio::Result<()> {
    Server::new(app).serve(listener).await
}

/// How long a client may take to send a request's line and headers, by default.
const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request body, by default.
const DEFAULT_REQUEST_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a write to a client may make no progress, by default.
const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for in-flight requests, by default.
const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a kept-alive connection may bring one more request once draining, by default.
const DEFAULT_DRAIN_GRACE: Duration = Duration::from_secs(1);
/// The most connections served at once, by default (lowered to fit the open-file limit).
const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// HTTP/2 pings: how often an idle connection is checked, and how long the answer may take.
const H2_KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(20);
const H2_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(20);
/// The pause after an accept error such as `EMFILE`: doubles from the first to the last.
const ACCEPT_BACKOFF_FIRST: Duration = Duration::from_millis(5);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// An app and how to serve it; [`serve`] and [`serve_on`] are `Server::new(app)` with
/// every default.
///
/// [`Server::serve`]:
///
/// - prints the route table and `routekit listening on http://ADDR`;
/// - speaks HTTP/1.1 (with upgrades) and HTTP/2 (prior knowledge, `h2c`) on the same port,
///   telling them apart by the first bytes; `TCP_NODELAY` is set on every connection;
/// - sets `x-request-id` on each request (keeping a well-formed incoming one: 1 to 128
///   visible ASCII characters; otherwise generating one) and on its response, so handlers
///   can read it as a header;
/// - logs each request with `tracing` when its response is ready: an `INFO` event, target
///   `routekit::request`, with fields `method`, `route` (the template as written,
///   `/api/posts/$id`; `-` and a `path` field when no route matched), `status`,
///   `latency_ms` and `request_id` (whether anyone wants these events is asked once, when
///   `serve` starts: install the subscriber before);
/// - compresses responses with gzip or brotli when the client's `Accept-Encoding` allows:
///   bodies of 1 KiB or more and streams, never event streams (SSE), images or responses
///   that already have a `Content-Encoding` ([`compression`](Self::compression));
/// - runs the work handlers register with [`after`](crate::after()) once their response is
///   sent;
/// - protects itself from slow and idle clients, each limit with a setter:
///
///   | limit | default | past it |
///   | --- | --- | --- |
///   | [`max_connections`](Self::max_connections) | 10 000 (or ¾ of the open-file limit) | the next connection waits in the listen queue |
///   | [`header_read_timeout`](Self::header_read_timeout) | 10 s | the connection is closed |
///   | [`request_body_timeout`](Self::request_body_timeout) | 30 s | `408 {"error": …}`, connection closed |
///   | [`write_timeout`](Self::write_timeout) | 30 s without progress | the connection is closed |
///
/// - on Ctrl-C or SIGTERM (or [your own signal](Self::with_graceful_shutdown)) drains, so a
///   proxy in front of several instances loses nothing while one restarts: it marks itself
///   [`Draining`] (for the health check), accepts what is already in the listen queue and
///   stops accepting, answers every HTTP/1.1 request from then on with `Connection: close`,
///   keeps a kept-alive connection open for one more request for up to the
///   [drain grace](Self::drain_grace) (1 s), then closes idle connections, lets in-flight
///   requests and `after` work finish for up to the
///   [shutdown timeout](Self::shutdown_timeout), default 30 s, and returns `Ok(())`.
///
/// ```no_run
/// # async fn run(app: axum::Router) -> std::io::Result<()> {
/// use std::time::Duration;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// routekit::Server::new(app)
///     .max_connections(2_000)
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
    max_connections: Option<usize>,
    header_read_timeout: Duration,
    request_body_timeout: Duration,
    write_timeout: Duration,
    shutdown_timeout: Duration,
    drain_grace: Duration,
    compression: bool,
    error_renderer: Option<crate::error::Renderer>,
    signal: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("max_connections", &self.max_connections)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("request_body_timeout", &self.request_body_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("drain_grace", &self.drain_grace)
            .field("compression", &self.compression)
            .field("error_renderer", &self.error_renderer.is_some())
            .field("custom_signal", &self.signal.is_some())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// `app` with every default (see [`Server`]).
    pub fn new(app: Router) -> Self {
        Self {
            app,
            max_connections: None,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            request_body_timeout: DEFAULT_REQUEST_BODY_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            drain_grace: DEFAULT_DRAIN_GRACE,
            compression: true,
            error_renderer: None,
            signal: None,
        }
    }

    /// The most connections served at once. When it is reached the accept loop waits, so
    /// the next clients queue in the kernel's listen backlog until a connection closes.
    /// Default 10 000, or three quarters of the process's open-file limit (`ulimit -n`)
    /// when that is lower, so the app keeps descriptors for its database and files.
    /// `0` is taken as `1`.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = Some(max.max(1));
        self
    }

    /// How long a client may take from the moment the server starts waiting for a request
    /// until its request line and headers have arrived; past it the connection is closed
    /// (slowloris protection). Default 10 s. The clock also runs while a keep-alive
    /// connection waits for its next request, so it closes idle keep-alive connections too,
    /// and for a new connection's first bytes (also on HTTP/2, until the preface is in;
    /// after that, HTTP/2 pings every 20 s close connections whose client stopped
    /// answering). One sweep per server enforces it, every tenth of the timeout (at most
    /// every second), so a connection is closed between the timeout and the timeout plus
    /// two ticks: 10 to 12 s by default, never earlier.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a client may take to send a request body, counted from the moment the
    /// handler starts reading it. Past it the read fails and the client gets
    /// `408 {"error": "Request body timeout"}`, and on HTTP/1.1 the connection is closed.
    /// Default 30 s (2 MB, axum's default body limit, at 70 KB/s); raise it with the body
    /// limit for large uploads.
    pub fn request_body_timeout(mut self, timeout: Duration) -> Self {
        self.request_body_timeout = timeout;
        self
    }

    /// How long a write to the client may make no progress before the connection is
    /// closed: a client that stops reading a large, streamed or SSE response is dropped
    /// (and the stream with it). The clock runs only while the socket is full; a stream
    /// waiting for its next event is not affected. Default 30 s. On HTTP/2 it covers the
    /// socket; a client that keeps the connection going but stops granting flow-control
    /// window to one stream holds that stream, up to the 200 streams a connection may open.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// How long shutdown waits for in-flight requests, and then for running
    /// [`after`](crate::after()) work, before closing connections anyway and returning.
    /// Default 30 s for the two together.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// How long, once draining, a kept-alive HTTP/1.1 connection stays open for one more
    /// request (answered with `Connection: close`, then closed) before it is closed idle.
    /// Default 1 s: a proxy that keeps connections to the instance (nginx's upstream
    /// `keepalive`) sends its next request on each within that time under any load, and
    /// learns from the answer not to reuse it. Closing an idle connection instead races
    /// with the proxy's next request on it, which the proxy cannot retry if it is a `POST`.
    /// `Duration::ZERO` closes idle connections at once.
    pub fn drain_grace(mut self, grace: Duration) -> Self {
        self.drain_grace = grace;
        self
    }

    /// Whether responses are compressed (gzip or brotli, when the client accepts one).
    /// Default on; turn it off when a proxy in front compresses already.
    pub fn compression(mut self, enabled: bool) -> Self {
        self.compression = enabled;
        self
    }

    /// Renders the errors `serve` answers itself, before a request reaches the app (the
    /// `408` of a stalled body), with `renderer`, as
    /// [`render_with`](crate::error::render_with) does for the app's own:
    /// `Server::new(app.layer(render_with(problem_json))).error_renderer(problem_json)`.
    pub fn error_renderer(mut self, renderer: crate::error::Renderer) -> Self {
        self.error_renderer = Some(renderer);
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
    /// the end of in-flight requests and `after` work (or the shutdown timeout). Errors
    /// only when the listener's address cannot be read; accept errors are logged and
    /// retried with a growing pause.
    pub async fn serve(self, listener: TcpListener) -> stdio::Result<()> {
        let Self {
            app,
            max_connections,
            header_read_timeout,
            request_body_timeout,
            write_timeout,
            shutdown_timeout,
            drain_grace,
            compression,
            error_renderer,
            signal,
        } = self;
        let address = listener.local_addr()?;
        // Listen for the stop signal before saying we listen: a SIGTERM sent right after the
        // line below must shut down gracefully, not kill the process.
        let mut signal = signal.unwrap_or_else(|| Box::pin(shutdown::ctrl_c_or_sigterm()));
        let table = route_table(&app);
        println!("{}", format_route_table(&table));
        println!("routekit listening on http://{address}");

        let max_connections = max_connections.unwrap_or_else(default_max_connections);
        // Finalised once, here: every route's layers are built now, not per request or per
        // connection.
        let app = app.with_state(());
        // The request log is a route layer (it reads the matched route), so it costs every
        // request a boxed service: added only when a subscriber wants its events.
        let app = if log::wanted() {
            app.layer(RequestLogLayer::new(&table))
        } else {
            app
        };
        let compressing = compression.then(|| compression::service(app.clone()));
        let mut http = auto::Builder::new(TokioExecutor::new());
        // No hyper timer for HTTP/1.1: its header-read timeout would re-arm a tokio timer
        // per request; `deadline` keeps the same limit with one sweep per server.
        // Not `pipeline_flush(true)`, though it measured +4% on `GET /api/hello` under wrk:
        // with it hyper kept buffering a stream whose client stopped reading (12.5 GB in
        // `a_client_that_never_reads_a_stream_is_dropped`) instead of waiting on the socket.
        http.http1().header_read_timeout(None);
        http.http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(H2_KEEP_ALIVE_INTERVAL)
            .keep_alive_timeout(H2_KEEP_ALIVE_TIMEOUT);
        let http = Arc::new(http);

        let tracker = Arc::new(Tracker::default());
        let deadlines = deadline::Deadlines::new(header_read_timeout);
        // Stopped when `serve` returns or its future is dropped.
        let _sweep = AbortOnDrop(tokio::spawn(deadlines.clone().sweep()));
        let slots = Arc::new(Semaphore::new(max_connections));
        let (stop_tx, stop_rx) = watch::channel(false);
        let drain = DrainFlag::default();
        let start = Start {
            app,
            compressing,
            http,
            tracker: tracker.clone(),
            deadlines,
            request_body_timeout,
            write_timeout,
            error_renderer,
            drain: drain.clone(),
            stop: stop_rx,
            grace: drain_grace,
        };
        let mut connections = JoinSet::new();
        let mut backoff = ACCEPT_BACKOFF_FIRST;

        loop {
            // A free slot first: at `max_connections` nothing more is accepted.
            let slot = tokio::select! {
                () = &mut signal => break,
                Some(_) = connections.join_next(), if !connections.is_empty() => continue,
                slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            };
            let (stream, peer) = tokio::select! {
                () = &mut signal => break,
                // Reap finished connections so the set stays as big as the open ones.
                Some(_) = connections.join_next(), if !connections.is_empty() => continue,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => {
                        backoff = ACCEPT_BACKOFF_FIRST;
                        accepted
                    }
                    Err(error) => {
                        if !is_connection_error(&error) {
                            // Out of file descriptors (EMFILE) and the like pass once
                            // connections close: pause, longer each time, instead of spinning.
                            tracing::error!(%error, pause = ?backoff, "accept error; retrying");
                            tokio::select! {
                                () = &mut signal => break,
                                () = tokio::time::sleep(backoff) => {}
                            }
                            backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                        }
                        continue;
                    }
                },
            };
            let conn = start.connection(stream, peer);
            connections.spawn(async move {
                conn.await;
                drop(slot);
            });
        }

        drain.start();
        // Closing the listener refuses new connections from here on; those the kernel has
        // already completed would be reset with it, after their client sent a request, so
        // they are taken first.
        for (stream, peer) in accept_queued(listener) {
            connections.spawn(start.connection(stream, peer));
        }
        tracing::info!(
            connections = connections.len(),
            after_tasks = tracker.active(),
            "shutting down: finishing in-flight requests and after work"
        );
        // `send_replace` stores `true` even for connections that have not looked yet.
        stop_tx.send_replace(true);
        let drained = tokio::time::timeout(shutdown_timeout, async {
            while connections.join_next().await.is_some() {}
            tracker.wait_idle().await;
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                connections = connections.len(),
                after_tasks = tracker.active(),
                timeout = ?shutdown_timeout,
                "shutdown timeout: closing connections with requests still in flight"
            );
            connections.shutdown().await;
        }
        Ok(())
    }
}

/// What every connection is served with: the server's settings and shared state.
struct Start {
    app: Router,
    compressing: Option<compression::Compressing>,
    http: Arc<auto::Builder<TokioExecutor>>,
    tracker: Arc<Tracker>,
    deadlines: Arc<deadline::Deadlines>,
    request_body_timeout: Duration,
    write_timeout: Duration,
    error_renderer: Option<crate::error::Renderer>,
    drain: DrainFlag,
    stop: watch::Receiver<bool>,
    grace: Duration,
}

impl Start {
    /// One accepted connection, served until it closes.
    fn connection(
        &self,
        stream: tokio::net::TcpStream,
        peer: std::net::SocketAddr,
    ) -> impl Future<Output = ()> + Send + 'static {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let header = self.deadlines.watch();
        let shared = Arc::new(ConnShared::new(
            self.tracker.clone(),
            header.clone(),
            self.request_body_timeout,
            self.error_renderer,
            self.drain.clone(),
        ));
        let service = ConnService {
            app: self.app.clone(),
            compressing: self.compressing.clone(),
            shared,
            extensions: conn::connection_extensions(peer),
        };
        let io = io::Io::new(stream, header, self.write_timeout);
        serve_connection(
            self.http.clone(),
            io,
            service,
            self.stop.clone(),
            self.grace,
        )
    }
}

/// The connections the kernel completed that the accept loop has not taken yet, read
/// without waiting; the listener is closed when this returns.
fn accept_queued(listener: TcpListener) -> Vec<(tokio::net::TcpStream, std::net::SocketAddr)> {
    let mut queued = Vec::new();
    let Ok(listener) = listener.into_std() else {
        return queued;
    };
    // Non-blocking already (tokio's), so `accept` says `WouldBlock` once the queue is empty.
    while let Ok((stream, peer)) = listener.accept() {
        let stream = stream
            .set_nonblocking(true)
            .and_then(|()| tokio::net::TcpStream::from_std(stream));
        match stream {
            Ok(stream) => queued.push((stream, peer)),
            Err(error) => tracing::debug!(%error, "could not take a queued connection"),
        }
    }
    queued
}

/// A task that ends with its owner.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// [`DEFAULT_MAX_CONNECTIONS`], or three quarters of the soft open-file limit if lower.
fn default_max_connections() -> usize {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `getrlimit` writes the limit into the struct we pass and reads nothing else.
        let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
        if ok && limit.rlim_cur != libc::RLIM_INFINITY {
            let three_quarters = usize::try_from(limit.rlim_cur / 4 * 3).unwrap_or(usize::MAX);
            return DEFAULT_MAX_CONNECTIONS.min(three_quarters).max(1);
        }
    }
    DEFAULT_MAX_CONNECTIONS
}

/// One connection, served until it closes; on the stop signal it is drained (`drain.rs`).
async fn serve_connection<S, B>(
    http: Arc<auto::Builder<TokioExecutor>>,
    io: io::Io,
    service: S,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
) where
    S: hyper::service::Service<
            http::Request<hyper::body::Incoming>,
            Response = http::Response<B>,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let conn = http.serve_connection_with_upgrades(TokioIo::new(io), service);
    let mut conn = pin!(conn);
    // An `Err` means `serve` is gone: stop as well.
    let stopped = async move {
        let _ = stop.wait_for(|stop| *stop).await;
    };
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = stopped => {
            // Draining: each HTTP/1.1 answer now closes its connection. A kept-alive one may
            // bring one more request within the grace; then no new request is read, and an
            // idle connection closes at once.
            match tokio::time::timeout(grace, conn.as_mut()).await {
                Ok(result) => result,
                Err(_) => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            }
        }
    };
    if let Err(error) = result {
        // Header-read and write timeouts, malformed requests, clients that hang up.
        tracing::debug!(%error, "connection closed with an error");
    }
}

/// Accept errors about one connection (the peer gave up before we accepted it), which say
/// nothing about the listener: retry at once. Others (`EMFILE`, …) earn a pause.
fn is_connection_error(error: &stdio::Error) -> bool {
    matches!(
        error.kind(),
        stdio::ErrorKind::ConnectionRefused
            | stdio::ErrorKind::ConnectionAborted
            | stdio::ErrorKind::ConnectionReset
    )
}
