//! The request log: one `tracing` event per request, when its response is ready.
//!
//! Applied with `Router::layer`, so it wraps each route and the fallback and runs after
//! routing: axum's `MatchedPath` is in the request's extensions there, and the template the
//! user wrote (`/api/posts/$id`) is looked up from it in a map built once at start.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use axum::extract::MatchedPath;
use http::{HeaderValue, Method, Request, Response, Uri};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use super::request_id::X_REQUEST_ID;
use crate::routes::RouteEntry;

/// The `tracing` target of the request events: filter with `RUST_LOG=routekit::request=info`.
pub(crate) const TARGET: &str = "routekit::request";

/// Whether a subscriber wants the request events, asked once when `serve` starts: install
/// the subscriber (and its filter) before calling `serve`.
pub(crate) fn wanted() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::INFO)
}

/// axum path (`/api/posts/{id}`) → template as written (`/api/posts/$id`).
type Templates = Arc<HashMap<&'static str, &'static str>>;

#[derive(Clone, Debug)]
pub(crate) struct RequestLogLayer {
    templates: Templates,
}

impl RequestLogLayer {
    /// Builds the path → template lookup from the route table.
    pub(crate) fn new(table: &[RouteEntry]) -> Self {
        let templates = table.iter().map(|row| (row.path, row.template)).collect();
        Self {
            templates: Arc::new(templates),
        }
    }
}

impl<S> Layer<S> for RequestLogLayer {
    type Service = RequestLog<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLog {
            inner,
            templates: self.templates.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RequestLog<S> {
    inner: S,
    templates: Templates,
}

/// What the request matched, kept without formatting anything.
enum Route {
    /// A routekit route: its template.
    Template(&'static str),
    /// An axum route routekit did not build (`Router::route`, `nest`): axum's path.
    Axum(MatchedPath),
    /// Nothing matched (the fallback answered): the request's URI, for its path.
    Unmatched(Uri),
}

/// Everything the event needs, captured before the request moves on.
struct Pending {
    start: Instant,
    method: Method,
    route: Route,
    request_id: Option<HeaderValue>,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for RequestLog<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = RequestLogFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        // Nothing is captured when no subscriber wants the event.
        let pending = tracing::enabled!(target: TARGET, tracing::Level::INFO).then(|| {
            let route = match req.extensions().get::<MatchedPath>() {
                Some(matched) => match self.templates.get(matched.as_str()) {
                    Some(template) => Route::Template(template),
                    None => Route::Axum(matched.clone()),
                },
                None => Route::Unmatched(req.uri().clone()),
            };
            Pending {
                start: Instant::now(),
                method: req.method().clone(),
                route,
                request_id: req.headers().get(&X_REQUEST_ID).cloned(),
            }
        });
        RequestLogFuture {
            inner: self.inner.call(req),
            pending,
        }
    }
}

pin_project! {
    /// The inner response future, then the event. Hand-written (not `async move` or
    /// `FutureExt::map`) so `Service::Future` has a name without boxing a future per request.
    pub(crate) struct RequestLogFuture<F> {
        #[pin]
        inner: F,
        pending: Option<Pending>,
    }
}

impl<F, ResBody, E> Future for RequestLogFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let (Some(pending), Ok(res)) = (this.pending.take(), &result) {
            emit(pending, res.status().as_u16());
        }
        Poll::Ready(result)
    }
}

fn emit(pending: Pending, status: u16) {
    // Whole microseconds, so the number prints as `0.224`, not `0.22399999999999998`.
    let latency_ms = pending.start.elapsed().as_micros() as f64 / 1000.0;
    let (route, path) = match &pending.route {
        Route::Template(template) => (*template, None),
        Route::Axum(matched) => (matched.as_str(), None),
        Route::Unmatched(uri) => ("-", Some(uri.path())),
    };
    // `Option` fields are left out when `None`: `path` appears only for unmatched requests.
    tracing::info!(
        target: TARGET,
        method = pending.method.as_str(),
        route,
        path,
        status,
        latency_ms,
        request_id = pending.request_id.as_ref().and_then(|id| id.to_str().ok()),
        "request"
    );
}
