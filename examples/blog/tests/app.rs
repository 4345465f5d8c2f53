//! The example app through `TestClient`, on a fresh database per test (in-memory SQLite,
//! or a new PostgreSQL database when `BLOG_TEST_POSTGRES_URL` is set): each seed route
//! answers as documented.

mod common;

use blog::{AppState, Db};
use common::now;
use routekit::test::TestClient;
use routekit::webhook::sign_stripe;
use serde_json::{json, Value};

const SECRET: &str = "whsec_test";

async fn db() -> Db {
    common::fresh_db().await
}

async fn client() -> TestClient {
    TestClient::new(blog::app(AppState::new(db().await, SECRET)))
}

const ADA: &str = "Bearer ada-token";
const GRACE: &str = "Bearer grace-token";

#[tokio::test]
async fn hello() {
    let client = client().await;
    let res = client.get("/api/hello").send().await;
    assert_eq!(
        (res.status().as_u16(), res.text()),
        (200, "Hello, World!".to_owned())
    );
}

#[tokio::test]
async fn users_paginate_and_create() {
    let client = client().await;
    let page: Value = client.get("/api/users?page=2&limit=1").send().await.json();
    assert_eq!(
        page["pagination"],
        json!({ "page": 2, "limit": 1, "total": 2 })
    );
    assert_eq!(
        page["data"],
        json!([{ "id": 2, "name": "grace", "email": "grace@example.com" }]),
        "tokens are never sent"
    );
    let first: Value = client.get("/api/users").send().await.json();
    assert_eq!(
        first["pagination"],
        json!({ "page": 1, "limit": 10, "total": 2 })
    );

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
    let total: Value = client.get("/api/users").send().await.json();
    assert_eq!(total["pagination"]["total"], 3, "the user was stored");

    let res = client
        .post("/api/users")
        .json(&json!({ "name": "Linus again", "email": "linus@example.com" }))
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (409, json!({ "error": "email already registered" }))
    );
}

