//! The binary fails closed: the public demo defaults (webhook secret, demo users' tokens)
//! never reach a server that is not on loopback unless asked for with `BLOG_DEMO=1`.
//! Nothing here binds anything but 127.0.0.1: a refusal happens before the bind, and the
//! non-loopback address used (192.0.2.1, TEST-NET-1) cannot be bound on this machine.

mod common;

use common::{now, run_to_exit, Server};
use routekit::webhook::sign_stripe;
use serde_json::{json, Value};

#[test]
fn a_public_address_without_a_secret_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("blog.db").display());
    for host in ["192.0.2.1", "0.0.0.0", "::"] {
        let (status, output) = run_to_exit(&[("HOST", host), ("DATABASE_URL", &url)]);
        assert_eq!(status.code(), Some(2), "{host}: {output:#?}");
        let message = output.join("\n");
        assert!(
            message.contains(&format!("refusing to start on {host}"))
                && message.contains("STRIPE_WEBHOOK_SECRET")
                && message.contains("BLOG_DEMO=1"),
            "{host}: {message}"
        );
    }
    assert!(
        !dir.path().join("blog.db").exists(),
        "it stopped before opening the database"
    );
}

#[tokio::test]
async fn without_demo_mode_no_demo_token_is_seeded_or_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    // BLOG_DEMO=0 gives a loopback server the rules of a public one.
    let server = Server::start_with(&[
        ("DATABASE_URL", &url),
        ("BLOG_DEMO", "0"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_real"),
    ]);
    let http = reqwest::Client::new();
    let res = http
        .get(server.url("/api/posts"))
        .header("authorization", "Bearer ada-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "no demo users were seeded");
    let users: Value = http
        .get(server.url("/api/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users["pagination"]["total"], 0);

    let event = json!({ "id": "evt_demo", "type": "checkout.session.completed" }).to_string();
    let res = http
        .post(server.url("/api/webhooks/stripe"))
        .header(
            "stripe-signature",
            sign_stripe(event.as_bytes(), blog::config::DEMO_WEBHOOK_SECRET, now()),
        )
        .body(event)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        400,
        "the public demo secret signs nothing here"
    );
    let output = server.output().join("\n");
    assert!(!output.contains("ada-token"), "{output}");
    assert!(server.stop().success());
}

#[tokio::test]
async fn a_database_holding_demo_tokens_is_not_served_outside_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    // First run in demo mode (loopback) seeds ada and grace.
    let demo = Server::start(&url, "whsec_x");
    assert!(demo.output().join("\n").contains("ada-token"));
    // One request first: routekit prints its "listening" line before it installs the
    // SIGTERM handler, so a SIGTERM sent at once would kill it uncleanly.
    let res = reqwest::get(demo.url("/api/health")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(demo.stop().success());

    let (status, output) = run_to_exit(&[
        ("DATABASE_URL", &url),
        ("BLOG_DEMO", "0"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_real"),
    ]);
    assert_eq!(status.code(), Some(2), "{output:#?}");
    assert!(
        output.join("\n").contains("demo users' public tokens"),
        "{output:#?}"
    );
}

#[tokio::test]
async fn loopback_keeps_the_demo_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::fresh_durable_database_url(dir.path()).await;
    let server = Server::start_with(&[("DATABASE_URL", &url)]);
    let output = server.output().join("\n");
    assert!(output.contains("public demo secret"), "{output}");
    let event = json!({ "id": "evt_demo", "type": "checkout.session.completed" }).to_string();
    let res = reqwest::Client::new()
        .post(server.url("/api/webhooks/stripe"))
        .header(
            "stripe-signature",
            sign_stripe(event.as_bytes(), blog::config::DEMO_WEBHOOK_SECRET, now()),
        )
        .body(event)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(server.stop().success());
}
