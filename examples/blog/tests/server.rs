//! The real thing: the `blog` binary started on a free loopback port with a fresh database
//! (a SQLite file, or a new PostgreSQL database when `BLOG_TEST_POSTGRES_URL` is set),
//! driven by a real HTTP client, stopped with SIGTERM.

mod common;

use std::time::Duration;

use common::{now, Server};
use routekit::webhook::sign_stripe;
use serde_json::{json, Value};

const SECRET: &str = "whsec_server_test";
const ADA: &str = "Bearer ada-token";

#[tokio::test]
async fn the_readme_walkthrough_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    let server = Server::start(&url, SECRET);
    if common::postgres_url().is_none() {
        assert!(
            dir.path().join("blog.db").exists(),
            "the database file is created on first run"
        );
    }
    let http = reqwest::Client::new();

    let res = http
        .post(server.url("/api/posts"))
        .header("authorization", ADA)
        .json(&json!({ "title": "Hello", "body": "From curl" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().contains_key("x-request-id"));
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();

    let res = http
        .get(server.url(&format!("/api/posts/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "reading a post needs no token");
    assert_eq!(res.json::<Value>().await.unwrap(), created);

    let res = http
        .patch(server.url(&format!("/api/posts/{id}")))
        .json(&json!({ "title": "Anonymous edit" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "editing needs a token");
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({ "error": "Unauthorized" })
    );

    let res = http
        .patch(server.url(&format!("/api/posts/{id}")))
        .header("authorization", "Bearer grace-token")
        .json(&json!({ "title": "Mine now" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({ "error": "Not found or forbidden" })
    );

    let res = http
        .post(server.url("/api/users"))
        .json(&json!({ "name": "", "email": "not-an-email" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let error: Value = res.json().await.unwrap();
    assert!(error["error"]["fieldErrors"]["email"].is_array(), "{error}");

    let res = http.get(server.url("/api/posts")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({ "error": "Unauthorized" })
    );

    let res = http.get(server.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "healthy");

    let res = http.get(server.url("/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );

    let output = server.output();
    assert!(
        output
            .iter()
            .any(|l| l.contains("ada") && l.contains("ada-token")),
        "demo users and tokens are printed: {output:#?}"
    );
    assert!(
        output
            .iter()
            .any(|l| l.contains("/api/posts ") && l.contains("auth → logger")),
        "the route table is printed: {output:#?}"
    );
    let stopped = server.stop();
    assert!(stopped.success(), "{stopped:?}");
}

#[tokio::test]
async fn webhook_with_a_good_and_a_bad_signature() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    let server = Server::start(&url, SECRET);
    let http = reqwest::Client::new();
    let event = json!({ "id": "evt_http", "type": "customer.subscription.updated" }).to_string();
    let post = |signature: String| {
        http.post(server.url("/api/webhooks/stripe"))
            .header("content-type", "application/json")
            .header("stripe-signature", signature)
            .body(event.clone())
            .send()
    };

    let good = post(sign_stripe(event.as_bytes(), SECRET, now()))
        .await
        .unwrap();
    assert_eq!(good.status(), 200);
    assert_eq!(
        good.json::<Value>().await.unwrap(),
        json!({ "received": true })
    );

    let bad = post(sign_stripe(event.as_bytes(), "whsec_wrong", now()))
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap(),
        json!({ "error": "Webhook failed" })
    );
    assert!(server.stop().success());
}

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    let mut server = Server::start(&url, SECRET);
    let http = reqwest::Client::new();

    // `/api/stream` sends three chunks 200 ms apart.
    let mut res = http.get(server.url("/api/stream")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let first = res.chunk().await.unwrap().expect("a first chunk");
    assert_eq!(&first[..], b"<p>One</p>");

    server.terminate();
    let mut rest = Vec::new();
    while let Some(chunk) = res.chunk().await.unwrap() {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(
        rest, b"<p>Two</p><p>Three</p>",
        "the in-flight body completes"
    );

    let status = server.wait(Duration::from_secs(30));
    assert!(status.success(), "a clean exit after SIGTERM: {status:?}");
    let refused = reqwest::Client::new()
        .get(server.url("/api/hello"))
        .send()
        .await;
    assert!(refused.is_err(), "no new connections after shutdown");
}

#[tokio::test]
async fn the_database_outlives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    let http = reqwest::Client::new();

    let server = Server::start(&url, SECRET);
    let res = http
        .post(server.url("/api/posts"))
        .header("authorization", ADA)
        .json(&json!({ "title": "Kept", "body": "across restarts" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert!(server.stop().success());

    let server = Server::start(&url, SECRET);
    let res = http
        .get(server.url(&format!("/api/posts/{}", created["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), created);
    let users: Value = http
        .get(server.url("/api/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        users["pagination"]["total"], 2,
        "migrations and demo users are applied once"
    );
    assert!(server.stop().success());
}

/// `/api/posts/live` through the real binary: a WebSocket that receives each post created
/// while it is open, as JSON.
#[tokio::test]
async fn the_live_feed_sends_new_posts_over_a_websocket() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;

    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    let server = Server::start(&url, SECRET);
    let ws_url = server
        .url("/api/posts/live")
        .replacen("http://", "ws://", 1);
    let (mut feed, response) = tokio::time::timeout(
        Duration::from_secs(10),
        tokio_tungstenite::connect_async(ws_url),
    )
    .await
    .expect("handshake in time")
    .expect("the upgrade is accepted");
    assert_eq!(response.status(), 101);

    let http = reqwest::Client::new();
    for title in ["First", "Second"] {
        let res = http
            .post(server.url("/api/posts"))
            .header("authorization", ADA)
            .json(&json!({ "title": title, "body": "live" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let frame = tokio::time::timeout(Duration::from_secs(10), feed.next())
            .await
            .expect("the post arrives in time")
            .expect("the feed is open")
            .unwrap();
        let Message::Text(text) = frame else {
            panic!("a text frame, got {frame:?}")
        };
        let post: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (post["title"].as_str(), post["body"].as_str()),
            (Some(title), Some("live"))
        );
    }

    // A plain request to the feed is a JSON 400, not an upgrade.
    let res = http
        .get(server.url("/api/posts/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.json::<Value>().await.unwrap()["error"].is_string());
}
