use middleware_example::{app, AppState};
use routekit::test::TestClient;
use serde_json::{json, Value};

fn client() -> (TestClient, AppState) {
    let state = AppState::default();
    (TestClient::new(app(state.clone())), state)
}

#[tokio::test]
async fn auth_provides_the_user_the_handler_reads() {
    let (client, _) = client();
    let res = client
        .get("/api/notes")
        .header("authorization", "Bearer grace-token")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>(),
        json!({ "owner": "Grace", "notes": ["buy milk"] })
    );
}

#[tokio::test]
async fn a_refusing_provider_answers_before_the_handler_inside_the_around_middleware() {
    let (client, _) = client();
    let res = client.get("/api/notes").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.text(), r#"{"error":"Unauthorized"}"#);
    // `timing` is listed before `auth`, so it wrapped the refusal too.
    assert!(res.header("x-response-time").unwrap().ends_with("us"));
}

#[tokio::test]
async fn handler_level_middleware_reads_an_earlier_providers_value() {
    let (client, _) = client();
    let res = client
        .delete("/api/notes")
        .header("authorization", "Bearer grace-token")
        .send()
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(res.text(), r#"{"error":"Admins only"}"#);

    let res = client
        .delete("/api/notes")
        .header("authorization", "Bearer ada-token")
        .send()
        .await;
    assert_eq!(res.json::<Value>(), json!({ "cleared_by": "Ada" }));
    // GET has no `admin` middleware: Grace may read.
    let res = client
        .get("/api/notes")
        .header("authorization", "Bearer grace-token")
        .send()
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn an_optional_provider_gives_ctx_of_option() {
    let (client, _) = client();
    let res = client.get("/api/greeting").send().await;
    assert_eq!(res.text(), "Hello, stranger!");
    let res = client
        .get("/api/greeting")
        .header("authorization", "Bearer ada-token")
        .send()
        .await;
    assert_eq!(res.text(), "Hello, Ada!");
}

#[tokio::test]
async fn the_around_middleware_counts_every_request_it_wraps() {
    let (client, state) = client();
    client.get("/api/notes").send().await; // 401, still counted
    client.get("/api/greeting").send().await;
    client.put("/api/notes").send().await; // automatic 405, through route-level middleware
    let res = client.get("/api/stats").send().await; // no middleware: not counted
    assert_eq!(res.json::<Value>(), json!({ "requests": 3 }));
    assert_eq!(state.hits.load(std::sync::atomic::Ordering::Relaxed), 3);
}

#[tokio::test]
async fn the_cors_layer_answers_the_preflight_before_auth() {
    let (client, _) = client();
    let res = client
        .options("/api/notes")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "DELETE")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
}
