//! What every route answers on its own: HEAD from GET, OPTIONS, 405, 404, body limits.

use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};
use serde_json::{json, Value};

#[route("/aa/items")]
mod items {
    use super::*;

    pub async fn GET() -> Response {
        Response::json(&json!({ "items": [1, 2, 3] }))
            .header("x-custom", "yes")
            .header("etag", "\"v1\"")
    }
}

#[route("/aa/posts/$id")]
mod post {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
    pub async fn PATCH(id: u64) -> Response {
        Response::json(&json!({ "patched": id }))
    }
    pub async fn DELETE(id: u64) -> Response {
        let _ = id;
        Response::empty()
    }
}

#[route("/aa/write-only")]
mod write_only {
    use super::*;

    pub async fn POST() -> Response {
        Response::text("posted").status(201)
    }
}

// Function form: two functions, one path, merged into one route.
#[route(GET, "/aa/merged")]
async fn merged_get() -> Response {
    Response::text("merged GET")
}

#[route(POST, "/aa/merged")]
async fn merged_post(body: String) -> Response {
    Response::text(format!("merged POST {body}")).status(201)
}

// Function form with the method taken from the function's name.
mod named {
    use super::*;

    #[route("/aa/named")]
    pub async fn GET() -> Response {
        Response::text("named GET")
    }
}

#[route("/aa/limited", body_limit = 16)]
mod limited {
    use super::*;

    pub async fn POST(mut req: Request) -> Result<Response, ApiError> {
        let text = req.text().await?;
        Ok(Response::text(format!("got {}", text.len())))
    }

    pub async fn PUT(body: String) -> Response {
        Response::text(format!("put {}", body.len()))
    }
}

#[route(POST, "/aa/limited-fn", body_limit = 16)]
async fn limited_fn(mut req: Request) -> Result<Response, ApiError> {
    let bytes = req.bytes().await?;
    Ok(Response::text(format!("fn got {}", bytes.len())))
}

// Lower-case handler names are accepted in the module form.
#[route("/aa/lower")]
mod lower {
    use super::*;

    pub async fn get() -> Response {
        Response::text("lower get")
    }
    pub async fn post() -> Response {
        Response::text("lower post").status(201)
    }
}

// Function form: an explicit HEAD and OPTIONS beside a GET replace the automatic ones.
#[route(GET, "/aa/explicit")]
async fn explicit_get() -> Response {
    Response::text("explicit GET").header("x-handler", "GET")
}

#[route(HEAD, "/aa/explicit")]
async fn explicit_head() -> Response {
    Response::new(()).header("x-handler", "HEAD")
}

#[route(OPTIONS, "/aa/explicit")]
async fn explicit_options() -> Response {
    Response::new(()).header("x-handler", "OPTIONS")
}

// `revalidate` only on successful GET/HEAD answers, and never over the handler's own header.
#[route("/aa/cached/$id", revalidate = 60)]
mod cached {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        match id {
            0 => Response::error(404, "Not found"),
            1 => Response::text("own").header("cache-control", "no-store"),
            _ => Response::text("cached"),
        }
    }
    pub async fn POST(id: u64) -> Response {
        Response::text(format!("posted {id}"))
    }
}

#[route(GET, "/aa/cached-fn", revalidate = 5)]
async fn cached_fn() -> Response {
    Response::text("fn cached")
}

// Plain `fn` handlers and `impl IntoResponse` return types.
#[route(GET, "/aa/sync")]
fn sync_handler() -> &'static str {
    "sync"
}

#[route("/aa/impl")]
mod impl_response {
    use super::*;

    pub fn GET() -> impl axum::response::IntoResponse {
        (StatusCode::CREATED, [("x-impl", "1")], "impl")
    }
}

fn router() -> axum::Router {
    routes![
        items,
        post,
        write_only,
        merged_get,
        merged_post,
        named::GET,
        limited,
        limited_fn,
        lower,
        explicit_get,
        explicit_head,
        explicit_options,
        cached,
        cached_fn,
        sync_handler,
        impl_response
    ]
}

fn client() -> TestClient {
    TestClient::new(router())
}

const JSON_CT: &str = "application/json";

