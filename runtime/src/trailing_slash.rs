//! One policy for every route on a path with a trailing slash or an empty segment
//! (`/api/hello/`, `/docs/a//b`), decided before any middleware or handler runs.
//!
//! No template can end in `/` or hold an empty segment, so such a path reaches a route only
//! through a catch-all. `routes!` applies the policy in its `404` fallback, and in front of
//! each catch-all route, so every route kind answers the same.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::LOCATION;
use http::{HeaderValue, StatusCode, Uri};

/// What a request for `/api/hello/` (or `/docs/a//b`) gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TrailingSlash {
    /// `308 Permanent Redirect` to the path without trailing slash and without empty
    /// segments, query kept, as Next.js answers by default. The default.
    #[default]
    Redirect,
    /// A JSON `404`, as for any path no route matches.
    NotFound,
}

impl TrailingSlash {
    /// The answer for `req`, when its path is not in the one spelling a route matches.
    ///
    /// The path is judged as the app sees it, but the redirect names the path the client
    /// sent (axum's `OriginalUri`), so under `Router::nest("/v1", app)` it keeps `/v1`.
    pub(crate) fn answer<B>(self, req: &http::Request<B>) -> Option<Response> {
        let path = req.uri().path();
        if path == "/" || !(path.ends_with('/') || path.contains("//")) {
            return None;
        }
        let sent = req
            .extensions()
            .get::<axum::extract::OriginalUri>()
            .map_or(req.uri(), |original| &original.0);
        Some(match (self, redirect_target(sent)) {
            (TrailingSlash::Redirect, Some(target)) => {
                let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
                response.headers_mut().insert(LOCATION, target);
                response
            }
            _ => crate::answers::not_found(),
        })
    }
}

/// The slash-less spelling of `uri`, or `None` where a redirect could leave the site: a
/// backslash is read as `/` by browsers, so `/\evil.example/` would become
/// `//evil.example`, another host.
fn redirect_target(uri: &Uri) -> Option<HeaderValue> {
    let path = uri.path();
    if path.contains('\\') {
        return None;
    }
    let mut target = String::with_capacity(path.len() + 1);
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        target.push('/');
        target.push_str(segment);
    }
    if target.is_empty() {
        target.push('/');
    }
    if let Some(query) = uri.query() {
        target.push('?');
        target.push_str(query);
    }
    HeaderValue::try_from(target).ok()
}

impl crate::routes::answer_first::AnswerFirst for TrailingSlash {
    fn answer(&self, req: &http::Request<Body>) -> Option<Response> {
        TrailingSlash::answer(*self, req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(policy: TrailingSlash, uri: &str) -> Option<(u16, Option<String>)> {
        let req = http::Request::builder().uri(uri).body(()).unwrap();
        policy.answer(&req).map(|r| {
            (
                r.status().as_u16(),
                r.headers()
                    .get(LOCATION)
                    .map(|v| v.to_str().unwrap().to_owned()),
            )
        })
    }

    #[test]
    fn redirects_to_the_slash_less_path_keeping_the_query() {
        let r = TrailingSlash::Redirect;
        assert_eq!(answer(r, "/"), None);
        assert_eq!(answer(r, "/api/hello"), None);
        assert_eq!(
            answer(r, "/api/hello/"),
            Some((308, Some("/api/hello".into())))
        );
        assert_eq!(
            answer(r, "/api/hello/?a=1&b"),
            Some((308, Some("/api/hello?a=1&b".into())))
        );
        assert_eq!(
            answer(r, "/docs/a//b"),
            Some((308, Some("/docs/a/b".into())))
        );
        assert_eq!(answer(r, "//"), Some((308, Some("/".into()))));
    }

    #[test]
    fn never_redirects_off_site() {
        let r = TrailingSlash::Redirect;
        assert_eq!(
            answer(r, "//evil.example/"),
            Some((308, Some("/evil.example".into())))
        );
        assert_eq!(
            answer(r, "/%5Cevil.example/"),
            Some((308, Some("/%5Cevil.example".into())))
        );
    }

    #[test]
    fn not_found_policy_answers_404() {
        assert_eq!(
            answer(TrailingSlash::NotFound, "/api/hello/"),
            Some((404, None))
        );
        assert_eq!(answer(TrailingSlash::NotFound, "/api/hello"), None);
    }
}
