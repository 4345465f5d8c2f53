//! The cookie jar of [`TestClient::with_cookie_jar`](super::TestClient::with_cookie_jar):
//! what a browser keeps between requests to one site, after RFC 6265.

use cookie::time::OffsetDateTime;
use cookie::Cookie;
use http::header::SET_COOKIE;
use http::HeaderMap;

/// Cookies set by earlier answers. The host is always the app, so `Domain` is not
/// checked; `Secure` cookies are sent too, as a browser sends them to `localhost`.
#[derive(Debug, Default)]
pub(super) struct Jar {
    cookies: Vec<Stored>,
}

#[derive(Debug)]
struct Stored {
    name: String,
    value: String,
    path: String,
    expires: Option<OffsetDateTime>,
}

impl Stored {
    fn live(&self, now: OffsetDateTime) -> bool {
        self.expires.is_none_or(|at| at > now)
    }
}

impl Jar {
    /// The `Cookie` header for a request to `path`: longer paths first, then older
    /// cookies first, as browsers order them.
    pub(super) fn header(&self, path: &str) -> Option<String> {
        let now = OffsetDateTime::now_utc();
        let mut sent: Vec<&Stored> = self
            .cookies
            .iter()
            .filter(|c| c.live(now) && path_matches(path, &c.path))
            .collect();
        sent.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        let pairs: Vec<String> = sent
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// Keeps the cookies an answer to `path` set, replacing those of the same name and
    /// path; one already expired (`Max-Age=0`, a past `Expires`) deletes its namesake.
    pub(super) fn store(&mut self, path: &str, headers: &HeaderMap) {
        let now = OffsetDateTime::now_utc();
        for value in headers.get_all(SET_COOKIE) {
            let Some(cookie) = value.to_str().ok().and_then(|v| Cookie::parse(v).ok()) else {
                continue;
            };
            let cookie_path = match cookie.path() {
                Some(p) if p.starts_with('/') => p.to_owned(),
                _ => default_path(path),
            };
            let expires = match cookie.max_age() {
                Some(age) => Some(now + age),
                None => cookie.expires_datetime(),
            };
            self.cookies
                .retain(|c| !(c.name == cookie.name() && c.path == cookie_path));
            let stored = Stored {
                name: cookie.name().to_owned(),
                value: cookie.value().to_owned(),
                path: cookie_path,
                expires,
            };
            if stored.live(now) {
                self.cookies.push(stored);
            }
        }
    }

    /// The value of the cookie `name` a request to `path` would send.
    pub(super) fn get(&self, name: &str, path: &str) -> Option<String> {
        let now = OffsetDateTime::now_utc();
        self.cookies
            .iter()
            .filter(|c| c.name == name && c.live(now) && path_matches(path, &c.path))
            .max_by_key(|c| c.path.len())
            .map(|c| c.value.clone())
    }
}

/// RFC 6265 §5.1.4: `/api` matches `/api`, `/api/` and `/api/x`, not `/apix`.
fn path_matches(request: &str, cookie: &str) -> bool {
    request == cookie
        || request
            .strip_prefix(cookie)
            .is_some_and(|rest| cookie.ends_with('/') || rest.starts_with('/'))
}

/// RFC 6265 §5.1.4's default-path: the request path up to its last `/`.
fn default_path(request: &str) -> String {
    match request.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(end) => request[..end].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_as_rfc_6265_says() {
        assert!(path_matches("/api", "/api"));
        assert!(path_matches("/api/x", "/api"));
        assert!(path_matches("/api/x", "/api/"));
        assert!(!path_matches("/apix", "/api"));
        assert!(path_matches("/anything", "/"));
        assert_eq!(default_path("/api/login"), "/api");
        assert_eq!(default_path("/login"), "/");
    }
}
