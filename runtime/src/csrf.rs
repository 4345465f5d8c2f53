//! Cross-site request forgery protection from the browser's own headers: no token, no
//! cookie, no state.
//!
//! [`CsrfLayer`] rejects cross-origin browser requests with unsafe methods, after Go 1.25's
//! `http.CrossOriginProtection` and TanStack Start's `createCsrfMiddleware`. For every method
//! other than `GET`, `HEAD` and `OPTIONS`:
//!
//! 1. `Sec-Fetch-Site: same-origin` or `none` (the user typed the URL or used a bookmark):
//!    allowed. Any other `Sec-Fetch-Site` (`cross-site`, `same-site`): rejected, unless the
//!    `Origin` is [trusted](CsrfLayer::trust_origin) (or the value is `same-site` and
//!    [`allow_same_site`](CsrfLayer::allow_same_site) is on).
//! 2. No `Sec-Fetch-Site` and no `Origin`: allowed. Every browser since 2023 sends
//!    `Sec-Fetch-Site`, and older ones send `Origin` on cross-origin `POST`s, so a request
//!    with neither is not a cross-site browser request (curl, a server, a mobile app).
//! 3. No `Sec-Fetch-Site`, an `Origin`: allowed when its `host[:port]` equals the request's
//!    host (the `Host` header, or the authority of an HTTP/2 or absolute-form request) or the
//!    origin is trusted; rejected otherwise.
//!
//! A rejection is a `403` `{"error": "Cross-origin request rejected"}`.
//!
//! `Sec-Fetch-Site` is a header a page's script cannot set, so it is believed as sent: a
//! request with `Sec-Fetch-Site: same-origin` and a foreign `Origin` is allowed (step 1
//! decides before `Origin` is read), exactly as in Go. Only a client other than a browser can
//! send that pair, and such a client can send any header anyway: CSRF protection is about
//! what a malicious page can make a victim's browser send, not about authenticating clients.
//!
//! Step 3 compares hosts, not schemes: an `http://` page posting to the `https://` site of the
//! same host passes on browsers too old to send `Sec-Fetch-Site`. Use HSTS, as Go advises.
//!
//! On the allowed path the check compares a few header bytes: no allocation, no copy.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::response::{IntoResponse, Response};
use futures_util::future::{Either, Ready};
use http::{header, HeaderMap, Method, Request, Uri};
use tower::{Layer, Service};

use crate::ApiError;

/// The body `error` of a rejected request.
const REJECTED: &str = "Cross-origin request rejected";

/// A tower layer that answers `403` to cross-origin browser requests with unsafe methods;
/// see the [module docs](self) for the rules.
///
/// ```
/// use routekit::prelude::*;
/// use routekit::csrf::CsrfLayer;
/// use routekit::test::TestClient;
///
/// #[route("/api/posts")]
/// #[middleware(CsrfLayer::new().trust_origin("https://admin.example"))]
/// mod posts {
///     use super::*;
///
///     pub async fn POST() -> Response {
///         Response::text("created").status(201)
///     }
/// }
///
/// # #[tokio::main]
/// # async fn main() {
/// let client = TestClient::new(routes![posts]);
/// let res = client.post("/api/posts").header("sec-fetch-site", "cross-site").send().await;
/// assert_eq!(res.status(), 403);
/// let res = client.post("/api/posts").header("sec-fetch-site", "same-origin").send().await;
/// assert_eq!(res.status(), 201);
/// let res = client.post("/api/posts").send().await; // curl: neither header
/// assert_eq!(res.status(), 201);
/// # }
/// ```
///
/// It works as well on a whole app, `routes![…].layer(CsrfLayer::new())`, or on any axum
/// `Router` or `MethodRouter`.
#[derive(Clone, Debug, Default)]
pub struct CsrfLayer {
    config: Arc<Config>,
}

#[derive(Clone, Debug, Default)]
struct Config {
    /// `scheme://host[:port]`, lowercase.
    trusted: Vec<Box<str>>,
    allow_same_site: bool,
}

