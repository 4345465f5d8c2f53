//! The prefix/suffix text around a path parameter (`post-{$id}`, `{$name}.txt`), which
//! axum's router does not match: each axum path's table, as `#[route]` writes it from the
//! template, and the check of a request path against it. A leaf: the handler trait, the
//! route model and the shared-path choice all read it.

/// The prefix/suffix text of one axum path of a route, as `#[route]` writes it from the
/// template: what the route's handler checks first, or the runtime in front of it (the
/// JSON `404` when the request path lacks it), and what picks the route among others on one
/// axum path.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AffixTable {
    /// How many segments the pattern has (the empty text before its first `/` counted), `0`
    /// when a catch-all leaves that open. When known, the segments are found from the end
    /// of the path, where prefix/suffix parameters usually are.
    pub segments: usize,
    /// For each segment with text around its parameter: its index, the prefix, the suffix.
    pub entries: &'static [(usize, &'static str, &'static str)],
}

/// Whether `path` carries the text of `table`: what [`RouteHandler::call`] checks before the
/// route's work (a shared path that has just chosen the route by the same text calls
/// [`RouteHandler::answer`] instead, rather than scan it twice).
///
/// [`RouteHandler::call`]: crate::__private::RouteHandler::call
/// [`RouteHandler::answer`]: crate::__private::RouteHandler::answer
pub(crate) fn affixes_fit(table: &AffixTable, path: &str) -> bool {
    fit(table.segments, table.entries, path)
}

/// Whether the path's segments carry the text of `entries`, with at least one character
/// between (a parameter is never empty). The router already matched the path's shape; the
/// segments are found by a scan of the path's bytes (from its end when the pattern has a
/// known number of `segments`), and only a segment holding an escape is percent-decoded
/// before its text is compared.
fn fit(segments: usize, entries: &[(usize, &str, &str)], path: &str) -> bool {
    let bytes = path.as_bytes();
    if segments == 0 {
        // The start of segment `current` (segment 0 is the empty text before the first `/`).
        let (mut start, mut current) = (0, 0);
        for &(index, prefix, suffix) in entries {
            while current < index {
                match bytes[start..].iter().position(|&b| b == b'/') {
                    Some(slash) => start += slash + 1,
                    None => return false,
                }
                current += 1;
            }
            let mut end = start;
            let mut escaped = false;
            while let Some(&b) = bytes.get(end) {
                if b == b'/' {
                    break;
                }
                escaped |= b == b'%';
                end += 1;
            }
            if !segment_fits(&path[start..end], escaped, prefix, suffix) {
                return false;
            }
        }
    } else {
        // The end of segment `current`, counted from the last (`0`).
        let (mut end, mut current) = (bytes.len(), 0);
        for &(index, prefix, suffix) in entries.iter().rev() {
            let Some(wanted) = (segments - 1).checked_sub(index) else {
                return false;
            };
            while current < wanted {
                match bytes[..end].iter().rposition(|&b| b == b'/') {
                    Some(slash) => end = slash,
                    None => return false,
                }
                current += 1;
            }
            let mut start = end;
            let mut escaped = false;
            while let Some(&b) = start.checked_sub(1).and_then(|at| bytes.get(at)) {
                if b == b'/' {
                    break;
                }
                escaped |= b == b'%';
                start -= 1;
            }
            if !segment_fits(&path[start..end], escaped, prefix, suffix) {
                return false;
            }
        }
    }
    true
}

/// Whether one segment of the path is `prefix`, at least one character, then `suffix`,
/// percent-decoded first when it holds an escape.
#[inline]
fn segment_fits(segment: &str, escaped: bool, prefix: &str, suffix: &str) -> bool {
    if escaped {
        text_fits(
            &percent_encoding::percent_decode_str(segment).decode_utf8_lossy(),
            prefix,
            suffix,
        )
    } else {
        text_fits(segment, prefix, suffix)
    }
}

/// Whether `text` is `prefix`, at least one character, then `suffix`. Compared byte by
/// byte: the texts are a few bytes long, shorter than a call to `memcmp`.
#[inline]
fn text_fits(text: &str, prefix: &str, suffix: &str) -> bool {
    let (text, prefix, suffix) = (text.as_bytes(), prefix.as_bytes(), suffix.as_bytes());
    text.len() > prefix.len() + suffix.len()
        && text.iter().zip(prefix).all(|(a, b)| a == b)
        && text
            .iter()
            .rev()
            .zip(suffix.iter().rev())
            .all(|(a, b)| a == b)
}