/// A 405: `Allow` exactly, a JSON body whose only member `error` is a string.
fn assert_405(res: &TestResponse, allow: &str) {
    assert_eq!(res.status(), 405, "{}", res.text());
    assert_eq!(res.header("allow"), Some(allow));
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    let body: Value = res.json();
    let object = body.as_object().expect("a JSON object");
    assert_eq!(object.len(), 1, "{body}");
    assert!(
        object["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
}

/// A 404: a JSON body whose only member `error` is a string.
fn assert_404(res: &TestResponse) {
    assert_eq!(res.status(), 404, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    let body: Value = res.json();
    let object = body.as_object().expect("a JSON object");
    assert_eq!(object.len(), 1, "{body}");
    assert!(
        object["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn head_runs_get_and_strips_the_body() {
    let client = client();
    let get = client.get("/aa/items").send().await;
    assert_eq!(get.status(), 200);
    assert_eq!(get.text(), r#"{"items":[1,2,3]}"#);

    let head = client.head("/aa/items").send().await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("content-type"), Some(JSON_CT));
    assert_eq!(head.header("x-custom"), Some("yes"));
    assert_eq!(head.header("etag"), Some("\"v1\""));
    assert_eq!(head.headers(), get.headers());
    assert!(head.bytes().is_empty(), "{:?}", head.bytes());

    // With a parameter, and through the function form.
    let head = client.head("/aa/posts/5").send().await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("content-type"), Some(JSON_CT));
    assert!(head.bytes().is_empty());
    let head = client.head("/aa/posts/x").send().await;
    assert_eq!(head.status(), 400);
    assert!(head.bytes().is_empty());
    let head = client.head("/aa/merged").send().await;
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(head.bytes().is_empty());
}

#[tokio::test]
async fn options_is_204_with_sorted_allow() {
    let client = client();
    for (uri, allow) in [
        ("/aa/posts/1", "DELETE, GET, HEAD, OPTIONS, PATCH"),
        ("/aa/items", "GET, HEAD, OPTIONS"),
        ("/aa/write-only", "OPTIONS, POST"),
        ("/aa/limited", "OPTIONS, POST, PUT"),
    ] {
        let res = client.options(uri).send().await;
        assert_eq!(res.status(), 204, "{uri}: {}", res.text());
        assert_eq!(res.header("allow"), Some(allow), "{uri}");
        assert!(res.bytes().is_empty(), "{uri}");
    }
    // The automatic answers do not parse path parameters.
    let res = client.options("/aa/posts/not-a-number").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        res.header("allow"),
        Some("DELETE, GET, HEAD, OPTIONS, PATCH")
    );
    assert_405(
        &client.put("/aa/posts/not-a-number").send().await,
        "DELETE, GET, HEAD, OPTIONS, PATCH",
    );
}

#[tokio::test]
async fn a_method_the_path_lacks_is_405() {
    let client = client();
    assert_405(&client.put("/aa/items").send().await, "GET, HEAD, OPTIONS");
    assert_405(
        &client.post("/aa/items").json(&json!({})).send().await,
        "GET, HEAD, OPTIONS",
    );
    assert_405(
        &client.put("/aa/posts/1").send().await,
        "DELETE, GET, HEAD, OPTIONS, PATCH",
    );
    // A GET on a POST-only route: HEAD is not offered without GET.
    assert_405(&client.get("/aa/write-only").send().await, "OPTIONS, POST");
    // A HEAD answer never carries a body, so only status and `Allow` are checked.
    let res = client.head("/aa/write-only").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("OPTIONS, POST"));
    assert!(res.bytes().is_empty());
}

#[tokio::test]
async fn unknown_path_is_404_json() {
    let client = client();
    assert_404(&client.get("/aa/nothing-here").send().await);
    assert_404(&client.post("/nope").send().await);
    assert_404(&client.get("/aa/posts").send().await);
    assert_404(&client.get("/aa/posts/1/extra").send().await);
}

#[tokio::test]
async fn function_form_routes_of_one_path_merge() {
    let client = client();
    let res = client.get("/aa/merged").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(res.text(), "merged GET");

    let res = client.post("/aa/merged").body("hi").send().await;
    assert_eq!(res.status(), 201, "{}", res.text());
    assert_eq!(res.text(), "merged POST hi");

    let res = client.options("/aa/merged").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
    assert!(res.bytes().is_empty());

    assert_405(
        &client.put("/aa/merged").send().await,
        "GET, HEAD, OPTIONS, POST",
    );
    assert_405(
        &client.delete("/aa/merged").send().await,
        "GET, HEAD, OPTIONS, POST",
    );
}

#[tokio::test]
async fn function_named_after_its_method() {
    let client = client();
    let res = client.get("/aa/named").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "named GET");
    let res = client.options("/aa/named").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    assert_405(&client.post("/aa/named").send().await, "GET, HEAD, OPTIONS");
}

#[tokio::test]
async fn body_limit_is_413_past_it() {
    let client = client();
    let at_limit = "0123456789abcdef"; // 16 bytes
    let over = "0123456789abcdefg"; // 17 bytes

    let res = client.post("/aa/limited").body(at_limit).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.text(), "got 16");
    let res = client.post("/aa/limited").body("short").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "got 5");

    let res = client.post("/aa/limited").body(over).send().await;
    assert_eq!(res.status(), 413, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": "request body is larger than this route accepts" })
    );
    let res = client
        .post("/aa/limited")
        .body(vec![b'x'; 10_000])
        .send()
        .await;
    assert_eq!(res.status(), 413);

    // An axum extractor in the same route honours the same limit.
    let res = client.put("/aa/limited").body(at_limit).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.text(), "put 16");
    let res = client.put("/aa/limited").body(over).send().await;
    assert_eq!(res.status(), 413, "{}", res.text());
}

