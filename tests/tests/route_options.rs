//! The `etag` and `max_duration` route options, applied around the whole route.

#![allow(non_snake_case)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use routekit::prelude::*;
use routekit::test::TestClient;

#[route("/feed", etag, revalidate = 60)]
mod feed {
    use super::*;

    pub async fn GET() -> Response {
        Response::json(&serde_json::json!({ "items": [1, 2, 3] }))
    }

    pub async fn POST() -> Response {
        Response::json(&serde_json::json!({ "ok": true }))
    }
}

#[route(GET, "/tagged-fn", etag)]
async fn tagged_fn() -> Response {
    Response::text("hello")
}

static DROPPED: AtomicBool = AtomicBool::new(false);

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        DROPPED.store(true, Ordering::SeqCst);
    }
}

#[route(GET, "/slow", max_duration = 1)]
async fn slow() -> Response {
    let _guard = Guard;
    tokio::time::sleep(Duration::from_secs(30)).await;
    Response::text("never")
}

#[route(GET, "/quick", max_duration = 1)]
async fn quick() -> Response {
    Response::text("quick")
}

fn client() -> TestClient {
    TestClient::new(routes![feed, tagged_fn, slow, quick].with_state(()))
}

#[tokio::test]
async fn etag_answers_if_none_match_with_304_and_keeps_cache_control() {
    let client = client();
    for path in ["/feed", "/tagged-fn"] {
        let first = client.get(path).send().await;
        assert_eq!(first.status(), 200, "{path}");
        let tag = first.header("etag").expect("an ETag").to_owned();
        assert!(
            tag.starts_with('"') && tag.ends_with('"'),
            "strong tag: {tag}"
        );

        let again = client.get(path).header("if-none-match", &tag).send().await;
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.text(), "");
        assert_eq!(again.header("etag"), Some(tag.as_str()));

        let other = client
            .get(path)
            .header("if-none-match", "\"something-else\"")
            .send()
            .await;
        assert_eq!(other.status(), 200, "{path}");
    }
    let res = client.get("/feed").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
    // Only successful GET/HEAD answers are tagged.
    assert_eq!(client.post("/feed").send().await.header("etag"), None);
}

#[tokio::test]
async fn max_duration_drops_the_handler_and_answers_503() {
    let client = client();
    let res = client.get("/slow").send().await;
    assert_eq!(res.status(), 503);
    assert!(res.json::<serde_json::Value>()["error"]
        .as_str()
        .unwrap()
        .contains("1 s"));
    assert!(
        DROPPED.load(Ordering::SeqCst),
        "the handler was not dropped"
    );
    assert_eq!(client.get("/quick").send().await.text(), "quick");
}