#[tokio::test]
async fn users_validation_answers_zod_flatten() {
    let client = client().await;
    let res = client
        .post("/api/users")
        .json(&json!({ "name": "", "email": "nope" }))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    let error = &res.json::<Value>()["error"];
    assert_eq!(error["formErrors"], json!([]));
    assert!(error["fieldErrors"]["name"][0].is_string(), "{error}");
    assert!(error["fieldErrors"]["email"][0].is_string(), "{error}");

    for (query, field) in [
        ("page=0", "page"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("page=x", "page"),
        ("page=1.5&limit=9", "page"),
        ("limit=99999999999999999999", "limit"),
    ] {
        let res = client.get(&format!("/api/users?{query}")).send().await;
        assert_eq!(res.status(), 400, "{query}: {}", res.text());
        let error = &res.json::<Value>()["error"];
        assert!(
            error["fieldErrors"][field][0].is_string(),
            "{query}: {error}"
        );
    }
    let both: Value = client.get("/api/users?page=x&limit=0").send().await.json();
    assert!(both["error"]["fieldErrors"]["page"].is_array(), "{both}");
    assert!(both["error"]["fieldErrors"]["limit"].is_array(), "{both}");
    let empty: Value = client.get("/api/users?page=&limit=").send().await.json();
    assert_eq!(
        empty["pagination"],
        json!({ "page": 1, "limit": 10, "total": 2 }),
        "an empty value takes the default, as `|| '1'` does"
    );
}

#[tokio::test]
async fn health_reports_the_database() {
    let db = db().await;
    let client = TestClient::new(blog::app(AppState::new(db.clone(), SECRET)));
    let health: Value = client.get("/api/health").send().await.json();
    assert_eq!(health["status"], "healthy");
    assert!(health["timestamp"].as_str().unwrap().ends_with('Z'));

    db.close().await;
    let res = client.get("/api/health").send().await;
    assert_eq!(res.status(), 503);
    assert_eq!(
        res.json::<Value>(),
        json!({ "status": "unhealthy", "error": "database unavailable" }),
        "a fixed message: the database error goes to the log only"
    );
    // Every route needing the database answers 503 too, not 500: nothing is wrong with the
    // request or the code, and a proxy or client may retry.
    for (method, path) in [
        ("GET", "/api/posts"),
        ("GET", "/api/posts/1"),
        ("GET", "/api/users"),
    ] {
        let res = client
            .request(method.parse().unwrap(), path)
            .header("authorization", "Bearer ada-token")
            .send()
            .await;
        assert_eq!(res.status(), 503, "{method} {path}: {}", res.text());
        assert_eq!(
            res.text(),
            r#"{"error":"Service unavailable"}"#,
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn posts_need_a_token_and_enforce_ownership() {
    let client = client().await;
    assert_eq!(client.get("/api/posts").send().await.status(), 401);
    for bad in [
        "Bearer not-a-token",
        "Basic YWRhOg==",
        "Bearer",
        "ada-token",
        "Bearer  ada-token",
    ] {
        let res = client
            .get("/api/posts")
            .header("authorization", bad)
            .send()
            .await;
        assert_eq!(res.status(), 401, "{bad}");
    }
    let res = client
        .get("/api/posts")
        .header("authorization", "bearer ada-token")
        .send()
        .await;
    assert_eq!(
        res.status(),
        200,
        "the scheme is case-insensitive (RFC 9110)"
    );

    let res = client
        .post("/api/posts")
        .header("authorization", ADA)
        .json(&json!({ "title": "Hello", "body": "First post by Ada" }))
        .send()
        .await;
    assert_eq!(res.status(), 201);
    let created = res.json::<Value>();
    assert_eq!(created["authorId"], 1);
    let id = created["id"].as_i64().unwrap();

    let res = client
        .get(&format!("/api/posts/{id}"))
        .header("authorization", GRACE)
        .send()
        .await;
    assert_eq!(res.json::<Value>(), created, "any signed-in user reads it");
    let res = client.get(&format!("/api/posts/{id}")).send().await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (200, created.clone()),
        "GET /api/posts/$id is public, as in the seed"
    );
    let res = client
        .get(&format!("/api/posts/{id}"))
        .header("authorization", "Bearer not-a-token")
        .send()
        .await;
    assert_eq!(res.status(), 200, "a bad token is no user, not an error");
    let list: Value = client
        .get("/api/posts")
        .header("authorization", GRACE)
        .send()
        .await
        .json();
    assert_eq!(list, json!([created]));
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
        .get("/api/posts/abc")
        .header("authorization", ADA)
        .send()
        .await;
    assert_eq!(res.status(), 400, "the id is typed");

    // No user in the context: PATCH and DELETE answer 401 themselves, before reading the
    // body, as the seed's `if (!context.user)` does.
    let unauthorized = (401, json!({ "error": "Unauthorized" }));
    for auth in [None, Some("Bearer not-a-token")] {
        for body in [
            json!({ "title": "Stolen" }).to_string(),
            "not json".to_owned(),
        ] {
            let mut req = client
                .patch(&format!("/api/posts/{id}"))
                .header("content-type", "application/json");
            if let Some(auth) = auth {
                req = req.header("authorization", auth);
            }
            let res = req.body(body).send().await;
            assert_eq!(
                (res.status().as_u16(), res.json::<Value>()),
                unauthorized.clone()
            );
        }
        let mut req = client.delete(&format!("/api/posts/{id}"));
        if let Some(auth) = auth {
            req = req.header("authorization", auth);
        }
        let res = req.send().await;
        assert_eq!(
            (res.status().as_u16(), res.json::<Value>()),
            unauthorized.clone()
        );
    }
    let res = client
        .patch(&format!("/api/posts/{id}"))
        .header("authorization", GRACE)
        .json(&json!({ "title": "x" }))
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (404, json!({ "error": "Not found or forbidden" })),
        "grace cannot edit ada's post"
    );
    let res = client
        .patch(&format!("/api/posts/{id}"))
        .header("authorization", ADA)
        .body("{}")
        .send()
        .await;
    assert_eq!(res.status(), 415, "the body reader wants JSON");
    let res = client
        .patch(&format!("/api/posts/{id}"))
        .header("authorization", ADA)
        .json(&json!({ "title": "" }))
        .send()
        .await;
    assert_eq!(res.status(), 400, "updatePostSchema refuses an empty title");
    assert!(res.json::<Value>()["error"]["fieldErrors"]["title"].is_array());
    let res = client
        .patch(&format!("/api/posts/{id}"))
        .header("authorization", ADA)
        .json(&json!({ "title": "Edited" }))
        .send()
        .await;
    let edited = res.json::<Value>();
    assert_eq!(
        (&edited["title"], &edited["body"]),
        (&json!("Edited"), &json!("First post by Ada")),
        "PATCH keeps the fields it was not sent"
    );

    let res = client
        .post("/api/posts")
        .header("authorization", GRACE)
        .json(&json!({ "title": "", "body": "B" }))
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        client
            .delete(&format!("/api/posts/{id}"))
            .header("authorization", GRACE)
            .send()
            .await
            .status(),
        404
    );
    assert_eq!(
        client
            .delete(&format!("/api/posts/{id}"))
            .header("authorization", ADA)
            .send()
            .await
            .status(),
        204
    );
    let res = client
        .get(&format!("/api/posts/{id}"))
        .header("authorization", ADA)
        .send()
        .await;
    assert_eq!(res.status(), 404, "deleted");
    let res = client.get(&format!("/api/posts/{id}")).send().await;
    assert_eq!(res.json::<Value>(), json!({ "error": "Not found" }));
}

#[tokio::test]
async fn nextjs_examples() {
    let client = client().await;
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
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
    assert!(res.text().contains("<title>Next.js Documentation</title>"));
}

#[tokio::test]
async fn cors_answers_the_preflight_of_a_bearer_token_request() {
    let client = client().await;
    // What a browser sends before `fetch(url, { headers: { authorization, content-type } })`
    // from another origin.
    let res = client
        .options("/api/cors")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    let listed = |name: &str| -> Vec<String> {
        res.header(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .split(',')
            .map(|item| item.trim().to_ascii_lowercase())
            .collect()
    };
    let headers = listed("access-control-allow-headers");
    // The Fetch standard: a `*` here does not cover `authorization`; it must be named.
    assert!(headers.iter().any(|h| h == "authorization"), "{headers:?}");
    assert!(headers.iter().any(|h| h == "content-type"), "{headers:?}");
    assert!(!headers.iter().any(|h| h == "*"), "{headers:?}");
    let methods = listed("access-control-allow-methods");
    for method in ["get", "post", "put", "delete", "options"] {
        assert!(methods.iter().any(|m| m == method), "{methods:?}");
    }

    let res = client
        .get("/api/cors")
        .header("origin", "https://app.example")
        .header("authorization", "Bearer ada-token")
        .send()
        .await;
    assert_eq!(res.text(), "Hello, Next.js!");
    // The seed's three headers on the `GET` itself, as its `route.js` sends them.
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("GET, POST, PUT, DELETE, OPTIONS")
    );
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("Content-Type, Authorization")
    );
}

