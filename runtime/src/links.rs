//! Typed links: the `href` every route gets, `item::href(7)` → `"/api/posts/7"`.
//!
//! `#[route]` writes one `href` function per route whose arguments are the template's
//! parameters, in order, typed as the handlers declare them. The traits here are how those
//! arguments are accepted and written: a parameter a handler takes as `u64` accepts a `u64`
//! (or `&u64`) and nothing else, so a link whose route changed stops compiling. Values are
//! written with `Display` and percent-encoded as one path segment each.

use std::fmt::{self, Display, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

/// What stays as it is in a path segment: RFC 3986's unreserved characters. Everything
/// else, `/`, `%`, `?`, `#`, spaces and every non-ASCII byte included, is percent-encoded,
/// so a value always comes back whole from the one segment it fills.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Writes `Display` output percent-encoded, without a temporary string.
struct Encoder<'a>(&'a mut String);

impl fmt::Write for Encoder<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0
            .extend(percent_encoding::utf8_percent_encode(s, SEGMENT));
        Ok(())
    }
}

/// Appends `value` to `out` as one percent-encoded path segment. A value that is `.` or
/// `..` is written `%2E`/`%2E%2E`, so no client or proxy resolves it as a dot segment.
#[doc(hidden)]
pub fn write_value(out: &mut String, value: &(impl Display + ?Sized)) {
    let start = out.len();
    // Writing into a `String` cannot fail; a `Display` impl that reports an error leaves
    // what it wrote.
    let _ = write!(Encoder(out), "{value}");
    match &out[start..] {
        "." => out.replace_range(start.., "%2E"),
        ".." => out.replace_range(start.., "%2E%2E"),
        _ => {}
    }
}

/// A value that fills a link parameter its route's handlers declare as `D`: a `D` or a
/// reference to one (and `&str` where they take a `String`).
#[diagnostic::on_unimplemented(
    message = "this link parameter is declared `{D}` by the route's handlers, so `{Self}` cannot fill it",
    label = "expected `{D}` (or `&{D}`)",
    note = "`href` takes the route's parameters in template order, typed as its handlers take them; a value is written with `Display`, so `{D}` must implement it"
)]
pub trait LinkSegment<D> {
    #[doc(hidden)]
    fn write_segment(&self, out: &mut String);
}

impl<T: Display> LinkSegment<T> for T {
    fn write_segment(&self, out: &mut String) {
        write_value(out, self);
    }
}

impl<T: Display> LinkSegment<T> for &T {
    fn write_segment(&self, out: &mut String) {
        write_value(out, *self);
    }
}

impl LinkSegment<String> for &str {
    fn write_segment(&self, out: &mut String) {
        write_value(out, *self);
    }
}

/// The value of an optional segment (`{-$lang}`) whose handlers take `Option<D>`:
/// `Some(d)` writes the segment, `None` leaves it out.
#[diagnostic::on_unimplemented(
    message = "this optional link parameter is declared `Option<{D}>` by the route's handlers, so `{Self}` cannot fill it",
    label = "expected `Option<{D}>`"
)]
pub trait LinkOptional<D> {
    /// Writes `/` and the value when present.
    #[doc(hidden)]
    fn write_optional(&self, out: &mut String);
}

impl<T: Display> LinkOptional<T> for Option<T> {
    fn write_optional(&self, out: &mut String) {
        if let Some(value) = self {
            out.push('/');
            write_value(out, value);
        }
    }
}

/// An optional segment taken as `Option<&str>` (its handlers take `Option<String>`, or none
/// takes it).
#[doc(hidden)]
pub fn write_optional_str(out: &mut String, value: Option<&str>) {
    if let Some(value) = value {
        out.push('/');
        write_value(out, value);
    }
}

/// The segments of a catch-all, each encoded, joined with `/` (an empty list writes
/// nothing: the optional catch-all's absence).
#[doc(hidden)]
pub fn write_rest<I>(out: &mut String, segments: I)
where
    I: IntoIterator,
    I::Item: Display,
{
    for segment in segments {
        out.push('/');
        write_value(out, &segment);
    }
}

/// A value of a parameter the handlers do not agree on a type for (or do not take).
#[doc(hidden)]
pub fn write_display(out: &mut String, value: &(impl Display + ?Sized)) {
    write_value(out, value);
}

/// Finishes a link: an empty path is the root.
#[doc(hidden)]
pub fn finish(mut out: String) -> String {
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(value: &str) -> String {
        let mut out = String::new();
        write_value(&mut out, value);
        out
    }

    #[test]
    fn segments_are_percent_encoded_whole() {
        assert_eq!(seg("a b/c"), "a%20b%2Fc");
        assert_eq!(seg("100%"), "100%25");
        assert_eq!(seg("é?#&+"), "%C3%A9%3F%23%26%2B");
        assert_eq!(seg("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(seg("."), "%2E");
        assert_eq!(seg(".."), "%2E%2E");
        assert_eq!(seg("..."), "...");
    }

    #[test]
    fn rest_and_optional() {
        let mut out = String::from("/docs");
        write_rest(&mut out, ["a b", "c/d"]);
        assert_eq!(out, "/docs/a%20b/c%2Fd");
        let mut out = String::new();
        write_rest(&mut out, Vec::<String>::new());
        write_optional_str(&mut out, None);
        assert_eq!(finish(out), "/");
        let mut out = String::new();
        LinkOptional::<u8>::write_optional(&Some(7u8), &mut out);
        LinkSegment::<String>::write_segment(&"x", &mut out);
        assert_eq!(out, "/7x");
    }
}