#[tokio::test]
async fn body_limit_on_a_function_form_route() {
    let client = client();
    let res = client
        .post("/aa/limited-fn")
        .body("0123456789abcdef")
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.text(), "fn got 16");
    let res = client
        .post("/aa/limited-fn")
        .body("0123456789abcdefg")
        .send()
        .await;
    assert_eq!(res.status(), 413, "{}", res.text());
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": "request body is larger than this route accepts" })
    );
}

#[tokio::test]
async fn routes_without_a_limit_accept_large_bodies() {
    let res = client()
        .post("/aa/merged")
        .body("y".repeat(100_000))
        .send()
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.text().len(), "merged POST ".len() + 100_000);
}

#[tokio::test]
async fn fallback_overrides_the_json_404() {
    let app = router().fallback(|| async { (StatusCode::IM_A_TEAPOT, "custom fallback") });
    let client = TestClient::new(app);
    let res = client.get("/aa/nothing-here").send().await;
    assert_eq!(res.status(), 418);
    assert_eq!(res.text(), "custom fallback");
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );

    // Routes still answer, and a method the path lacks is still the route's 405.
    let res = client.get("/aa/items").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"items":[1,2,3]}"#);
    assert_405(&client.put("/aa/items").send().await, "GET, HEAD, OPTIONS");
}

#[tokio::test]
async fn lower_case_handler_names() {
    let client = client();
    let res = client.get("/aa/lower").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "lower get");
    let res = client.post("/aa/lower").send().await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.text(), "lower post");
    let res = client.options("/aa/lower").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
    assert_405(
        &client.delete("/aa/lower").send().await,
        "GET, HEAD, OPTIONS, POST",
    );
}

#[tokio::test]
async fn function_form_explicit_head_and_options_win() {
    let client = client();
    let res = client.get("/aa/explicit").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-handler"), Some("GET"));
    assert_eq!(res.text(), "explicit GET");

    let res = client.head("/aa/explicit").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-handler"), Some("HEAD"));
    assert!(res.bytes().is_empty());

    let res = client.options("/aa/explicit").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-handler"), Some("OPTIONS"));

    assert_405(
        &client.post("/aa/explicit").send().await,
        "GET, HEAD, OPTIONS",
    );
}

#[tokio::test]
async fn revalidate_applies_to_successful_get_and_head_only() {
    let client = client();
    let cache = Some("s-maxage=60, stale-while-revalidate=31535940");

    let res = client.get("/aa/cached/2").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("cache-control"), cache);
    assert_eq!(res.text(), "cached");
    let res = client.head("/aa/cached/2").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("cache-control"), cache);

    // An error is not cached, nor is a 400 for a bad parameter, nor a POST.
    let res = client.get("/aa/cached/0").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.header("cache-control"), None);
    let res = client.get("/aa/cached/zero").send().await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.header("cache-control"), None);
    let res = client.post("/aa/cached/2").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "posted 2");
    assert_eq!(res.header("cache-control"), None);
    let res = client.options("/aa/cached/2").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("cache-control"), None);

    // The handler's own Cache-Control is kept.
    let res = client.get("/aa/cached/1").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("cache-control"), Some("no-store"));

    // The function form too.
    let res = client.get("/aa/cached-fn").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=5, stale-while-revalidate=31535995")
    );
    let res = client.head("/aa/cached-fn").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=5, stale-while-revalidate=31535995")
    );
}

#[tokio::test]
async fn sync_handlers_and_impl_into_response() {
    let client = client();
    let res = client.get("/aa/sync").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(res.text(), "sync");
    let res = client.options("/aa/sync").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));

    let res = client.get("/aa/impl").send().await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.header("x-impl"), Some("1"));
    assert_eq!(res.text(), "impl");
}