#[tokio::test]
async fn webhook_checks_stripe_signatures_and_records_events() {
    let db = db().await;
    let client = TestClient::new(blog::app(AppState::new(db.clone(), SECRET)));
    let event = json!({ "id": "evt_1", "type": "checkout.session.completed" }).to_string();
    let send = |signature: Option<String>, body: String| {
        let mut req = client
            .post("/api/webhooks/stripe")
            .header("content-type", "application/json");
        if let Some(signature) = signature {
            req = req.header("stripe-signature", signature);
        }
        req.body(body).send()
    };

    let res = send(None, event.clone()).await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (400, json!({ "error": "Missing signature" }))
    );
    let failed = json!({ "error": "Webhook failed" });
    let wrong_secret = sign_stripe(event.as_bytes(), "whsec_other", now());
    let res = send(Some(wrong_secret), event.clone()).await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (400, failed.clone())
    );
    let replayed = sign_stripe(event.as_bytes(), SECRET, now() - 3_600);
    let res = send(Some(replayed), event.clone()).await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (400, failed.clone())
    );
    let signed = sign_stripe(event.as_bytes(), SECRET, now());
    let tampered = event.replace("evt_1", "evt_2");
    let res = send(Some(signed.clone()), tampered).await;
    assert_eq!((res.status().as_u16(), res.json::<Value>()), (400, failed));
    assert!(
        db.events().await.unwrap().is_empty(),
        "nothing recorded yet"
    );

    let res = send(Some(signed.clone()), event.clone()).await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        (200, json!({ "received": true }))
    );
    // Stripe retries: the same event is recorded once.
    let res = send(Some(signed), event).await;
    assert_eq!(res.status(), 200);
    let other = json!({ "id": "evt_3", "type": "invoice.paid" }).to_string();
    let res = send(Some(sign_stripe(other.as_bytes(), SECRET, now())), other).await;
    assert_eq!(res.status(), 200, "other events are acknowledged");
    let update = json!({ "id": "evt_4", "type": "customer.subscription.updated" }).to_string();
    let res = send(Some(sign_stripe(update.as_bytes(), SECRET, now())), update).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        db.events().await.unwrap(),
        [
            "checkout.session.completed",
            "customer.subscription.updated"
        ]
    );
}

/// The list is written by the database as one JSON array: every character a post may hold
/// comes back as it went in, in order, and an empty table is an empty list.
#[tokio::test]
async fn the_post_list_keeps_every_character_and_the_order() {
    let db = db().await;
    db.seed_demo_users().await.unwrap();
    assert_eq!(db.posts().await.unwrap(), []);
    let ada = db.user_by_token("ada-token").await.unwrap().unwrap();
    let awkward = [
        (
            "quotes \" and \\ backslash",
            "line\nbreak\ttab \u{1} control",
        ),
        ("unicode é 日本 🎉", "<script>&amp;</script> 'single'"),
        ("plain", ""),
    ];
    let mut created = Vec::new();
    for (title, body) in awkward {
        created.push(db.create_post(ada.id, title, body).await.unwrap());
    }
    assert_eq!(db.posts().await.unwrap(), created);
    for (post, (title, body)) in created.iter().zip(awkward) {
        assert_eq!((post.title.as_str(), post.body.as_str()), (title, body));
    }
}
