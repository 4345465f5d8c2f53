//! Response compression: gzip or brotli, as the client's `Accept-Encoding` allows, through
//! tower-http's `CompressionLayer`, for the responses worth it.
//!
//! Compressed: bodies of a known size of 1 KiB or more (the threshold of the `compression`
//! middleware `next start` uses), except images other than SVG and gRPC. Never touched: a
//! streamed body of unknown size (`Response::stream`, SSE): Schemathesis found a gzipped
//! stream of small chunks cut off before its end, so streams go out as written; a response
//! that already has a `Content-Encoding` or is a range (`Content-Range`), which tower-http
//! checks itself.

use tower_http::compression::predicate::{And, NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;

/// Smallest body compressed, in bytes.
pub(crate) const MIN_SIZE: u16 = 1024;

type Rules = And<And<And<SizeAbove, NotForContentType>, NotForContentType>, NotForContentType>;

/// Whether a response is compressed: the rules above, or never when compression is off.
#[derive(Clone, Debug)]
pub(crate) struct WorthCompressing {
    rules: Option<Rules>,
}

impl Predicate for WorthCompressing {
    fn should_compress<B>(&self, response: &http::Response<B>) -> bool
    where
        B: hyper::body::Body,
    {
        let known_size = response.body().size_hint().exact().is_some()
            || response
                .headers()
                .contains_key(http::header::CONTENT_LENGTH);
        known_size
            && self
                .rules
                .as_ref()
                .is_some_and(|rules| rules.should_compress(response))
    }
}

/// The layer `serve` applies; `enabled: false` leaves every response as it is.
pub(crate) fn layer(enabled: bool) -> CompressionLayer<WorthCompressing> {
    let rules = enabled.then(|| {
        SizeAbove::new(MIN_SIZE)
            .and(NotForContentType::GRPC)
            .and(NotForContentType::IMAGES)
            .and(NotForContentType::SSE)
    });
    // Other crates in a build may turn on tower-http's deflate or zstd: only gzip and br.
    let layer = CompressionLayer::new().no_deflate().no_zstd();
    let layer = if enabled {
        layer
    } else {
        // Skips reading `Accept-Encoding` choices too.
        layer.no_gzip().no_br()
    };
    layer.compress_when(WorthCompressing { rules })
}
