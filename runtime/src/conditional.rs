//! Conditional `GET`: an `ETag` computed from the body, and `304 Not Modified` for a client
//! that already has it.
//!
//! [`ETagLayer`] (the `etag` route option, `#[route("/api/feed", etag)]`) handles the `200`
//! answers to `GET` and `HEAD`:
//!
//! - an answer without an `ETag` whose body has a known size of at most 1 MiB
//!   ([`max_size`](ETagLayer::max_size)) is read whole, and gets a strong
//!   `ETag: "<length>-<hash>"` computed from its bytes. Streamed bodies (`Response::stream`,
//!   SSE, anything without a size) and bigger ones are sent as they are, untouched;
//! - an answer that has an `ETag` (the handler set one, say a row version) keeps it, and the
//!   body is not read;
//! - either way, when the request's `If-None-Match` lists that tag (weak comparison,
//!   RFC 9110 §13.1.2: `W/"x"` matches `"x"`) or is `*` (which matches any `200`, tagged or
//!   not), the answer becomes a `304` with no body. It keeps the `200`'s headers (`ETag`, `Cache-Control`, `Vary`, `Set-Cookie`, …)
//!   except `Content-Type`, `Content-Length`, `Content-Encoding` and `Transfer-Encoding`
//!   (as Go's `net/http`), and `Last-Modified`, which `ETag` supersedes.
//!
//! Other methods, other statuses and requests without `If-None-Match` pass through; the
//! handler still runs for a `304` (the point is to save the transfer, not the work).
//!
//! The hash is the standard library's `DefaultHasher` (SipHash-1-3 with fixed keys), 64
//! bits, plus the length: the same bytes give the same tag in every process of a build,
//! which is what a fleet of servers behind one load balancer needs. Rust does not promise
//! that hash across releases, so a build with another compiler may compute other tags; the
//! cost is one full `200` per cached client after such a deploy. Next.js' `generateEtags`
//! uses a 52-bit FNV hash and the length the same way.
//!
//! ```
//! use routekit::conditional::ETagLayer;
//! use routekit::prelude::*;
//! use routekit::test::TestClient;
//!
//! #[route(GET, "/api/feed")]
//! #[middleware(ETagLayer::new())]
//! async fn feed() -> Response {
//!     Response::json(&serde_json::json!({ "posts": [1, 2, 3] }))
//! }
//!
//! # #[tokio::main]
//! # async fn main() {
//! let client = TestClient::new(routes![feed]);
//! let first = client.get("/api/feed").send().await;
//! let etag = first.header("etag").unwrap();
//! let again = client.get("/api/feed").header("if-none-match", etag).send().await;
//! assert_eq!(again.status(), 304);
//! assert!(again.bytes().is_empty());
//! # }
//! ```

use std::future::Future;
use std::hash::{DefaultHasher, Hasher};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::Body;
use axum::body::HttpBody as _;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, Request, StatusCode};
use http_body_util::combinators::Collect;
use http_body_util::BodyExt;
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::ApiError;

/// Largest body [`ETagLayer`] reads to hash, by default: 1 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 1024 * 1024;

/// A tower layer that adds `ETag` to `GET`/`HEAD` answers and answers `If-None-Match`
/// with `304`; see the [module docs](self).
#[derive(Clone, Copy, Debug)]
pub struct ETagLayer {
    max_size: u64,
}

impl Default for ETagLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl ETagLayer {
    /// Hashes bodies of known size up to [`DEFAULT_MAX_SIZE`].
    pub const fn new() -> Self {
        Self {
            max_size: DEFAULT_MAX_SIZE,
        }
    }

    /// Hashes bodies of known size up to `bytes` instead; larger ones get no `ETag` (unless
    /// the handler sets one).
    pub const fn max_size(mut self, bytes: u64) -> Self {
        self.max_size = bytes;
        self
    }
}

impl<S> Layer<S> for ETagLayer {
    type Service = ETag<S>;

    fn layer(&self, inner: S) -> ETag<S> {
        ETag {
            inner,
            max_size: self.max_size,
        }
    }
}

/// The service [`ETagLayer`] wraps around an inner one.
#[derive(Clone, Debug)]
pub struct ETag<S> {
    inner: S,
    max_size: u64,
}