impl CsrfLayer {
    /// Protection with no trusted origin: only same-origin browser requests (and requests
    /// that are not from a browser) may use unsafe methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also allows unsafe requests whose `Origin` is exactly `origin`, written
    /// `scheme://host[:port]` (`https://admin.example`, `http://localhost:5173`); a trailing
    /// `/` is ignored and the comparison ignores ASCII case.
    ///
    /// # Panics
    ///
    /// When `origin` has no scheme or host, or has a path, query, fragment or user info:
    /// the layer is built when the app is, so a typo stops it at start.
    pub fn trust_origin(mut self, origin: &str) -> Self {
        let origin = origin.strip_suffix('/').unwrap_or(origin);
        assert!(
            is_origin(origin),
            "CsrfLayer::trust_origin({origin:?}): expected `scheme://host[:port]`"
        );
        Arc::make_mut(&mut self.config)
            .trusted
            .push(origin.to_ascii_lowercase().into_boxed_str());
        self
    }

    /// Also allows `Sec-Fetch-Site: same-site`: requests from other subdomains of the same
    /// site (`app.example.com` to `api.example.com`), as TanStack Start's
    /// `secFetchSite: ['same-origin', 'same-site']`. A same-site page is not always trusted
    /// (a user-content subdomain), hence off by default.
    pub fn allow_same_site(mut self) -> Self {
        Arc::make_mut(&mut self.config).allow_same_site = true;
        self
    }

    /// Whether a request with this method, target and headers passes the check.
    pub fn allows(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
        self.config.allows(method, uri, headers)
    }
}

impl Config {
    fn allows(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
        if *method == Method::GET || *method == Method::HEAD || *method == Method::OPTIONS {
            return true;
        }
        let origin = headers.get(header::ORIGIN).map(|v| v.as_bytes());
        if let Some(site) = headers.get("sec-fetch-site") {
            let site = site.as_bytes();
            return site == b"same-origin"
                || site == b"none"
                || (self.allow_same_site && site == b"same-site")
                || origin.is_some_and(|origin| self.trusts(origin));
        }
        let Some(origin) = origin else {
            return true;
        };
        let host = match uri.authority() {
            Some(authority) => Some(authority.as_str().as_bytes()),
            None => headers.get(header::HOST).map(|v| v.as_bytes()),
        };
        let same_host = match (host, origin_host(origin)) {
            (Some(host), Some(origin_host)) => host.eq_ignore_ascii_case(origin_host),
            _ => false,
        };
        same_host || self.trusts(origin)
    }

    fn trusts(&self, origin: &[u8]) -> bool {
        self.trusted
            .iter()
            .any(|trusted| trusted.as_bytes().eq_ignore_ascii_case(origin))
    }
}

/// `host[:port]` of a serialized origin `scheme://host[:port]`; `None` for `null` and
/// anything else that is not an origin.
fn origin_host(origin: &[u8]) -> Option<&[u8]> {
    let at = origin.windows(3).position(|w| w == b"://")?;
    let host = &origin[at + 3..];
    (!host.is_empty() && !host.contains(&b'/')).then_some(host)
}

/// `scheme://host[:port]` and nothing more.
fn is_origin(origin: &str) -> bool {
    let Some((scheme, host)) = origin.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let host_ok = !host.is_empty()
        && !host.starts_with(':')
        && host
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b'?' | b'#' | b'@' | b'\\'));
    scheme_ok && host_ok
}

impl<S> Layer<S> for CsrfLayer {
    type Service = Csrf<S>;

    fn layer(&self, inner: S) -> Csrf<S> {
        Csrf {
            inner,
            config: self.config.clone(),
        }
    }
}

/// The service [`CsrfLayer`] wraps around an inner one.
#[derive(Clone, Debug)]
pub struct Csrf<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S, B> Service<Request<B>> for Csrf<S>
where
    S: Service<Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Either<S::Future, Ready<Result<Response, S::Error>>>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        if self.config.allows(req.method(), req.uri(), req.headers()) {
            Either::Left(self.inner.call(req))
        } else {
            Either::Right(futures_util::future::ready(Ok(rejection())))
        }
    }
}

