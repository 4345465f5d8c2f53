//! The route table of one router: what `routes![…]` built, for `serve` to print, tests to
//! read and the OpenAPI document to describe.
//!
//! An `axum::Router` holds no data a caller can read back, so the table lives where the
//! router keeps it: in the `404` fallback `routes!` installs (and, for a catch-all at the
//! root, which leaves no path to the fallback, in front of that route). [`route_table`]
//! asks the router with a request carrying a marker only code in this crate can create, on
//! a path no template can match (`//`); the answer carries the table in its extensions.
//! Nothing a client sends reaches it, and no other request pays for it.

use std::fmt;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;
use tower::ServiceExt;

use super::model::{MethodInfo, RouteInfo};

/// One row of the route table: a method of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    /// The method, `"GET"`.
    pub method: &'static str,
    /// The template as written.
    pub template: &'static str,
    /// The axum path it is served at.
    pub path: &'static str,
    /// The handler, `post::GET`, or `(automatic)`.
    pub handler: String,
    /// Middleware that runs before the handler, outermost first.
    pub middleware: Vec<&'static str>,
    /// `file:line` of the handler.
    pub location: String,
    /// `true` for answers routekit adds by itself.
    pub automatic: bool,
}

impl RouteEntry {
    /// The middleware chain as printed: `auth → logger`, or `-`.
    fn chain(&self) -> String {
        if self.middleware.is_empty() {
            "-".to_owned()
        } else {
            self.middleware.join(" → ")
        }
    }

    fn columns(&self) -> [String; 5] {
        [
            self.method.to_owned(),
            self.template.to_owned(),
            self.chain(),
            self.handler.clone(),
            self.location.clone(),
        ]
    }
}

impl fmt::Display for RouteEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.columns().join("  "))
    }
}

fn method_rank(method: &str) -> usize {
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        .iter()
        .position(|m| *m == method)
        .unwrap_or(usize::MAX)
}

