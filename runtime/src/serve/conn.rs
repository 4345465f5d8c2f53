//! What hyper calls for each request of a connection: the request id, the body under the
//! body timeout, compression when the client asks for it, and a scope for
//! [`after`](crate::after::after), whose work rides on the response body until it is sent.

use std::convert::Infallible;
use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::body::Body;
use axum::routing::future::RouteFuture;
use axum::Router;
use http::{Extensions, HeaderValue, Request, Response, StatusCode, Version};
use hyper::body::{Frame, Incoming, SizeHint};
use pin_project_lite::pin_project;
use tokio::task::futures::TaskLocalFuture;
use tower::Service as _;

use super::body_timeout::{timeout_response, ConnShared, TimedBody};
use super::compression::{self, Compressing, CompressingFuture};
use super::drain::DrainingMark;
use super::framing;
use super::request_id;
use crate::after::{self, Deferred, Scope};

/// One connection's service; hyper calls it by reference for each request (or HTTP/2
/// stream). Everything `serve` adds to a request happens here, in one call and one future,
/// rather than in a stack of tower layers each moving the request and its answer once more.
#[derive(Clone)]
pub(crate) struct ConnService {
    /// The finalised app (with the request log's route layer when a subscriber wants it).
    pub(crate) app: Router,
    /// The app under compression, or `None` when compression is off.
    pub(crate) compressing: Option<Compressing>,
    pub(crate) shared: Arc<ConnShared>,
    /// What each request's extensions start from: the client's socket address as axum's
    /// `ConnectInfo` (what [`ClientIp`](crate::client_ip::ClientIp) starts from).
    pub(crate) extensions: Extensions,
}

/// The extensions every request of a connection starts with: `ConnectInfo(peer)`, in a map
/// already big enough for what axum's router adds (the original URI, the matched path, the
/// path parameters). Cloning it per request costs the map's one allocation and the
/// `ConnectInfo`'s; inserting into an empty map instead also regrew it, rehashing, when the
/// router added its third entry.
pub(crate) fn connection_extensions(peer: std::net::SocketAddr) -> Extensions {
    #[derive(Clone)]
    struct Room<const N: usize>;
    let mut extensions = Extensions::new();
    extensions.insert(axum::extract::ConnectInfo(peer));
    extensions.insert(Room::<1>);
    extensions.insert(Room::<2>);
    extensions.insert(Room::<3>);
    extensions.insert(Room::<4>);
    extensions.remove::<Room<1>>();
    extensions.remove::<Room<2>>();
    extensions.remove::<Room<3>>();
    extensions.remove::<Room<4>>();
    extensions
}

impl hyper::service::Service<Request<Incoming>> for ConnService {
    type Response = Response<AfterBody<Body>>;
    type Error = Infallible;
    type Future = ServeFuture;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        self.shared.header.clear();
        let mut req = req.map(|body| TimedBody::new(body, &self.shared));
        // hyper's request has no extensions of its own: this takes the clone's map.
        req.extensions_mut().extend(self.extensions.clone());
        if self.shared.drain.is_set() {
            req.extensions_mut().insert(DrainingMark);
        }
        let id = request_id::for_request(req.headers_mut(), &self.shared.ids);
        let watched = req.body().watched();
        let version = req.version();
        // HTTP/2 frames its messages itself: only HTTP/1.x requests can be ambiguous.
        let ambiguous =
            version <= Version::HTTP_11 && framing::is_ambiguous(req.method(), req.headers());
        // `Router<()>` is always ready: `call` at once, on a clone (an `Arc` bump) because
        // hyper lends the service by reference, as `axum::serve` does.
        let answer = match &self.compressing {
            Some(compressing) if compression::negotiates(req.headers()) => Answer::Negotiated {
                inner: compressing.clone().call(req),
            },
            compressing => Answer::Identity {
                inner: self.app.clone().call(req),
                vary: compressing.is_some(),
            },
        };
        ServeFuture {
            inner: after::scope(answer),
            shared: Some(self.shared.clone()),
            id: Some(id),
            watched,
            version,
            ambiguous,
        }
    }
}

