//! The example's routes called through their typed calls (feature `client`), in process:
//! the calls a service or a test writes instead of URLs and JSON by hand.

mod common;

use blog::db::Post;
use blog::posts::{self, NewPost, UpdatePost};
use blog::users::{self, CreateUser, Pagination};
use blog::AppState;
use routekit::client::{ClientError, ErrorBody};
use routekit::test::TestClient;

const ADA: &str = "Bearer ada-token";

async fn client() -> TestClient {
    TestClient::new(blog::app(AppState::new(
        common::fresh_db().await,
        "whsec_test",
    )))
}

#[tokio::test]
async fn create_read_edit_and_delete_a_post_typed() {
    let client = client().await;
    let new = NewPost {
        title: "Typed".into(),
        body: "from a typed call".into(),
    };
    let created: Post = posts::collection::post(&new)
        .header("authorization", ADA)
        .send(&client)
        .await
        .expect("ada creates a post");
    assert_eq!((created.title.as_str(), created.author_id), ("Typed", 1));

    let read: Post = posts::item::get(created.id).send(&client).await.unwrap();
    assert_eq!(read, created);

    let edit = UpdatePost {
        title: Some("Edited".into()),
        body: None,
    };
    let edited = posts::item::patch(created.id, &edit)
        .header("authorization", ADA)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(edited.title, "Edited");

    let deleted: () = posts::item::delete(created.id)
        .header("authorization", ADA)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(deleted, ());
    match posts::item::get(created.id).send(&client).await {
        Err(ClientError::Status { status, body, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(body, ErrorBody::Message("Not found".into()));
        }
        other => panic!("expected a 404, got {other:?}"),
    }
}

#[tokio::test]
async fn errors_come_back_with_their_status_and_body() {
    let client = client().await;
    let new = NewPost {
        title: "x".into(),
        body: "y".into(),
    };
    let missing_token = posts::collection::post(&new).send(&client).await;
    let error = missing_token.expect_err("no token");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        error.body().and_then(ErrorBody::message),
        Some("Unauthorized")
    );

    let bad = CreateUser {
        name: "".into(),
        email: "not-an-email".into(),
    };
    let error = users::collection::post(&bad)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let body = error.body().unwrap();
    assert!(!body.field("email").is_empty(), "{body:?}");
    assert!(!body.field("name").is_empty(), "{body:?}");
}

#[tokio::test]
async fn a_typed_query_and_an_untyped_answer() {
    let client = client().await;
    let call = users::collection::get().query(&Pagination { page: 2, limit: 1 });
    assert_eq!(call.path(), "/api/users?page=2&limit=1");
    // The handler answers `Response` without a declared success type: the answer is raw.
    let page = call.send(&client).await.unwrap();
    let json: serde_json::Value = page.json().unwrap();
    assert_eq!(json["pagination"]["total"], 2);
    assert_eq!(json["data"][0]["name"], "grace");
}
