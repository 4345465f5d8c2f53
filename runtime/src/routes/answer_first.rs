//! A layer in front of a route that may answer a request itself before the route sees it:
//! the trailing-slash policy in front of a catch-all, the route-table probe in front of a
//! root catch-all.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use futures_util::future::{ready, Either, Ready};
use tower::{Layer, Service};

/// Something that looks at a request first and may answer it.
pub(crate) trait AnswerFirst: Clone {
    fn answer(&self, req: &http::Request<Body>) -> Option<Response>;
}

#[derive(Clone)]
pub(crate) struct AnswerFirstLayer<A>(pub A);

impl<A: AnswerFirst, S> Layer<S> for AnswerFirstLayer<A> {
    type Service = AnswerFirstService<A, S>;
    fn layer(&self, inner: S) -> Self::Service {
        AnswerFirstService {
            first: self.0.clone(),
            inner,
        }
    }
}

#[derive(Clone)]
pub(crate) struct AnswerFirstService<A, S> {
    first: A,
    inner: S,
}

impl<A, S> Service<http::Request<Body>> for AnswerFirstService<A, S>
where
    A: AnswerFirst,
    S: Service<http::Request<Body>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        match self.first.answer(&req) {
            Some(answer) => Either::Left(ready(Ok(answer))),
            None => Either::Right(self.inner.call(req)),
        }
    }
}