impl<S, B> Service<Request<B>> for ETag<S>
where
    S: Service<Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ETagFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let method = req.method();
        let cond = (*method == Method::GET || *method == Method::HEAD).then(|| Cond {
            if_none_match: if_none_match(req.headers()),
            head: *method == Method::HEAD,
            max_size: self.max_size,
        });
        ETagFuture {
            state: State::Inner {
                future: self.inner.call(req),
                cond,
            },
        }
    }
}

/// What the answer to a `GET`/`HEAD` is checked against.
struct Cond {
    if_none_match: Option<HeaderValue>,
    head: bool,
    max_size: u64,
}

/// The request's `If-None-Match`, several lines joined as one list.
fn if_none_match(headers: &http::HeaderMap) -> Option<HeaderValue> {
    let mut values = headers.get_all(header::IF_NONE_MATCH).iter();
    let first = values.next()?;
    let Some(second) = values.next() else {
        return Some(first.clone());
    };
    let mut joined = first.as_bytes().to_vec();
    for value in std::iter::once(second).chain(values) {
        joined.extend_from_slice(b", ");
        joined.extend_from_slice(value.as_bytes());
    }
    HeaderValue::from_bytes(&joined).ok()
}

pin_project! {
    /// The response future of [`ETag`].
    pub struct ETagFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Inner {
            #[pin]
            future: F,
            cond: Option<Cond>,
        },
        Reading {
            #[pin]
            body: Collect<Body>,
            parts: Option<http::response::Parts>,
            if_none_match: Option<HeaderValue>,
        },
    }
}

impl<F, E> Future for ETagFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            match state.as_mut().project() {
                StateProj::Inner { future, cond } => {
                    let response = ready!(future.poll(cx))?;
                    let Some(cond) = cond.take() else {
                        return Poll::Ready(Ok(response));
                    };
                    if response.status() != StatusCode::OK {
                        return Poll::Ready(Ok(response));
                    }
                    if let Some(etag) = response.headers().get(header::ETAG) {
                        let matched = cond
                            .if_none_match
                            .as_ref()
                            .is_some_and(|inm| none_match(inm.as_bytes(), etag.as_bytes()));
                        return Poll::Ready(Ok(if matched {
                            not_modified(response.into_parts().0)
                        } else {
                            response
                        }));
                    }
                    if !worth_hashing(&response, &cond) {
                        // No tag to compare, but `*` asks only whether there is a body.
                        let star = cond
                            .if_none_match
                            .as_ref()
                            .is_some_and(|inm| inm.as_bytes().trim_ascii() == b"*");
                        return Poll::Ready(Ok(if star {
                            not_modified(response.into_parts().0)
                        } else {
                            response
                        }));
                    }
                    let (parts, body) = response.into_parts();
                    state.set(State::Reading {
                        body: body.collect(),
                        parts: Some(parts),
                        if_none_match: cond.if_none_match,
                    });
                }
                StateProj::Reading {
                    body,
                    parts,
                    if_none_match,
                } => {
                    let collected = ready!(body.poll(cx));
                    let mut parts = parts.take().expect("polled after completion");
                    let bytes = match collected {
                        Ok(collected) => collected.to_bytes(),
                        Err(error) => {
                            // The headers are not sent yet: a clean 500 instead of a cut body.
                            return Poll::Ready(Ok(ApiError::internal(error).into_response()));
                        }
                    };
                    let etag = etag_for(&bytes);
                    let matched = if_none_match
                        .as_ref()
                        .is_some_and(|inm| none_match(inm.as_bytes(), etag.as_bytes()));
                    parts.headers.insert(header::ETAG, etag);
                    return Poll::Ready(Ok(if matched {
                        not_modified(parts)
                    } else {
                        Response::from_parts(parts, Body::from(bytes))
                    }));
                }
            }
        }
    }
}

/// A body of known, small size that is all there (not one `axum` emptied for `HEAD`).
fn worth_hashing(response: &Response, cond: &Cond) -> bool {
    let hint = response.body().size_hint();
    let Some(upper) = hint.upper() else {
        return false;
    };
    if upper > cond.max_size {
        return false;
    }
    // Outside axum's router a `HEAD` answer has lost its body but kept its length.
    let emptied = cond.head
        && upper == 0
        && response
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|len| len.as_bytes() != b"0");
    !emptied
}

