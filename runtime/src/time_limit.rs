//! A per-route time limit (the `max_duration = SECONDS` route option, after Next.js'
//! `maxDuration`).
//!
//! [`TimeLimitLayer`] starts a clock when the request enters it. If the handler (and the
//! middleware inside the layer) has not produced a response when the limit passes, its
//! future is dropped (a database query or an HTTP call in flight is cancelled at its next
//! `.await`, and destructors run) and the client gets
//! `503 Service Unavailable` `{"error": "Request took longer than 10 s"}`.
//!
//! A streamed body (`Response::stream`, SSE: any body without a known size) is held to the
//! same deadline, as a Vercel function is: at the limit the stream is cut. Its status and
//! headers are already sent, so the connection is closed mid-body (HTTP/1.1) or the stream
//! reset (HTTP/2), which a client sees as an incomplete response, not as a clean end.
//! Bodies of known size are not timed: they are complete once the handler returns, and
//! sending them to a slow client is the server's write timeout's business.
//!
//! Why `503` and not `504 Gateway Timeout` or `408 Request Timeout`: `504` says an upstream
//! server did not answer a gateway in time, `408` that the client was too slow to send its
//! request; here the server itself gave up on work it could not finish in time, which is
//! what `503` means ("currently unable to handle the request"). No `Retry-After` is sent:
//! the same request would most likely take as long again, so suggesting a time to retry
//! would be a guess.
//!
//! The clock is tokio's, so the layer must run inside a tokio runtime with the time driver
//! on (`#[tokio::main]`, `#[tokio::test]` and `routekit::serve` all have it).
//!
//! ```
//! use std::time::Duration;
//!
//! use routekit::prelude::*;
//! use routekit::test::TestClient;
//! use routekit::time_limit::TimeLimitLayer;
//!
//! #[route(GET, "/api/report")]
//! #[middleware(TimeLimitLayer::new(Duration::from_millis(50)))]
//! async fn report() -> Response {
//!     tokio::time::sleep(Duration::from_secs(60)).await; // a very slow query
//!     Response::text("done")
//! }
//!
//! # #[tokio::main]
//! # async fn main() {
//! let res = TestClient::new(routes![report]).get("/api/report").send().await;
//! assert_eq!(res.status(), 503);
//! assert_eq!(res.text(), r#"{"error":"Request took longer than 50 ms"}"#);
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{Request, StatusCode};
use hyper::body::{Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

use crate::ApiError;

/// A tower layer that answers `503` when the service inside takes longer than a limit; see
/// the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeLimitLayer {
    limit: Duration,
}

impl TimeLimitLayer {
    /// At most `limit` from the request to the response (and to the end of a streamed body).
    pub const fn new(limit: Duration) -> Self {
        Self { limit }
    }

    /// [`new`](Self::new) in whole seconds, as the `max_duration = SECONDS` route option.
    pub const fn from_secs(seconds: u64) -> Self {
        Self::new(Duration::from_secs(seconds))
    }

    /// The limit.
    pub const fn limit(&self) -> Duration {
        self.limit
    }
}

impl<S> Layer<S> for TimeLimitLayer {
    type Service = TimeLimit<S>;

    fn layer(&self, inner: S) -> TimeLimit<S> {
        TimeLimit {
            inner,
            limit: self.limit,
        }
    }
}

/// The service [`TimeLimitLayer`] wraps around an inner one.
#[derive(Clone, Debug)]
pub struct TimeLimit<S> {
    inner: S,
    limit: Duration,
}

impl<S, B> Service<Request<B>> for TimeLimit<S>
where
    S: Service<Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = TimeLimitFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        TimeLimitFuture {
            inner: Some(self.inner.call(req)),
            sleep: tokio::time::sleep(self.limit),
            limit: self.limit,
        }
    }
}

pin_project! {
    /// The response future of [`TimeLimit`].
    pub struct TimeLimitFuture<F> {
        // `None` once dropped at the deadline.
        #[pin]
        inner: Option<F>,
        #[pin]
        sleep: Sleep,
        limit: Duration,
    }
}

impl<F, E> Future for TimeLimitFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        if let Some(inner) = this.inner.as_mut().as_pin_mut() {
            if let Poll::Ready(result) = inner.poll(cx) {
                this.inner.set(None);
                let deadline = this.sleep.deadline();
                return Poll::Ready(result.map(|res| limit_stream(res, deadline, *this.limit)));
            }
        } else {
            panic!("TimeLimitFuture polled after completion");
        }
        if this.sleep.poll(cx).is_pending() {
            return Poll::Pending;
        }
        // Drop the handler now, before the 503 is on its way.
        this.inner.set(None);
        tracing::warn!(
            limit_ms = this.limit.as_millis() as u64,
            "request exceeded its time limit: handler cancelled, answered 503"
        );
        Poll::Ready(Ok(timeout_response(*this.limit)))
    }
}

fn timeout_response(limit: Duration) -> Response {
    ApiError::with_status(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("Request took longer than {}", Human(limit)),
    )
    .into_response()
}

/// `10 s`, `250 ms`, `1.5 s`.
struct Human(Duration);

impl fmt::Display for Human {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_nanos() == 0 {
            write!(f, "{} s", d.as_secs())
        } else if d < Duration::from_secs(1) && d.subsec_nanos().is_multiple_of(1_000_000) {
            write!(f, "{} ms", d.as_millis())
        } else {
            write!(f, "{} s", d.as_secs_f64())
        }
    }
}

/// A streamed body is cut at the deadline; a body of known size goes as it is.
fn limit_stream(res: Response, deadline: Instant, limit: Duration) -> Response {
    if res.body().size_hint().exact().is_some() {
        return res;
    }
    res.map(|inner| {
        Body::new(DeadlineBody {
            inner,
            sleep: tokio::time::sleep_until(deadline),
            limit,
            cut: false,
        })
    })
}

pin_project! {
    /// A streamed body that ends in an error at the deadline.
    struct DeadlineBody {
        #[pin]
        inner: Body,
        #[pin]
        sleep: Sleep,
        limit: Duration,
        cut: bool,
    }
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.project();
        if *this.cut {
            return Poll::Ready(None);
        }
        // The deadline first, so a stream that is always ready is cut too.
        if !this.sleep.is_elapsed() {
            if let Poll::Ready(frame) = this.inner.poll_frame(cx) {
                return Poll::Ready(frame);
            }
            if this.sleep.poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        *this.cut = true;
        tracing::warn!(
            limit_ms = this.limit.as_millis() as u64,
            "streamed response exceeded its time limit: body cut"
        );
        Poll::Ready(Some(Err(axum::Error::new(TimeLimitExceeded(*this.limit)))))
    }

    fn is_end_stream(&self) -> bool {
        self.cut || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The error a streamed body ends with at the deadline.
#[derive(Debug)]
struct TimeLimitExceeded(Duration);

impl fmt::Display for TimeLimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "response body took longer than {}", Human(self.0))
    }
}

impl std::error::Error for TimeLimitExceeded {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        let h = |d| Human(d).to_string();
        assert_eq!(h(Duration::from_secs(10)), "10 s");
        assert_eq!(h(Duration::from_millis(250)), "250 ms");
        assert_eq!(h(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(h(Duration::from_micros(1500)), "0.0015 s");
    }
}
