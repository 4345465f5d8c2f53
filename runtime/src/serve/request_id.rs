//! `x-request-id`: keep a well-formed incoming id, otherwise make one; put it on the request
//! (handlers read it as a header) and on the response.
//!
//! Written here rather than with tower-http's `SetRequestIdLayer` + `PropagateRequestIdLayer`:
//! those keep any incoming value as it is (a 4 KB id, or one with spaces, would reach the
//! logs), and their `request-id` feature pulls in `uuid` for an id generator we do not use.

use std::future::Future;
use std::hash::BuildHasher;
use std::io::Write as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::task::{ready, Context, Poll};

use http::header::HeaderName;
use http::{HeaderValue, Request, Response};
use pin_project_lite::pin_project;
use tower::Service;

/// The header carrying the request id, on the request and on the response.
pub(crate) static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming id kept; a longer one is replaced.
const MAX_LEN: usize = 128;

/// Whether an incoming id is kept: 1 to [`MAX_LEN`] visible ASCII characters (no spaces or
/// control characters), which is what every common generator (UUIDs, ULIDs, hex, base64)
/// produces.
fn is_valid(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= MAX_LEN && id.iter().all(|b| (b'!'..=b'~').contains(b))
}

/// A new id: a per-process random prefix and a counter, `5f0c2a9e41d7-0000002a`. Unique
/// within the process, and across processes unless two draw the same 48-bit prefix; costs one
/// atomic increment and one small allocation (the header value).
fn generate() -> HeaderValue {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let prefix = *PREFIX.get_or_init(|| {
        // `RandomState` is seeded from the OS's randomness: no extra dependency.
        std::collections::hash_map::RandomState::new()
            .hash_one((std::process::id(), std::time::SystemTime::now()))
            & 0xffff_ffff_ffff
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut buf = [0u8; 32];
    let mut rest = &mut buf[..];
    write!(rest, "{prefix:012x}-{n:08x}").expect("at most 29 bytes fit in 32");
    let len = 32 - rest.len();
    HeaderValue::from_bytes(&buf[..len]).expect("hex digits and `-` are valid header text")
}

/// Wraps the whole app: sets the id before routing, so the request log and handlers see it.
#[derive(Clone, Debug)]
pub(crate) struct RequestId<S> {
    inner: S,
}

impl<S> RequestId<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequestId<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = RequestIdFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        let id = match req.headers().get(&X_REQUEST_ID) {
            Some(id) if is_valid(id.as_bytes()) => id.clone(),
            _ => {
                let id = generate();
                req.headers_mut().insert(&X_REQUEST_ID, id.clone());
                id
            }
        };
        RequestIdFuture {
            inner: self.inner.call(req),
            id: Some(id),
        }
    }
}

pin_project! {
    /// The inner response future, then the id put on the response. Hand-written (not
    /// `async move` or `FutureExt::map`) so `Service::Future` has a name without boxing a
    /// future per request.
    pub(crate) struct RequestIdFuture<F> {
        #[pin]
        inner: F,
        id: Option<HeaderValue>,
    }
}

impl<F, ResBody, E> Future for RequestIdFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut res = ready!(this.inner.poll(cx))?;
        if let Some(id) = this.id.take() {
            // A handler that set its own id keeps it, as tower-http's propagation does.
            if !res.headers().contains_key(&X_REQUEST_ID) {
                res.headers_mut().insert(&X_REQUEST_ID, id);
            }
        }
        Poll::Ready(Ok(res))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_ids_are_kept_only_when_well_formed() {
        assert!(is_valid(b"3f2a-01"));
        assert!(is_valid(b"123e4567-e89b-12d3-a456-426614174000"));
        assert!(is_valid(&[b'a'; MAX_LEN]));
        assert!(!is_valid(b""));
        assert!(!is_valid(&[b'a'; MAX_LEN + 1]));
        assert!(!is_valid(b"has space"));
        assert!(!is_valid(b"tab\there"));
        assert!(!is_valid("caf\u{e9}".as_bytes()));
    }

    #[test]
    fn generated_ids_are_distinct_and_valid() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(is_valid(a.as_bytes()), "{a:?}");
        let (prefix, counter) = a.to_str().unwrap().split_once('-').unwrap();
        assert_eq!(prefix.len(), 12);
        assert!(counter.len() >= 8);
        assert!(b.to_str().unwrap().starts_with(prefix));
    }
}