fn rejection() -> Response {
    ApiError::forbidden(REJECTED).into_response()
}

// `Csrf` adds no error of its own: with an infallible inner service it stays infallible.
const _: fn() = || {
    fn infallible<S: Service<Request<axum::body::Body>, Error = Infallible>>() {}
    infallible::<Csrf<axum::routing::Route>>();
};

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(layer: &CsrfLayer, method: Method, uri: &str, headers: &[(&str, &str)]) -> bool {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        layer.allows(&method, &uri.parse().unwrap(), &map)
    }

    #[test]
    fn the_go_algorithm() {
        let l = CsrfLayer::new();
        let post = Method::POST;
        assert!(allows(
            &l,
            Method::GET,
            "/",
            &[("sec-fetch-site", "cross-site")]
        ));
        assert!(allows(
            &l,
            Method::OPTIONS,
            "/",
            &[("origin", "https://evil.example")]
        ));
        assert!(!allows(
            &l,
            post.clone(),
            "/",
            &[("sec-fetch-site", "cross-site")]
        ));
        assert!(!allows(
            &l,
            post.clone(),
            "/",
            &[("sec-fetch-site", "same-site")]
        ));
        assert!(!allows(
            &l,
            post.clone(),
            "/",
            &[("sec-fetch-site", "bogus")]
        ));
        assert!(allows(&l, post.clone(), "/", &[("sec-fetch-site", "none")]));
        assert!(allows(&l, post.clone(), "/", &[]));
        let same = [("host", "app.example"), ("origin", "https://app.example")];
        assert!(allows(&l, post.clone(), "/", &same));
        let upper = [
            ("host", "App.Example:8443"),
            ("origin", "https://app.example:8443"),
        ];
        assert!(allows(&l, post.clone(), "/", &upper));
        let port = [
            ("host", "app.example:8443"),
            ("origin", "https://app.example"),
        ];
        assert!(!allows(&l, post.clone(), "/", &port));
        let null = [("host", "app.example"), ("origin", "null")];
        assert!(!allows(&l, post.clone(), "/", &null));
        // No Host to compare with: rejected.
        assert!(!allows(
            &l,
            post.clone(),
            "/",
            &[("origin", "https://app.example")]
        ));
        // HTTP/2 and absolute-form requests carry the host in the target.
        let h2 = "https://app.example/x";
        assert!(allows(
            &l,
            post.clone(),
            h2,
            &[("origin", "https://app.example")]
        ));
        assert!(!allows(&l, post, h2, &[("origin", "https://evil.example")]));
    }

    #[test]
    fn trusted_origins_and_same_site() {
        let l = CsrfLayer::new()
            .trust_origin("https://Admin.example/")
            .allow_same_site();
        let post = Method::DELETE;
        let trusted = [
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://admin.example"),
        ];
        assert!(allows(&l, post.clone(), "/", &trusted));
        let other = [
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://admin.example.evil"),
        ];
        assert!(!allows(&l, post.clone(), "/", &other));
        assert!(allows(
            &l,
            post.clone(),
            "/",
            &[("sec-fetch-site", "same-site")]
        ));
        let old = [("host", "api.example"), ("origin", "https://admin.example")];
        assert!(allows(&l, post, "/", &old));
    }

    #[test]
    fn origin_syntax() {
        assert!(is_origin("https://a.example"));
        assert!(is_origin("http://localhost:5173"));
        assert!(is_origin("http://[::1]:3000"));
        for bad in [
            "a.example",
            "https://",
            "https://a.example/path",
            "https://a.example?q",
            "https://u@a.example",
            "://a.example",
            "1http://a",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }

    #[test]
    #[should_panic(expected = "expected `scheme://host[:port]`")]
    fn a_malformed_trusted_origin_stops_the_build() {
        let _ = CsrfLayer::new().trust_origin("admin.example");
    }
}