/// The route table as an aligned text table, as `serve` prints it: each column as wide as
/// its longest cell, so a long middleware chain never runs into the handler name.
pub fn format_route_table(rows: &[RouteEntry]) -> String {
    let header = ["METHOD", "PATH", "MIDDLEWARE", "HANDLER", "SOURCE"].map(str::to_owned);
    let cells: Vec<[String; 5]> = std::iter::once(header)
        .chain(rows.iter().map(RouteEntry::columns))
        .collect();
    let mut widths = [0usize; 5];
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &cells {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = width - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One row of the table as the router was built: turned into a [`RouteEntry`] (strings
/// and all) only when the table is asked for, so building the router pays a copy of three
/// references per row.
#[derive(Clone, Copy)]
pub(super) enum Row {
    /// A method the route declares.
    Declared {
        info: &'static RouteInfo,
        path: &'static str,
        method: &'static MethodInfo,
    },
    /// `HEAD` answered by the route's `GET`, through `GET`'s chain.
    Head {
        info: &'static RouteInfo,
        path: &'static str,
        get: &'static MethodInfo,
    },
    /// An answer routekit adds (`OPTIONS`), through the route's own list (a path's
    /// functions share one: a difference is refused at start-up).
    Automatic {
        info: &'static RouteInfo,
        path: &'static str,
        method: &'static str,
    },
}

impl Row {
    /// The rows of `info` on `path`: its declared methods, and `HEAD` where `GET` answers
    /// it. `options`: the route adds `OPTIONS` itself (a module without `OPTIONS` or `ANY`).
    pub(super) fn of(
        info: &'static RouteInfo,
        path: &'static str,
        options: bool,
    ) -> impl Iterator<Item = Row> {
        let declared = info
            .methods
            .iter()
            .map(move |method| Row::Declared { info, path, method });
        let head = info
            .head_from_get()
            .map(|get| Row::Head { info, path, get });
        let answers_options = info
            .methods
            .iter()
            .any(|m| matches!(m.method, "OPTIONS" | "ANY"));
        let options = (options && !answers_options).then_some(Row::Automatic {
            info,
            path,
            method: "OPTIONS",
        });
        declared.chain(head).chain(options)
    }

    fn entry(self, app_labels: &[&'static str]) -> RouteEntry {
        let (info, path, method, handler, middleware, line, automatic) = match self {
            Row::Declared { info, path, method } => (
                info,
                path,
                method.method,
                method.handler,
                method.middleware,
                method.line,
                false,
            ),
            Row::Head { info, path, get } => (
                info,
                path,
                "HEAD",
                "(automatic)",
                get.middleware,
                get.line,
                true,
            ),
            Row::Automatic { info, path, method } => (
                info,
                path,
                method,
                "(automatic)",
                info.middleware,
                info.line,
                true,
            ),
        };
        RouteEntry {
            method,
            template: info.template,
            path,
            handler: handler.to_owned(),
            middleware: app_labels.iter().chain(middleware).copied().collect(),
            location: format!("{}:{}", info.file, line),
            automatic,
        }
    }
}

/// What one router was built from.
struct Built {
    rows: Vec<Row>,
    /// The app-wide middleware, first in every row.
    app_labels: &'static [&'static str],
    infos: Vec<&'static RouteInfo>,
    /// The rows as [`route_table`] gives them, sorted by path then method.
    entries: OnceLock<Vec<RouteEntry>>,
}

impl Built {
    fn entries(&self) -> &[RouteEntry] {
        self.entries.get_or_init(|| {
            let mut entries: Vec<RouteEntry> = self
                .rows
                .iter()
                .map(|row| row.entry(self.app_labels))
                .collect();
            entries.sort_by(|a, b| {
                (a.path, method_rank(a.method)).cmp(&(b.path, method_rank(b.method)))
            });
            entries
        })
    }
}

/// The marker of the request [`route_table`] sends: a private type, so no client can.
#[derive(Clone, Copy)]
struct Probe;

/// Whether `req` is [`route_table`]'s look-up, which app-wide middleware lets through to the
/// routes unexamined.
pub(crate) fn is_table_probe(req: &http::Request<Body>) -> bool {
    req.extensions().get::<Probe>().is_some()
}

/// The answer's extension: the table of the router that answered.
#[derive(Clone)]
struct Answer(Arc<Built>);

/// The table of the router `RouteSet::build` is building, filled once every route is in.
#[derive(Clone, Default)]
pub(super) struct TableSlot(Arc<OnceLock<Arc<Built>>>);

impl TableSlot {
    /// A root catch-all matches `//` too, so it answers the probe itself; every other
    /// route leaves it to the fallback.
    pub(super) fn probe<S>(&self, path: &str, router: MethodRouter<S>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        if path.starts_with("/{*") {
            router.layer(super::answer_first::AnswerFirstLayer(self.clone()))
        } else {
            router
        }
    }

    pub(super) fn fill(
        self,
        rows: Vec<Row>,
        app_labels: &'static [&'static str],
        infos: Vec<&'static RouteInfo>,
    ) -> TableSlot {
        let built = Built {
            rows,
            app_labels,
            infos,
            entries: OnceLock::new(),
        };
        let _ = self.0.set(Arc::new(built));
        self
    }

    /// The answer to [`route_table`]'s request, for the fallback.
    pub(super) fn answer_probe(&self, req: &http::Request<Body>) -> Option<Response> {
        req.extensions().get::<Probe>()?;
        let built = self.0.get()?.clone();
        let mut response = ().into_response();
        response.extensions_mut().insert(Answer(built));
        Some(response)
    }
}

impl super::answer_first::AnswerFirst for TableSlot {
    fn answer(&self, req: &http::Request<Body>) -> Option<Response> {
        self.answer_probe(req)
    }
}

fn ask(app: &Router) -> Option<Arc<Built>> {
    use futures_util::FutureExt;
    let mut request = http::Request::new(Body::empty());
    *request.uri_mut() = http::Uri::from_static("//");
    request.extensions_mut().insert(Probe);
    // The fallback answers at once; a layer the app added that waits (a concurrency limit
    // at capacity) or refuses the request leaves the table unknown.
    let response = app.clone().oneshot(request).now_or_never()?.ok()?;
    response.extensions().get::<Answer>().map(|a| a.0.clone())
}

/// The routes `app` was built from by `routes![…]`, sorted by path then method; empty for
/// a router `routes!` did not build, or when a layer the app added refused the look-up.
///
/// `routekit::serve` prints it at start; tests read it to see exactly which middleware runs
/// before a handler. Each app has its own: two apps in one process never see each other's
/// routes. Layers and routes added with axum after `routes!` are not in it.
///
/// ```
/// use routekit::prelude::*;
///
/// #[route(GET, "/api/hello")]
/// async fn hello() -> Response { Response::text("Hello") }
///
/// let app: axum::Router = routes![hello];
/// let table = routekit::route_table(&app);
/// assert_eq!(table[0].method, "GET");
/// assert_eq!(table[0].template, "/api/hello");
/// ```
pub fn route_table(app: &Router) -> Vec<RouteEntry> {
    ask(app)
        .map(|built| built.entries().to_vec())
        .unwrap_or_default()
}

/// The routes `app` was built from, as the macros described them (for the OpenAPI
/// document).
#[doc(hidden)]
pub fn route_infos(app: &Router) -> Vec<&'static RouteInfo> {
    ask(app)
        .map(|built| built.infos.clone())
        .unwrap_or_default()
}