/// `"<length hex>-<hash hex>"`.
fn etag_for(bytes: &[u8]) -> HeaderValue {
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    let hash = hasher.finish();
    // `"` + 16 + `-` + 16 + `"`: formatted on the stack.
    let mut buf = [0u8; 35];
    let mut len = 0;
    let mut push = |b: u8| {
        buf[len] = b;
        len += 1;
    };
    push(b'"');
    let size = bytes.len() as u64;
    hex(size, &mut push);
    push(b'-');
    hex(hash, &mut push);
    push(b'"');
    HeaderValue::from_bytes(&buf[..len]).expect("hex digits and quotes are a valid header value")
}

/// `n` in lowercase hex, no leading zeros.
fn hex(n: u64, push: &mut impl FnMut(u8)) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits = (64 - n.leading_zeros()).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        push(DIGITS[((n >> (i * 4)) & 0xf) as usize]);
    }
}

/// The `304` for a `200` answer's head. Its `Content-Length` goes (the 200's length over no
/// body would confuse a client); axum's router may put back `Content-Length: 0` for the empty
/// body, which caches ignore on a `304` (RFC 9111 §3.2).
fn not_modified(mut parts: http::response::Parts) -> Response {
    parts.status = StatusCode::NOT_MODIFIED;
    let headers = &mut parts.headers;
    headers.remove(header::CONTENT_TYPE);
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::CONTENT_ENCODING);
    headers.remove(header::TRANSFER_ENCODING);
    headers.remove(header::LAST_MODIFIED);
    Response::from_parts(parts, Body::empty())
}

fn strip_weak(tag: &[u8]) -> &[u8] {
    tag.strip_prefix(b"W/").unwrap_or(tag)
}

/// Whether `If-None-Match: list` matches `etag` under weak comparison (RFC 9110 §13.1.2):
/// `*`, or an entity-tag with the same opaque tag, `W/` ignored on both sides. A malformed
/// list matches up to where it stops parsing.
fn none_match(list: &[u8], etag: &[u8]) -> bool {
    let opaque = |tag: &[u8]| -> Option<usize> {
        // Length of the entity-tag at the start of `tag`, `W/` included.
        let start = if tag.starts_with(b"W/") { 2 } else { 0 };
        if tag.get(start) != Some(&b'"') {
            return None;
        }
        let close = tag[start + 1..].iter().position(|&b| b == b'"')?;
        Some(start + close + 2)
    };
    let etag = etag.trim_ascii();
    let Some(etag_len) = opaque(etag).filter(|&len| len == etag.len()) else {
        return false;
    };
    let etag = strip_weak(&etag[..etag_len]);
    let list = list.trim_ascii();
    if list == b"*" {
        return true;
    }
    let mut rest = list;
    loop {
        rest = rest.trim_ascii_start();
        while let Some(after) = rest.strip_prefix(b",") {
            rest = after.trim_ascii_start();
        }
        if rest.is_empty() {
            return false;
        }
        let Some(len) = opaque(rest) else {
            return false;
        };
        if strip_weak(&rest[..len]) == etag {
            return true;
        }
        rest = &rest[len..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_comparison() {
        assert!(none_match(br#""abc""#, br#""abc""#));
        assert!(none_match(br#"W/"abc""#, br#""abc""#));
        assert!(none_match(br#""abc""#, br#"W/"abc""#));
        assert!(none_match(br#""x", W/"y" ,"abc""#, br#""abc""#));
        assert!(none_match(br#" * "#, br#""abc""#));
        assert!(!none_match(br#""abcd""#, br#""abc""#));
        assert!(!none_match(br#""ab""#, br#""abc""#));
        assert!(!none_match(br#"abc"#, br#""abc""#));
        assert!(!none_match(br#""x", *"#, br#""abc""#));
        assert!(!none_match(b"", br#""abc""#));
        assert!(!none_match(br#""abc"#, br#""abc""#));
        // A handler's malformed ETag matches nothing.
        assert!(!none_match(br#""abc""#, b"abc"));
    }

    #[test]
    fn tags() {
        assert_eq!(etag_for(b""), etag_for(b""));
        assert_ne!(etag_for(b"a"), etag_for(b"b"));
        let tag = etag_for(&[7u8; 300]);
        let text = tag.to_str().unwrap();
        assert!(text.starts_with("\"12c-") && text.ends_with('"'), "{text}");
        assert!(etag_for(b"").to_str().unwrap().starts_with("\"0-"));
        let mut out = Vec::new();
        hex(u64::MAX, &mut |b| out.push(b));
        assert_eq!(out, b"ffffffffffffffff");
    }
}
