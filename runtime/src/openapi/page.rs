//! Serving the document and the docs page.

use axum::body::Bytes;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::HeaderValue;

use super::document::{document, Info};
use super::registry::routes_of;

/// Serves the OpenAPI document of `app`'s routes at `info.path` (`/openapi.json`).
///
/// The document is built once, here, from `app`'s own route table (so call it after
/// `.with_state(…)`); each request answers the same bytes.
pub fn mount(app: Router, info: Info) -> Router {
    let doc = document(&routes_of(&app), &info);
    let bytes = Bytes::from(serde_json::to_vec_pretty(&doc).expect("a JSON value serializes"));
    app.route(
        &info.path,
        get(move || {
            let bytes = bytes.clone();
            async move {
                (
                    [
                        (CONTENT_TYPE, HeaderValue::from_static("application/json")),
                        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                    ],
                    bytes,
                )
            }
        }),
    )
}

/// Where the docs page is served and which document it reads.
#[derive(Debug, Clone)]
pub struct DocsPage {
    /// The page's path, `/docs`.
    pub path: String,
    /// The document's URL, `/openapi.json`.
    pub spec_url: String,
    /// The page's `<title>`.
    pub title: String,
}

impl DocsPage {
    /// A page at `path` reading `/openapi.json`.
    pub fn at(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            spec_url: "/openapi.json".to_owned(),
            title: "API reference".to_owned(),
        }
    }

    /// Reads the document from `url` instead of `/openapi.json`.
    pub fn spec_url(mut self, url: impl Into<String>) -> Self {
        self.spec_url = url.into();
        self
    }

    /// The page's title until the document has loaded (then the document's own).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }
}

impl From<&str> for DocsPage {
    fn from(path: &str) -> Self {
        DocsPage::at(path)
    }
}

const TEMPLATE: &str = include_str!("page.html");

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Serves a browsable reference of the document at `page.path` (`/docs`): one HTML page
/// with its script and styles inline, loading nothing from anywhere but the document.
pub fn docs<S>(app: Router<S>, page: impl Into<DocsPage>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let page = page.into();
    let spec_url = serde_json::to_string(&page.spec_url).expect("a string serializes");
    let html = TEMPLATE
        .replace("{{title}}", &escape(&page.title))
        .replace("{{spec_url}}", &spec_url.replace("</", "<\\/"));
    let html = Bytes::from(html);
    app.route(
        &page.path,
        get(move || {
            let html = html.clone();
            async move {
                (
                    [
                        (
                            CONTENT_TYPE,
                            HeaderValue::from_static("text/html; charset=utf-8"),
                        ),
                        (
                            CONTENT_SECURITY_POLICY,
                            HeaderValue::from_static(
                                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                            ),
                        ),
                    ],
                    html,
                )
                    .into_response()
            }
        }),
    )
}
