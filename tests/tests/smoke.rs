use routekit::prelude::*;
use routekit::test::TestClient;

#[derive(Clone, Debug)]
struct User {
    name: String,
}

#[middleware]
async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization") {
        Some(_) => Ok(User { name: "ada".into() }),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[middleware]
async fn logger(req: Request, next: Next) -> Response {
    next.run(req).await.header("x-logged", "1")
}

#[route("/api/posts/$id")]
#[middleware(auth, logger)]
mod post {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&serde_json::json!({ "id": id }))
    }

    pub async fn PATCH(id: u64, user: Ctx<User>, mut req: Request) -> Result<Response, ApiError> {
        let body: serde_json::Value = req.json().await?;
        Ok(Response::json(
            &serde_json::json!({ "id": id, "by": user.name, "body": body }),
        ))
    }
}

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::text("Hello, World!")
}

#[tokio::test]
async fn smoke() {
    let app: axum::Router = routes![post, hello];
    let client = TestClient::new(app.clone());
    let res = client.get("/api/hello").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "Hello, World!");
    let res = client.get("/api/posts/7").send().await;
    assert_eq!(res.status(), 401);
    let res = client
        .get("/api/posts/7")
        .header("authorization", "x")
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.header("x-logged"), Some("1"));
    let res = client
        .patch("/api/posts/7")
        .header("authorization", "x")
        .json(&serde_json::json!({"t": 1}))
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let res = client
        .put("/api/posts/7")
        .header("authorization", "x")
        .send()
        .await;
    assert_eq!(res.status(), 405);
    print!(
        "{}",
        routekit::format_route_table(&routekit::route_table(&app))
    );
}
