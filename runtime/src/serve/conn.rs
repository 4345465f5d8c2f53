//! What hyper calls for each request of a connection: the app's layer stack, with the
//! request body under the body timeout and the request inside a scope for
//! [`after`](crate::after::after), whose work rides on the response body until it is sent.

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http::{Request, Response};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use pin_project_lite::pin_project;
use tokio::task::futures::TaskLocalFuture;
use tower::util::Oneshot;
use tower::ServiceExt as _;

use super::body_timeout::{ConnShared, TimedBody};
use crate::after::{self, Deferred, Scope};

/// One connection's service; hyper calls it by reference for each request (or HTTP/2 stream).
#[derive(Clone)]
pub(crate) struct ConnService<S> {
    pub(crate) stack: S,
    pub(crate) shared: Arc<ConnShared>,
    /// The client's socket address, given to handlers as axum's `ConnectInfo` (what
    /// [`ClientIp`](crate::client_ip::ClientIp) starts from).
    pub(crate) peer: std::net::SocketAddr,
}

impl<S, B> hyper::service::Service<Request<Incoming>> for ConnService<S>
where
    S: tower::Service<Request<TimedBody<Incoming>>, Response = Response<B>> + Clone,
{
    type Response = Response<AfterBody<B>>;
    type Error = S::Error;
    type Future = ServeFuture<Oneshot<S, Request<TimedBody<Incoming>>>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let mut req = req.map(|body| TimedBody::new(body, &self.shared));
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(self.peer));
        // As hyper-util's `TowerToHyperService`: a clone of the stack per request (the
        // router's is an `Arc` bump), `oneshot` to honour `poll_ready`.
        ServeFuture {
            inner: after::scope(self.stack.clone().oneshot(req)),
            shared: Some(self.shared.clone()),
        }
    }
}

pin_project! {
    /// The stack's response future, inside the `after` scope.
    pub(crate) struct ServeFuture<F: Future> {
        #[pin]
        inner: TaskLocalFuture<Scope, F>,
        // `None` once the response is out.
        shared: Option<Arc<ConnShared>>,
    }

    impl<F: Future> PinnedDrop for ServeFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // Dropped before answering (the client went away): the registered work still runs.
            if let Some(shared) = this.shared.take() {
                if let Some(scope) = this.inner.take_value() {
                    drop(Deferred::new(scope.into_work(), &shared.tracker));
                }
            }
        }
    }
}

impl<F, B, E> Future for ServeFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<AfterBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let result = ready!(this.inner.as_mut().poll(cx));
        let deferred = match (this.shared.take(), this.inner.take_value()) {
            (Some(shared), Some(scope)) => Deferred::new(scope.into_work(), &shared.tracker),
            _ => None,
        };
        Poll::Ready(match result {
            Ok(res) => Ok(res.map(|inner| AfterBody { inner, deferred })),
            // The stack is infallible in practice; the work still runs (on drop).
            Err(error) => Err(error),
        })
    }
}

pin_project! {
    /// The response body, carrying the request's `after` work (if any): it is spawned when
    /// the body ends or is dropped, whichever comes first.
    pub(crate) struct AfterBody<B> {
        #[pin]
        inner: B,
        deferred: Option<Deferred>,
    }
}

impl<B> Body for AfterBody<B>
where
    B: Body,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Data = B::Data;
    type Error = B::Error;

    #[inline]
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        if frame.is_none() {
            // Sent in full: start the work now rather than when hyper drops the body.
            this.deferred.take();
        }
        Poll::Ready(frame)
    }

    #[inline]
    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    #[inline]
    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
