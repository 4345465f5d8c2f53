//! The query string and cookies: text look-ups after `URLSearchParams` and `cookies()`.

/// The query string's parameters, as `URLSearchParams`: names and values are
/// percent-decoded and `+` is a space; a name may repeat (`?tag=a&tag=b`).
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pairs: Vec<(String, String)>,
}

impl SearchParams {
    pub(super) fn parse(query: &str) -> Self {
        Self {
            pairs: form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        lookup(&self.pairs, name)
    }

    /// Every value of `name`, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        lookup_all(&self.pairs, name)
    }

    /// Whether `name` appears at all (`?draft` has it, with an empty value).
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every `(name, value)` pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }
}

/// The cookies the client sent, read as Next.js's `cookies()` reads them
/// (`@edge-runtime/cookies`): the header is split at `;` and the spaces after it, a pair
/// splits at its first `=`, the value is decoded as `decodeURIComponent` decodes it, and
/// nothing else is trimmed or unquoted, so `token="q"` is `"q"` with its quotes and
/// `token = x` is a cookie named `token ` (with the space). A value with a bad escape
/// (`%ZZ`, or bytes that are not UTF-8 once decoded) drops that pair, and a pair without
/// `=` is a cookie whose value is `true`, as there.
///
/// One deliberate difference: when a name repeats, [`get`](Cookies::get) gives the first,
/// which browsers send for the most specific path (RFC 6265 §5.4), where Next.js keeps the
/// last; [`get_all`](Cookies::get_all) gives every one.
///
/// Names are not decoded because a browser never encodes one: `__Host%2Dsid=x` is a cookie
/// named `__Host%2Dsid`, which any page on a sibling subdomain may set, not the
/// `__Host-sid` that only this origin's secure pages can set.
#[derive(Debug, Clone, Default)]
pub struct Cookies {
    pairs: Vec<(String, String)>,
}

impl Cookies {
    pub(super) fn parse(headers: http::header::GetAll<'_, http::HeaderValue>) -> Self {
        let pairs = headers
            .iter()
            .filter_map(|value| std::str::from_utf8(value.as_bytes()).ok())
            .flat_map(|header| header.split(';'))
            .map(|pair| pair.trim_start_matches(' '))
            .filter(|pair| !pair.is_empty())
            .filter_map(|pair| match pair.split_once('=') {
                None => Some((pair.to_owned(), "true".to_owned())),
                Some((name, value)) => Some((name.to_owned(), decode_uri_component(value)?)),
            })
            .collect();
        Self { pairs }
    }

    /// The value of cookie `name`: the first sent, when it repeats.
    pub fn get(&self, name: &str) -> Option<&str> {
        lookup(&self.pairs, name)
    }

    /// Every value of cookie `name`, in the order sent.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        lookup_all(&self.pairs, name)
    }

    /// Every `(name, value)` pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }
}

pub(super) fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

pub(super) fn lookup_all<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// JavaScript's `decodeURIComponent`: `None` where it throws, for a `%` not followed by two
/// hex digits or bytes that are not UTF-8 once decoded.
fn decode_uri_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut index = 0;
    while let Some(at) = bytes[index..].iter().position(|&b| b == b'%') {
        let hex = bytes.get(index + at + 1..index + at + 3)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        index += at + 3;
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}
