//! What a route answers on its own: `OPTIONS` and `405` for the methods it lacks (with the
//! path's `Allow` value, written here and nowhere else), and the JSON `404` of a path
//! nothing matches.

use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, ALLOW};
use http::StatusCode;

use crate::error::ApiError;

/// A method the route has no handler for: `OPTIONS` answers `204` with `Allow` (as
/// Next.js does when a route defines none), anything else `405`.
#[cold]
#[doc(hidden)]
pub fn automatic_answer(method: &http::Method, allow: HeaderValue) -> Response {
    if method == http::Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        response.headers_mut().insert(ALLOW, allow);
        response
    } else {
        method_not_allowed(method, allow)
    }
}

/// A method the path lacks: `405` with `Allow` and a JSON body.
#[cold]
#[doc(hidden)]
pub fn method_not_allowed(method: &http::Method, allow: HeaderValue) -> Response {
    let mut response = ApiError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} not allowed"),
    )
    .into_response();
    response.headers_mut().insert(ALLOW, allow);
    response
}

/// A path nothing matches (or whose prefix/suffix text does not fit): `404` with a JSON
/// body.
pub(crate) fn not_found() -> Response {
    ApiError::not_found("Not found").into_response()
}

/// The methods of a path as bits, one per method `Allow` can list, in the order it lists
/// them (alphabetical, as Next.js sorts them).
#[doc(hidden)]
pub mod method_bit {
    #![allow(non_upper_case_globals)]
    pub const DELETE: u8 = 1 << 0;
    pub const GET: u8 = 1 << 1;
    pub const HEAD: u8 = 1 << 2;
    pub const OPTIONS: u8 = 1 << 3;
    pub const PATCH: u8 = 1 << 4;
    pub const POST: u8 = 1 << 5;
    pub const PUT: u8 = 1 << 6;
    /// A module's `ANY` handler: no `Allow` entry of its own.
    pub const ANY: u8 = 0;
    pub(crate) const NAMES: [&str; 7] =
        ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

    /// The bit of a method's name; `0` for one `Allow` does not list.
    pub(crate) fn of(name: &str) -> u8 {
        NAMES.iter().position(|n| *n == name).map_or(0, |i| 1 << i)
    }
}

/// An `Allow` value, built by [`allow_text`] at compile time, once for every set of methods:
/// the one implementation of the value, which a route's own answers and a path of several
/// functions read from the same table ([`allow`], [`allow_header`]).
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct AllowText {
    bytes: [u8; 48],
    len: usize,
}

impl AllowText {
    pub const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => panic!("method names are ASCII"),
        }
    }
}

/// The `Allow` value of a path whose handlers answer `methods` ([`method_bit`]s): those
/// methods, `HEAD` with `GET`, and `OPTIONS` (answered automatically when not declared).
#[doc(hidden)]
pub const fn allow_text(mut methods: u8) -> AllowText {
    if methods & method_bit::GET != 0 {
        methods |= method_bit::HEAD;
    }
    methods |= method_bit::OPTIONS;
    let mut bytes = [0u8; 48];
    let mut len = 0;
    let mut i = 0;
    while i < method_bit::NAMES.len() {
        if methods & (1 << i) != 0 {
            if len > 0 {
                bytes[len] = b',';
                bytes[len + 1] = b' ';
                len += 2;
            }
            let name = method_bit::NAMES[i].as_bytes();
            let mut j = 0;
            while j < name.len() {
                bytes[len] = name[j];
                len += 1;
                j += 1;
            }
        }
        i += 1;
    }
    AllowText { bytes, len }
}

/// [`allow_text`] of every set of methods, built at compile time (2^7 of them).
static EVERY: [AllowText; 128] = {
    let mut table = [allow_text(0); 128];
    let mut bits = 0;
    while bits < 128 {
        table[bits] = allow_text(bits as u8);
        bits += 1;
    }
    table
};

/// A route's own `Allow` value, of its [`method_bit`]s: a clone of [`allow_header`]'s, which
/// copies two words (a static `Bytes`). Read only by `OPTIONS` and `405` answers.
#[doc(hidden)]
#[inline]
pub fn allow(methods: u8) -> HeaderValue {
    allow_header(methods).clone()
}

/// The `Allow` header value of `methods`, from a table of every value built at compile
/// time, so a path's value is a `&'static` reference (one word, nothing to drop) and its
/// clone costs nothing, with nothing interned or leaked when a router is built.
pub(crate) fn allow_header(methods: u8) -> &'static HeaderValue {
    static VALUES: [HeaderValue; 128] = {
        let mut values = [const { HeaderValue::from_static("") }; 128];
        let mut bits = 0;
        while bits < 128 {
            let value = HeaderValue::from_static(EVERY[bits].as_str());
            std::mem::forget(std::mem::replace(&mut values[bits], value));
            bits += 1;
        }
        values
    };
    &VALUES[usize::from(methods & 0x7f)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_head_with_get_and_always_options_sorted() {
        assert_eq!(allow_text(method_bit::GET).as_str(), "GET, HEAD, OPTIONS");
        assert_eq!(
            allow_text(method_bit::POST | method_bit::DELETE).as_str(),
            "DELETE, OPTIONS, POST"
        );
        assert_eq!(
            allow_text(0x7f).as_str(),
            "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
        );
        assert_eq!(allow_text(method_bit::ANY).as_str(), "OPTIONS");
        assert_eq!(method_bit::of("PATCH"), method_bit::PATCH);
        assert_eq!(method_bit::of("PURGE"), 0);
        assert_eq!(
            allow_header(method_bit::GET | method_bit::POST),
            "GET, HEAD, OPTIONS, POST"
        );
    }
}