pin_project! {
    /// The app's answer, through tower-http's compression or not.
    #[project = AnswerProj]
    pub(crate) enum Answer {
        /// The request accepts an encoding: tower-http chooses and compresses.
        Negotiated {
            #[pin]
            inner: CompressingFuture,
        },
        /// No `Accept-Encoding`, or compression off (`vary: false`): the answer as it is.
        Identity {
            #[pin]
            inner: RouteFuture<Infallible>,
            vary: bool,
        },
    }
}

impl Future for Answer {
    type Output = Result<Response<Body>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Poll::Ready(Ok(match self.project() {
            AnswerProj::Negotiated { inner } => compression::boxed(ready!(inner.poll(cx))?),
            AnswerProj::Identity { inner, vary } => {
                let mut res = ready!(inner.poll(cx))?;
                if *vary {
                    compression::mark_vary(&mut res);
                }
                res
            }
        }))
    }
}

pin_project! {
    /// The app's answer inside the `after` scope; then the `408` swap, the request id and
    /// the `after` work put on the response.
    pub(crate) struct ServeFuture {
        #[pin]
        inner: TaskLocalFuture<Scope, Answer>,
        // `None` once the response is out.
        shared: Option<Arc<ConnShared>>,
        id: Option<HeaderValue>,
        // The body's sequence number, when it had one to watch.
        watched: Option<u64>,
        version: Version,
        // The request's framing is read differently by others (`framing.rs`).
        ambiguous: bool,
    }

    impl PinnedDrop for ServeFuture {
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

impl Future for ServeFuture {
    type Output = Result<Response<AfterBody<Body>>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Ok(mut res) = ready!(this.inner.as_mut().poll(cx));
        let (shared, scope) = (this.shared.take(), this.inner.take_value());
        if let (Some(seq), Some(shared)) = (this.watched.take(), &shared) {
            if shared.take_timed_out(seq) {
                res = timeout_response(res, *this.version, shared.renderer);
            }
        }
        if let Some(id) = this.id.take() {
            request_id::set_on_response(res.headers_mut(), id);
        }
        let deferred = match (scope, &shared) {
            (Some(scope), Some(shared)) => Deferred::new(scope.into_work(), &shared.tracker),
            _ => None,
        };
        // Once draining, and after a request whose framing others read differently, the
        // connection closes after this answer (hyper reads the header). HTTP/2 has no such
        // header: `GOAWAY` does it, and its framing is never ambiguous.
        let closing = *this.ambiguous || shared.as_ref().is_some_and(|s| s.drain.is_set());
        if closing && *this.version <= Version::HTTP_11 {
            close_connection(&mut res);
        }
        // HTTP/1.1 waits for the next request once this answer is out; an upgraded
        // connection never does.
        let rearm = match shared {
            Some(shared) if res.status() == StatusCode::SWITCHING_PROTOCOLS => {
                shared.header.stop();
                None
            }
            Some(shared) if *this.version <= Version::HTTP_11 => Some(shared),
            _ => None,
        };
        Poll::Ready(Ok(res.map(|inner| AfterBody {
            inner,
            deferred,
            rearm,
        })))
    }
}

#[cold]
fn close_connection<B>(res: &mut Response<B>) {
    res.headers_mut()
        .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
}

pin_project! {
    /// The response body, carrying the request's `after` work (if any): it is spawned when
    /// the body ends or is dropped, whichever comes first. On HTTP/1.1 the same moment
    /// re-arms the header-read deadline for the next request.
    pub(crate) struct AfterBody<B> {
        #[pin]
        inner: B,
        deferred: Option<Deferred>,
        rearm: Option<Arc<ConnShared>>,
    }

    impl<B> PinnedDrop for AfterBody<B> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(conn) = this.project().rearm.take() {
                conn.header.arm();
            }
        }
    }
}

impl<B> hyper::body::Body for AfterBody<B>
where
    B: hyper::body::Body,
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
            if let Some(conn) = this.rearm.take() {
                conn.header.arm();
            }
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
