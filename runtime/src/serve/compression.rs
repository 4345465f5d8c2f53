//! Response compression: gzip or brotli, as the client's `Accept-Encoding` allows, through
//! tower-http's `Compression`, for the responses worth it.
//!
//! Compressed: bodies of a known size of 1 KiB or more (the threshold of the `compression`
//! middleware `next start` uses), except images other than SVG and gRPC. Never touched: a
//! streamed body of unknown size (`Response::stream`, SSE): Schemathesis found a gzipped
//! stream of small chunks cut off before its end, so streams go out as written; a response
//! that already has a `Content-Encoding` or is a range (`Content-Range`), which tower-http
//! checks itself.
//!
//! A request without `Accept-Encoding` (wrk, curl, most API clients and proxies) does not
//! go through tower-http at all: its `CompressionBody` keeps every encoder's state inline
//! (5,824 bytes for axum's body), and a response carrying it was copied at each of the
//! half-dozen places it is moved on its way to the socket, a sixth of a plain request's CPU
//! time under `perf` (see BENCHMARKS.md). Such a request's answer keeps axum's `Body`; a
//! compressed answer's body is boxed once into an axum `Body`, next to the encoder's own
//! allocations. The connection's service ([`super::conn`]) makes the choice.

use std::convert::Infallible;

use axum::body::Body;
use axum::routing::future::RouteFuture;
use axum::Router;
use http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, VARY};
use http::{HeaderMap, HeaderValue, Response};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{Compression, CompressionBody, ResponseFuture};

/// Smallest body compressed, in bytes.
pub(crate) const MIN_SIZE: u16 = 1024;

/// Whether a response is compressed: the rules above (constants: the predicate has no state).
#[derive(Clone, Copy, Debug)]
pub(crate) struct WorthCompressing;

impl Predicate for WorthCompressing {
    fn should_compress<B>(&self, response: &http::Response<B>) -> bool
    where
        B: hyper::body::Body,
    {
        let known_size = response.body().size_hint().exact().is_some()
            || response.headers().contains_key(CONTENT_LENGTH);
        known_size
            && SizeAbove::new(MIN_SIZE)
                .and(NotForContentType::GRPC)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::SSE)
                .should_compress(response)
    }
}

/// tower-http's compression around the app, for requests that accept an encoding.
pub(crate) type Compressing = Compression<Router, WorthCompressing>;

/// Its response future.
pub(crate) type CompressingFuture = ResponseFuture<RouteFuture<Infallible>, WorthCompressing>;

/// `app` under tower-http's compression, gzip and brotli only.
pub(crate) fn service(app: Router) -> Compressing {
    // Other crates in a build may turn on tower-http's deflate or zstd: only gzip and br.
    Compression::new(app)
        .no_deflate()
        .no_zstd()
        .compress_when(WorthCompressing)
}

/// Whether a request may get a compressed answer: it names an encoding. The others skip
/// tower-http entirely.
pub(crate) fn negotiates(headers: &HeaderMap) -> bool {
    headers.contains_key(ACCEPT_ENCODING)
}

/// The compressed answer, its body boxed once into axum's `Body`.
pub(crate) fn boxed(res: Response<CompressionBody<Body>>) -> Response<Body> {
    res.map(Body::new)
}

/// An answer sent as it is to a request without `Accept-Encoding` gets
/// `Vary: accept-encoding` when another client would have had it compressed (as tower-http
/// marks it), so a cache keeps the two apart.
pub(crate) fn mark_vary(res: &mut Response<Body>) {
    // The predicate first: for the usual small answer of known size it is decided by the
    // size alone, before any header lookup.
    if WorthCompressing.should_compress(res)
        && !res.headers().contains_key(CONTENT_ENCODING)
        && !varies_on_accept_encoding(res.headers())
    {
        res.headers_mut()
            .append(VARY, HeaderValue::from_static("accept-encoding"));
    }
}

fn varies_on_accept_encoding(headers: &HeaderMap) -> bool {
    headers.get_all(VARY).iter().any(|value| {
        value
            .as_bytes()
            .split(|&b| b == b',')
            .any(|item| item.trim_ascii().eq_ignore_ascii_case(b"accept-encoding"))
    })
}
