use routekit::test::TestClient;

#[tokio::test]
async fn get_api_hello_answers_hello_world() {
    let client = TestClient::new(hello::app());
    let res = client.get("/api/hello").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(res.text(), "Hello, World!");
}

#[tokio::test]
async fn everything_else_is_answered_for_you() {
    let client = TestClient::new(hello::app());
    assert_eq!(client.head("/api/hello").send().await.status(), 200);
    let res = client.post("/api/hello").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.get("/api/nothing").send().await;
    assert_eq!(
        (res.status().as_u16(), res.text().as_str()),
        (404, r#"{"error":"Not found"}"#)
    );
}
