//! The example app through `TestClient`: each seed route answers as documented.

use routekit::test::TestClient;
use serde_json::{json, Value};

fn client() -> TestClient {
    TestClient::new(blog::app(blog::Db::seeded()))
}

const ADA: &str = "Bearer ada-token";
const GRACE: &str = "Bearer grace-token";

#[tokio::test]
async fn hello_and_health() {
    let client = client();
    let res = client.get("/api/hello").send().await;
    assert_eq!(
        (res.status().as_u16(), res.text()),
        (200, "Hello, World!".to_owned())
    );
    let health: Value = client.get("/api/health").send().await.json();
    assert_eq!(health["status"], "healthy");
    assert!(health["timestamp"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn users_paginate_and_create() {
    let client = client();
    let page: Value = client.get("/api/users?page=2&limit=1").send().await.json();
    assert_eq!(
        page["pagination"],
        json!({ "page": 2, "limit": 1, "total": 2 })
    );
    assert_eq!(page["data"][0]["name"], "grace");
    let res = client
        .post("/api/users")
        .json(&json!({ "name": "Linus", "email": "linus@example.com" }))
        .send()
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>(),
        json!({ "id": 3, "name": "Linus", "email": "linus@example.com" })
    );
    let res = client
        .post("/api/users")
        .json(&json!({ "name": "", "email": "nope" }))
        .send()
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn posts_need_a_token_and_enforce_ownership() {
    let client = client();
    assert_eq!(client.get("/api/posts/1").send().await.status(), 401);
    let res = client
        .get("/api/posts/1")
        .header("authorization", ADA)
        .send()
        .await;
    assert_eq!(res.json::<Value>()["title"], "Hello");
    let res = client
        .get("/api/posts/99")
        .header("authorization", ADA)
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (404, json!({ "error": "Not found" }))
    );

    let res = client
        .patch("/api/posts/1")
        .header("authorization", GRACE)
        .json(&json!({ "title": "x" }))
        .send()
        .await;
    assert_eq!(res.status(), 404, "grace cannot edit ada's post");
    let res = client
        .patch("/api/posts/1")
        .header("authorization", ADA)
        .body("{}")
        .send()
        .await;
    assert_eq!(res.status(), 415, "validation middleware wants JSON");
    let res = client
        .patch("/api/posts/1")
        .header("authorization", ADA)
        .json(&json!({ "title": "Edited" }))
        .send()
        .await;
    assert_eq!(res.json::<Value>()["title"], "Edited");

    let res = client
        .post("/api/posts")
        .header("authorization", GRACE)
        .json(&json!({ "title": "T", "body": "B" }))
        .send()
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>()["authorId"], 2);
    assert_eq!(
        client
            .delete("/api/posts/1")
            .header("authorization", GRACE)
            .send()
            .await
            .status(),
        404
    );
    assert_eq!(
        client
            .delete("/api/posts/1")
            .header("authorization", ADA)
            .send()
            .await
            .status(),
        204
    );
}

#[tokio::test]
async fn nextjs_examples() {
    let client = client();
    let team: Value = client.get("/api/teams/rust").send().await.json();
    assert_eq!(team, json!({ "team": "rust" }));
    assert_eq!(
        client.get("/docs/a/b").send().await.json::<Value>(),
        json!({ "slug": ["a", "b"] })
    );
    assert_eq!(
        client.get("/docs").send().await.json::<Value>(),
        json!({ "slug": null })
    );
    let res = client
        .get("/api/cookies")
        .header("cookie", "token=abc")
        .send()
        .await;
    assert_eq!(res.json::<Value>(), json!({ "token": "abc" }));
    let res = client
        .get("/api/headers")
        .header("referer", "https://x.dev")
        .send()
        .await;
    assert_eq!(res.json::<Value>(), json!({ "referer": "https://x.dev" }));
    let res = client.get("/api/search?query=hello+world").send().await;
    assert_eq!(res.json::<Value>(), json!({ "query": "hello world" }));
    let res = client
        .post("/api/echo")
        .json(&json!({ "a": 1 }))
        .send()
        .await;
    assert_eq!(res.json::<Value>(), json!({ "res": { "a": 1 } }));
    let res = client
        .post("/api/form")
        .form(&[("name", "Ada"), ("email", "ada@example.com")])
        .send()
        .await;
    assert_eq!(
        res.json::<Value>(),
        json!({ "name": "Ada", "email": "ada@example.com" })
    );
    let res = client.get("/api/redirect").send().await;
    assert_eq!(
        (res.status().as_u16(), res.header("location")),
        (307, Some("https://nextjs.org/"))
    );
    let res = client.get("/api/stream").send().await;
    assert_eq!(res.text(), "<p>One</p><p>Two</p><p>Three</p>");
    let res = client.get("/feed.xml").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate")
    );
    assert!(res.text().contains("<title>Next.js Documentation</title>"));
}

#[tokio::test]
async fn cors_answers_the_preflight() {
    let res = client()
        .options("/api/cors")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    let res = client()
        .get("/api/cors")
        .header("origin", "https://app.example")
        .send()
        .await;
    assert_eq!(res.text(), "Hello, Next.js!");
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn webhook_needs_a_signature_and_records_events() {
    let db = blog::Db::seeded();
    let client = TestClient::new(blog::app(db.clone()));
    let event = json!({ "type": "checkout.session.completed" });
    let res = client
        .post("/api/webhooks/stripe")
        .json(&event)
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (400, json!({ "error": "Missing signature" }))
    );
    let res = client
        .post("/api/webhooks/stripe")
        .header("stripe-signature", "t=1,v1=x")
        .json(&event)
        .send()
        .await;
    assert_eq!(res.json::<Value>(), json!({ "received": true }));
    assert_eq!(db.events(), ["checkout.session.completed"]);
}
