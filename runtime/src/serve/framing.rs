//! Requests whose framing HTTP/1.1 implementations read differently: where one ends, and so
//! where the next begins, depends on who reads it. A proxy in front that reads such a
//! request one way and `serve` the other is how requests are smuggled past the proxy
//! (`http_desync_guardian`'s "Ambiguous" and "Severe" tiers, replayed by
//! `.ci/conformance.sh`). hyper refuses the worst (a `Transfer-Encoding` it does not end
//! with `chunked`, a `Content-Length` that is not a number); the rest it reads by the RFC,
//! and `serve` answers them once and closes the connection, so that nothing sent after
//! such a request on the same connection is read as another request.

use http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use http::{HeaderMap, Method};

/// Whether the request's length is read differently by different readers:
///
/// - `Transfer-Encoding` on a `GET` or `HEAD` (many proxies take such a request to have no
///   body);
/// - `Transfer-Encoding` in more than one field, or naming `chunked` twice;
/// - more than one `Content-Length` field, or one with a list (`5, 5`), which RFC 9110
///   lets a reader take as one value when they agree and others refuse.
#[inline]
pub(crate) fn is_ambiguous(method: &Method, headers: &HeaderMap) -> bool {
    let mut encodings = headers.get_all(TRANSFER_ENCODING).iter();
    if let Some(first) = encodings.next() {
        return ambiguous_encoding(method, first, encodings.next().is_some());
    }
    let mut lengths = headers.get_all(CONTENT_LENGTH).iter();
    match lengths.next() {
        Some(first) => lengths.next().is_some() || first.as_bytes().contains(&b','),
        None => false,
    }
}

#[cold]
fn ambiguous_encoding(method: &Method, first: &http::HeaderValue, more: bool) -> bool {
    let chunked = first
        .as_bytes()
        .split(|&b| b == b',')
        .filter(|coding| coding.trim_ascii().eq_ignore_ascii_case(b"chunked"))
        .count();
    more || chunked > 1 || *method == Method::GET || *method == Method::HEAD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, http::HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn plain_requests_are_not_ambiguous() {
        assert!(!is_ambiguous(&Method::GET, &headers(&[])));
        assert!(!is_ambiguous(
            &Method::POST,
            &headers(&[("content-length", "5")])
        ));
        let chunked = headers(&[("transfer-encoding", "gzip, chunked")]);
        assert!(!is_ambiguous(&Method::POST, &chunked));
    }

    #[test]
    fn ambiguous_framing_is_found() {
        let te = headers(&[("transfer-encoding", "chunked")]);
        assert!(is_ambiguous(&Method::GET, &te));
        assert!(is_ambiguous(&Method::HEAD, &te));
        let twice = headers(&[
            ("transfer-encoding", "chunked"),
            ("transfer-encoding", "chunked"),
        ]);
        assert!(is_ambiguous(&Method::POST, &twice));
        let listed = headers(&[("transfer-encoding", "chunked, chunked")]);
        assert!(is_ambiguous(&Method::POST, &listed));
        let lengths = headers(&[("content-length", "5"), ("content-length", "5")]);
        assert!(is_ambiguous(&Method::POST, &lengths));
        let list = headers(&[("content-length", "5, 5")]);
        assert!(is_ambiguous(&Method::POST, &list));
    }
}
