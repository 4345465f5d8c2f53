//! Streaming responses: `Response::stream` sends a body chunk by chunk as a stream yields
//! it, `Response::sse` sends server-sent events (`text/event-stream`).
//!
//! `cargo run -p streaming-example`, then
//! `curl -N localhost:3000/api/countdown`, `curl -N localhost:3000/api/events` or
//! `curl localhost:3000/api/posts.ndjson`.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::Event;
use futures_util::stream::{self, StreamExt};
use routekit::prelude::*;
use serde::Deserialize;
use serde_json::json;

/// `?from=N&tick_ms=T`: where a countdown starts and how long each step takes.
#[derive(Deserialize)]
pub struct Pace {
    from: Option<u32>,
    count: Option<u32>,
    tick_ms: Option<u64>,
}

impl Pace {
    fn tick(&self) -> Duration {
        Duration::from_millis(self.tick_ms.unwrap_or(1000).min(5000))
    }
}

/// `GET /api/countdown`: `3\n`, `2\n`, `1\n`, `liftoff\n`, one line per tick, each sent
/// as soon as it is ready.
#[route(GET, "/api/countdown")]
pub async fn countdown(Query(pace): Query<Pace>) -> Response {
    let tick = pace.tick();
    let from = pace.from.unwrap_or(3).min(10);
    let lines = (1..=from)
        .rev()
        .map(|n| format!("{n}\n"))
        .chain(["liftoff\n".to_owned()]);
    let body = stream::iter(lines).then(move |line| async move {
        tokio::time::sleep(tick).await;
        Ok::<_, Infallible>(line)
    });
    Response::stream(body).header("content-type", "text/plain; charset=utf-8")
}

/// `GET /api/posts.ndjson`: rows serialized one by one, as a database cursor would yield
/// them, without building the whole list in memory. A row that fails to serialize ends
/// the response abruptly, so a client never mistakes a cut list for a complete one.
#[route(GET, "/api/posts.ndjson")]
pub async fn posts_ndjson(Query(pace): Query<Pace>) -> Response {
    let count = pace.count.unwrap_or(5).min(1000);
    let rows = stream::iter(1..=count).map(|id| {
        let row = json!({ "id": id, "title": format!("Post {id}") });
        serde_json::to_vec(&row).map(|mut line| {
            line.push(b'\n');
            line
        })
    });
    Response::stream(rows).header("content-type", "application/x-ndjson")
}

/// `GET /api/events`: a `tick` event per tick, numbered with `id`, then a `done` event.
/// A browser reads it with `new EventSource("/api/events")`.
#[route(GET, "/api/events")]
pub async fn events(Query(pace): Query<Pace>) -> Response {
    let tick = pace.tick();
    let count = pace.count.unwrap_or(3).min(100);
    let ticks = stream::iter(1..=count).then(move |n| async move {
        tokio::time::sleep(tick).await;
        Event::default()
            .event("tick")
            .id(n.to_string())
            .json_data(json!({ "n": n }))
    });
    let done = stream::once(async { Ok(Event::default().event("done").data("bye")) });
    Response::sse(ticks.chain(done))
}

/// The whole app.
pub fn app() -> axum::Router {
    routes![countdown, posts_ndjson, events]
}
