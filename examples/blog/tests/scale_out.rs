//! Two `blog` processes, one PostgreSQL database: what one instance writes, the other
//! reads, and a Stripe event delivered to both is recorded once. Needs
//! `BLOG_TEST_POSTGRES_URL` (`.ci/postgres.sh` starts a server and sets it); without it
//! the test says so and passes, since SQLite is one file for one process.

mod common;

use blog::Db;
use common::{now, Server};
use routekit::webhook::sign_stripe;
use serde_json::{json, Value};

const SECRET: &str = "whsec_scale_out";

#[tokio::test]
async fn two_instances_share_posts_and_record_an_event_once() {
    let Some(server) = common::postgres_url() else {
        eprintln!("scale_out: BLOG_TEST_POSTGRES_URL unset, nothing to do (see .ci/postgres.sh)");
        return;
    };
    let url = common::fresh_postgres_database(&server).await;

    // Both start at once on an empty database: migrations and demo users race.
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| Server::start(&url, SECRET));
        let b = scope.spawn(|| Server::start(&url, SECRET));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_ne!(a.base, b.base, "two ports");
    let http = reqwest::Client::new();

    // Write through A, read through B, and the other way round.
    let res = http
        .post(a.url("/api/posts"))
        .header("authorization", "Bearer ada-token")
        .json(&json!({ "title": "Scaled", "body": "written through A" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let read: Value = http
        .get(b.url(&format!("/api/posts/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read, created, "B reads what A wrote");

    let res = http
        .patch(b.url(&format!("/api/posts/{id}")))
        .header("authorization", "Bearer ada-token")
        .json(&json!({ "title": "Edited through B" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let list: Value = http
        .get(a.url("/api/posts"))
        .header("authorization", "Bearer grace-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["title"], "Edited through B", "A sees B's edit");
    let users: Value = http
        .get(b.url("/api/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        users["pagination"]["total"], 2,
        "two instances starting together seed the demo users once"
    );

    // One event, delivered to both instances at the same moment, several times over
    // (Stripe retries): each delivery is acknowledged, the event is recorded once.
    let event = json!({ "id": "evt_scale_out", "type": "checkout.session.completed" }).to_string();
    let signature = sign_stripe(event.as_bytes(), SECRET, now());
    let deliver = |server: &Server| {
        http.post(server.url("/api/webhooks/stripe"))
            .header("content-type", "application/json")
            .header("stripe-signature", signature.clone())
            .body(event.clone())
            .send()
    };
    for _ in 0..5 {
        let (to_a, to_b) = tokio::join!(deliver(&a), deliver(&b));
        for res in [to_a.unwrap(), to_b.unwrap()] {
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.json::<Value>().await.unwrap(),
                json!({ "received": true })
            );
        }
    }
    let other = json!({ "id": "evt_other", "type": "customer.subscription.updated" }).to_string();
    let res = http
        .post(b.url("/api/webhooks/stripe"))
        .header(
            "stripe-signature",
            sign_stripe(other.as_bytes(), SECRET, now()),
        )
        .body(other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let db = Db::connect(&url).await.unwrap();
    assert_eq!(
        db.events().await.unwrap(),
        [
            "checkout.session.completed",
            "customer.subscription.updated"
        ],
        "ten deliveries of one event through two instances: recorded once"
    );
    db.close().await;
    assert!(a.stop().success());
    assert!(b.stop().success());
}
