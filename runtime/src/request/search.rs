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

/// The cookies the client sent. Names are matched exactly as sent; values are
/// percent-decoded and stripped of surrounding quotes (as Next.js `cookies()`). A pair that
/// does not parse, or whose value is not UTF-8 once decoded, is skipped rather than failing
/// the request. When a name repeats, [`get`](Cookies::get) gives the first, which browsers
/// send for the most specific path.
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
            .flat_map(cookie::Cookie::split_parse)
            .flatten()
            .filter_map(|cookie| {
                let value = percent_encoding::percent_decode_str(cookie.value_trimmed())
                    .decode_utf8()
                    .ok()?;
                Some((cookie.name().to_owned(), value.into_owned()))
            })
            .collect();
        Self { pairs }
    }

    /// The value of cookie `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        lookup(&self.pairs, name)
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
