//! The request-body timeout: a body must arrive in full within the timeout, counted from the
//! moment the handler starts reading it. One that stalls fails the read, and the request is
//! answered `408 {"error": "Request body timeout"}` (whatever the handler made of the failed
//! read), with `Connection: close` on HTTP/1.1.
//!
//! The body is wrapped before routing ([`TimedBody`]), and the connection's service
//! ([`super::conn`]) swaps the handler's answer for [`timeout_response`]. They meet through
//! the connection's [`ConnShared`], which exists once per connection: a request without a
//! body (no `Content-Length`, or `0`) carries nothing, one with a body carries a reference
//! to it and a sequence number, and nothing is allocated per request.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use super::deadline::HeaderDeadline;
use super::request_id::IdBlock;

use axum::response::IntoResponse;
use bytes::Bytes;
use http::header::CONNECTION;
use http::{HeaderValue, Response, StatusCode, Version};
use hyper::body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};

use super::request_id::X_REQUEST_ID;
use crate::after::Tracker;
use crate::error::ApiError;

/// What the requests of one connection share with the server and with each other.
#[derive(Debug)]
pub(crate) struct ConnShared {
    /// Where `after` work is tracked (the server's, shared by every connection).
    pub(crate) tracker: Arc<Tracker>,
    /// Where this connection's request ids are cut from.
    pub(crate) ids: IdBlock,
    /// The header-read deadline, cleared by each request and re-armed by each HTTP/1.1
    /// response.
    pub(crate) header: Arc<HeaderDeadline>,
    body_timeout: Duration,
    /// `Server::error_renderer`, for the `408` answered here.
    pub(crate) renderer: Option<crate::error::Renderer>,
    /// Whether the server is draining (the server's, shared by every connection).
    pub(crate) drain: super::drain::DrainFlag,
    next_seq: AtomicU64,
    /// How many entries `timed_out` has: read without the lock on every answer.
    timed_out_len: AtomicUsize,
    /// The requests (by sequence number) whose body timed out and that are not answered yet.
    timed_out: Mutex<Vec<u64>>,
}

impl ConnShared {
    pub(crate) fn new(
        tracker: Arc<Tracker>,
        header: Arc<HeaderDeadline>,
        body_timeout: Duration,
        renderer: Option<crate::error::Renderer>,
        drain: super::drain::DrainFlag,
    ) -> Self {
        Self {
            tracker,
            ids: IdBlock::default(),
            header,
            body_timeout,
            renderer,
            drain,
            next_seq: AtomicU64::new(0),
            timed_out_len: AtomicUsize::new(0),
            timed_out: Mutex::new(Vec::new()),
        }
    }

    fn mark_timed_out(&self, seq: u64) {
        let mut timed_out = self.timed_out.lock().unwrap_or_else(|e| e.into_inner());
        timed_out.push(seq);
        self.timed_out_len.store(timed_out.len(), Ordering::Release);
    }

    /// Whether request `seq`'s body timed out; forgets it.
    pub(crate) fn take_timed_out(&self, seq: u64) -> bool {
        if self.timed_out_len.load(Ordering::Acquire) == 0 {
            return false;
        }
        let mut timed_out = self.timed_out.lock().unwrap_or_else(|e| e.into_inner());
        let found = timed_out.iter().position(|&s| s == seq);
        if let Some(index) = found {
            timed_out.swap_remove(index);
            self.timed_out_len.store(timed_out.len(), Ordering::Release);
        }
        found.is_some()
    }
}

/// The error a timed-out body read fails with (the handler sees it; the client gets `408`).
#[derive(Debug)]
pub(crate) struct BodyTimedOut;

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("request body timeout")
    }
}

impl StdError for BodyTimedOut {}

/// A request body that is watched (it has one).
struct Watch {
    conn: Arc<ConnShared>,
    seq: u64,
    deadline: Option<Instant>,
    timer: Option<Pin<Box<Sleep>>>,
    fired: bool,
}

pin_project! {
    /// A request body with the connection's body timeout.
    pub(crate) struct TimedBody<B> {
        #[pin]
        inner: B,
        watch: Option<Watch>,
    }
}

impl<B: Body> TimedBody<B> {
    /// Watches `inner` unless it is already complete (no body at all).
    pub(crate) fn new(inner: B, conn: &Arc<ConnShared>) -> Self {
        let watch = (!inner.is_end_stream()).then(|| Watch {
            conn: conn.clone(),
            seq: conn.next_seq.fetch_add(1, Ordering::Relaxed),
            deadline: None,
            timer: None,
            fired: false,
        });
        Self { inner, watch }
    }
}

impl<B> TimedBody<B> {
    /// The sequence number of a watched body (one that had bytes to come), to ask
    /// [`ConnShared::take_timed_out`] once the handler has answered.
    pub(crate) fn watched(&self) -> Option<u64> {
        self.watch.as_ref().map(|watch| watch.seq)
    }
}

impl<B> Body for TimedBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.project();
        let Some(watch) = this.watch else {
            return this.inner.poll_frame(cx).map_err(Into::into);
        };
        if watch.fired {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        let deadline = *watch
            .deadline
            .get_or_insert_with(|| Instant::now() + watch.conn.body_timeout);
        match this.inner.poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => {
                let timer = watch
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                ready!(timer.as_mut().poll(cx));
                watch.fired = true;
                watch.conn.mark_timed_out(watch.seq);
                Poll::Ready(Some(Err(Box::new(BodyTimedOut))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The `408` that replaces the handler's answer to a request whose body timed out.
#[cold]
#[inline(never)]
pub(crate) fn timeout_response(
    handler_answer: Response<axum::body::Body>,
    version: Version,
    renderer: Option<crate::error::Renderer>,
) -> axum::response::Response {
    tracing::warn!(
        status = handler_answer.status().as_u16(),
        request_id = handler_answer
            .headers()
            .get(&X_REQUEST_ID)
            .and_then(|id| id.to_str().ok()),
        "request body timeout: answering 408 and closing the connection"
    );
    let mut res =
        ApiError::with_status(StatusCode::REQUEST_TIMEOUT, "Request body timeout").into_response();
    if let Some(renderer) = renderer {
        res = crate::error::rerender(res, renderer);
    }
    if let Some(id) = handler_answer.headers().get(&X_REQUEST_ID) {
        res.headers_mut().insert(&X_REQUEST_ID, id.clone());
    }
    if version <= Version::HTTP_11 {
        res.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    res
}
