//! Draining: what `serve` does between the stop signal and its return, so that a proxy in
//! front of several instances (nginx, a cloud load balancer) loses no request when one of
//! them restarts.
//!
//! 1. The server is marked draining: handlers see it through the [`Draining`] extractor
//!    (a health check answers `503`, so a load balancer that polls it stops sending), and
//!    every HTTP/1.1 response from now on says `Connection: close`.
//! 2. The connections already in the kernel's accept queue are accepted (their clients
//!    have sent or are sending a request), then the listener is closed: a proxy's next
//!    connect is refused, which every proxy retries on another instance, a `POST` too,
//!    since nothing was sent.
//! 3. A kept-alive HTTP/1.1 connection stays open for up to the
//!    [drain grace](crate::Server::drain_grace) (1 s by default) for one more request,
//!    answered with `Connection: close` and closed after it: the proxy learns from the
//!    answer not to reuse the connection, instead of sending its next request on a socket
//!    that the server is closing (which a proxy cannot safely retry for a `POST`). Past the
//!    grace an idle connection is closed; HTTP/2 connections get `GOAWAY` then.
//! 4. In-flight requests and `after` work finish, up to the shutdown timeout.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::FromRequestParts;
use http::request::Parts;

/// Whether the server is draining, shared by the accept loop and every connection.
#[derive(Clone, Debug, Default)]
pub(crate) struct DrainFlag(Arc<AtomicBool>);

impl DrainFlag {
    pub(crate) fn start(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// One relaxed load per request and per response: nothing else is read from it.
    #[inline]
    pub(crate) fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Whether `routekit::serve` is shutting down (it got the stop signal and is finishing
/// in-flight requests): `true` from the signal on, `false` before, and always `false` in
/// process (`TestClient`) or under another server. A health check answers `503` with it, so
/// a load balancer that polls the check stops sending before the instance is gone:
///
/// ```
/// use routekit::prelude::*;
/// use routekit::Draining;
///
/// #[route(GET, "/api/health")]
/// async fn health(Draining(draining): Draining) -> Response {
///     match draining {
///         true => Response::json(&serde_json::json!({ "status": "draining" })).status(503),
///         false => Response::json(&serde_json::json!({ "status": "healthy" })),
///     }
/// }
/// # let _: axum::Router = routes![health];
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draining(pub bool);

/// The mark `serve` puts on each request it reads while draining.
#[derive(Clone, Copy)]
pub(crate) struct DrainingMark;

impl<S: Send + Sync> FromRequestParts<S> for Draining {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Draining(parts.extensions.get::<DrainingMark>().is_some()))
    }
}
