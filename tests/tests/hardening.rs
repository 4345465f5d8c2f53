//! Issue 11 (hardening) and issue 16 (fidelity to the seeds), end to end through the public
//! API: cookie names matched as sent, `PathBuf` catch-alls that stay below their root,
//! `revalidate` as Next.js 16 writes it and never shared for a credentialed request, no
//! attribute smuggled through a cookie's path or domain, `serde_json::Error` as the
//! server's own error, several optional segments, every wrong field in one `400`, a JSON
//! body with a byte-order mark, and the explicit way to read JSON sent as `text/plain`.

use std::path::PathBuf;

use garde::Validate;
use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};
use serde::Deserialize;
use serde_json::{json, Value};

fn answer(res: &TestResponse) -> (u16, Value) {
    (res.status().as_u16(), res.json::<Value>())
}

// ---------------------------------------------------------------------------------------
// 11.1: cookie names are matched as sent.

#[route(GET, "/session")]
async fn session(req: Request) -> Response {
    Response::json(&json!({ "sid": req.cookies().get("__Host-sid") }))
}

#[tokio::test]
async fn an_encoded_cookie_name_is_not_the_cookie_it_decodes_to() {
    let client = TestClient::new(routes![session]);
    // A sibling subdomain can set `__Host%2Dsid`; only this origin can set `__Host-sid`.
    let res = client
        .get("/session")
        .header("cookie", "__Host%2Dsid=evil; __Host-sid=real")
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "sid": "real" })));
    let res = client
        .get("/session")
        .header("cookie", "__Host%2Dsid=evil")
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "sid": null })));
    // Values are still decoded.
    let res = client
        .get("/session")
        .header("cookie", "__Host-sid=a%20b")
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "sid": "a b" })));
}

// ---------------------------------------------------------------------------------------
// 11.2: a `PathBuf` catch-all is a relative path below its root.

#[route(GET, "/static/[...file]")]
async fn static_file(file: PathBuf) -> Response {
    Response::json(&json!({ "file": file }))
}

#[route(GET, "/assets/[[...file]]")]
async fn asset(file: Option<PathBuf>) -> Response {
    Response::json(&json!({ "file": file }))
}

#[tokio::test]
async fn a_path_buf_catch_all_refuses_traversal_with_400_naming_it() {
    let client = TestClient::new(routes![static_file, asset]);
    for uri in [
        "/static/..%2F..%2Fetc%2Fpasswd",
        "/static/../../etc/passwd",
        "/static/a/%2E%2E/%2E%2E/etc",
        "/static/%2Fetc/passwd",
        "/static/a%00.txt",
        "/static/..%5C..%5Cwindows",
        "/static/a%5Cb",
        "/static/C:/windows/win.ini",
        "/static/c%3A",
        "/static/./a",
        "/assets/..",
    ] {
        let res = client.get(uri).send().await;
        let (status, body) = answer(&res);
        assert_eq!(status, 400, "{uri}: {body}");
        assert_eq!(body["param"], json!("file"), "{uri}: {body}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .starts_with("invalid path parameter `file`"),
            "{uri}: {body}"
        );
    }
    // An empty segment never reaches the handler: the trailing-slash policy redirects it to
    // its one spelling first, where the path is relative again.
    for (uri, target) in [
        ("/static//etc/passwd", "/static/etc/passwd"),
        ("/static/a//b", "/static/a/b"),
    ] {
        let res = client.get(uri).send().await;
        assert_eq!(res.status(), 308, "{uri}");
        assert_eq!(res.header("location"), Some(target), "{uri}");
    }
    for (uri, file) in [
        ("/static/css/site.css", "css/site.css"),
        ("/static/a%2Fb.txt", "a/b.txt"),
        ("/static/..a/b..", "..a/b.."),
        ("/static/.well-known/x", ".well-known/x"),
    ] {
        let res = client.get(uri).send().await;
        assert_eq!(answer(&res), (200, json!({ "file": file })), "{uri}");
    }
    let res = client.get("/assets").send().await;
    assert_eq!(answer(&res), (200, json!({ "file": null })));
}

// ---------------------------------------------------------------------------------------
// 11.3 + 16.1: `revalidate` as Next.js 16 writes it, `expire`, and credentialed requests.

#[route("/feed.xml", revalidate = 60)]
mod feed {
    use super::*;
    pub async fn GET() -> Response {
        Response::xml("<rss/>")
    }
}

#[route("/feed-day.xml", revalidate = 60, expire = 86_400)]
mod feed_day {
    use super::*;
    pub async fn GET() -> Response {
        Response::xml("<rss/>")
    }
}

#[route(GET, "/dynamic", revalidate = 0)]
async fn dynamic() -> Response {
    Response::text("now")
}

#[route(GET, "/me", revalidate = 60)]
async fn me(req: Request) -> Response {
    Response::json(&json!({ "auth": req.header("authorization") }))
}

#[tokio::test]
async fn revalidate_sends_a_numbered_stale_while_revalidate() {
    let client = TestClient::new(routes![feed, feed_day, dynamic, me]);
    let res = client.get("/feed.xml").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
    let res = client.head("/feed.xml").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
    let res = client.get("/feed-day.xml").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=86340")
    );
    let res = client.get("/dynamic").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("private, no-cache, no-store, max-age=0, must-revalidate")
    );
}

#[tokio::test]
async fn a_credentialed_request_never_gets_shared_cache_directives() {
    let client = TestClient::new(routes![feed, me]);
    for (name, value) in [
        ("authorization", "Bearer secret"),
        ("cookie", "session=1"),
        ("Authorization", "Basic YTpi"),
    ] {
        for uri in ["/me", "/feed.xml"] {
            let res = client.get(uri).header(name, value).send().await;
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.header("cache-control"),
                Some("private, no-store"),
                "{uri} with {name}"
            );
            let res = client.head(uri).header(name, value).send().await;
            assert_eq!(res.header("cache-control"), Some("private, no-store"));
        }
    }
    let res = client.get("/me").send().await;
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
}

// ---------------------------------------------------------------------------------------
// 11.4: no attribute is smuggled through a cookie's path or domain.

#[route(GET, "/set-cookie/$case")]
async fn set_cookie(case: u8) -> Response {
    let cookie = match case {
        0 => routekit::cookie::Cookie::build(("sid", "1")).path("/app"),
        1 => routekit::cookie::Cookie::build(("sid", "1")).path("/x; Domain=evil.example"),
        2 => routekit::cookie::Cookie::build(("sid", "1")).domain("example.com, evil=1"),
        _ => routekit::cookie::Cookie::build(("sid", "1")).path("/x\u{7f}"),
    };
    Response::empty().cookie(cookie)
}

#[tokio::test]
async fn a_cookie_attribute_with_a_separator_is_a_500_never_sent() {
    let client = TestClient::new(routes![set_cookie]);
    let res = client.get("/set-cookie/0").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("set-cookie"), Some("sid=1; Path=/app"));
    for case in 1..=3 {
        let res = client.get(&format!("/set-cookie/{case}")).send().await;
        assert_eq!(
            answer(&res),
            (500, json!({ "error": "Internal server error" })),
            "{case}"
        );
        assert!(res.header("set-cookie").is_none(), "{case}");
    }
}

// ---------------------------------------------------------------------------------------
// 11.5: `?` on a `serde_json::Error` is the server's error.

#[route(GET, "/stored")]
async fn stored() -> Result<Response, ApiError> {
    // A document the server stored, now unreadable: the client is not to blame.
    let stored = r#"{"card": "4242 4242 4242 4242", "cvc": 12"#;
    let value: Value = serde_json::from_str(stored)?;
    Ok(Response::json(&value))
}

#[tokio::test]
async fn question_mark_on_serde_json_is_a_500_that_hides_the_input() {
    let client = TestClient::new(routes![stored]);
    let res = client.get("/stored").send().await;
    assert_eq!(
        answer(&res),
        (500, json!({ "error": "Internal server error" }))
    );
    assert!(!res.text().contains("4242"));
}

// ---------------------------------------------------------------------------------------
// 11.6: several optional segments fill left to right, as TanStack Start.

#[route(GET, "/posts/{-$category}/{-$slug}")]
async fn posts(category: Option<String>, slug: Option<String>) -> Response {
    Response::json(&json!({ "category": category, "slug": slug }))
}

#[route("/docs/{-$lang}/{-$version}/$page")]
mod docs_page {
    use super::*;
    pub async fn GET(lang: Option<String>, version: Option<u32>, page: String) -> Response {
        Response::json(&json!({ "lang": lang, "version": version, "page": page }))
    }
}

#[tokio::test]
async fn several_optional_segments_fill_left_to_right() {
    let client = TestClient::new(routes![posts, docs_page]);
    for (uri, expected) in [
        ("/posts", json!({ "category": null, "slug": null })),
        ("/posts/tech", json!({ "category": "tech", "slug": null })),
        (
            "/posts/tech/hello",
            json!({ "category": "tech", "slug": "hello" }),
        ),
        (
            "/docs/intro",
            json!({ "lang": null, "version": null, "page": "intro" }),
        ),
        (
            "/docs/en/intro",
            json!({ "lang": "en", "version": null, "page": "intro" }),
        ),
        (
            "/docs/en/2/intro",
            json!({ "lang": "en", "version": 2, "page": "intro" }),
        ),
    ] {
        let res = client.get(uri).send().await;
        assert_eq!(answer(&res), (200, expected), "{uri}");
    }
    let res = client.get("/posts/tech/hello/more").send().await;
    assert_eq!(res.status(), 404);
    let res = client.get("/docs/en/x/intro").send().await;
    assert_eq!(answer(&res).1["param"], json!("version"));
}

// ---------------------------------------------------------------------------------------
// 16.3: every wrong field in one `400`, as zod's `flatten()`.

#[derive(Debug, Deserialize, Validate)]
struct CreateUser {
    #[garde(length(min = 2))]
    name: String,
    #[garde(email)]
    email: String,
}

#[derive(Debug, Deserialize, Validate)]
struct Author {
    #[garde(length(min = 2))]
    name: String,
    #[garde(range(min = 0, max = 150))]
    age: u8,
}

#[derive(Debug, Deserialize, Validate)]
struct CreatePost {
    #[garde(length(min = 1))]
    title: String,
    #[garde(dive)]
    author: Author,
    #[garde(inner(length(min = 1)))]
    tags: Vec<String>,
}

#[route("/api/users")]
mod users {
    use super::*;

    pub async fn POST(mut req: Request) -> Result<Response, ApiError> {
        let user: CreateUser = req.json_valid().await?;
        Ok(Response::json(&json!({ "name": user.name })).status(201))
    }

    pub async fn PUT(Valid(user): Valid<CreateUser>) -> Response {
        Response::json(&json!({ "name": user.name }))
    }

    pub async fn PATCH(mut req: Request) -> Result<Response, ApiError> {
        let user: CreateUser = req.json().await?;
        Ok(Response::json(&json!({ "name": user.name })))
    }
}

#[route("/api/posts")]
mod new_post {
    use super::*;

    pub async fn POST(Valid(post): Valid<CreatePost>) -> Response {
        Response::json(&json!({ "title": post.title })).status(201)
    }
}

fn field_errors(res: &TestResponse) -> Value {
    let (status, body) = answer(res);
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["formErrors"], json!([]), "{body}");
    body["error"]["fieldErrors"].clone()
}

#[tokio::test]
async fn an_empty_object_names_every_missing_field() {
    let client = TestClient::new(routes![users]);
    for method in [http::Method::POST, http::Method::PUT, http::Method::PATCH] {
        let res = client
            .request(method.clone(), "/api/users")
            .json(&json!({}))
            .send()
            .await;
        assert_eq!(
            field_errors(&res),
            json!({ "name": ["missing field"], "email": ["missing field"] }),
            "{method}"
        );
    }
}

#[tokio::test]
async fn wrong_types_missing_fields_and_rules_answer_together() {
    let client = TestClient::new(routes![users, new_post]);
    // A wrong type and a rule failure: both named (json_valid and Valid).
    for method in [http::Method::POST, http::Method::PUT] {
        let res = client
            .request(method.clone(), "/api/users")
            .json(&json!({ "name": "A", "email": 5 }))
            .send()
            .await;
        assert_eq!(
            field_errors(&res),
            json!({
                "name": ["length is lower than 2"],
                "email": ["invalid type: integer `5`, expected a string"],
            }),
            "{method}"
        );
    }
    // Nested paths and list items, missing, wrong and failing at once.
    let res = client
        .post("/api/posts")
        .json(&json!({ "author": { "name": "A", "age": "old" }, "tags": ["ok", "", 3] }))
        .send()
        .await;
    assert_eq!(
        field_errors(&res),
        json!({
            "title": ["missing field"],
            "author.name": ["length is lower than 2"],
            "author.age": ["invalid type: string \"old\", expected u8"],
            "tags[1]": ["length is lower than 1"],
            "tags[2]": ["invalid type: integer `3`, expected a string"],
        })
    );
    let res = client
        .post("/api/posts")
        .json(&json!({ "title": "Hi", "author": { "name": "Ada", "age": 36 }, "tags": ["x"] }))
        .send()
        .await;
    assert_eq!(answer(&res), (201, json!({ "title": "Hi" })));
}

// ---------------------------------------------------------------------------------------
// 16.4: a byte-order mark before JSON is skipped, as the Fetch API's `json()`.

#[tokio::test]
async fn a_json_body_with_a_byte_order_mark_is_read() {
    let client = TestClient::new(routes![users]);
    for method in [http::Method::POST, http::Method::PUT, http::Method::PATCH] {
        let res = client
            .request(method.clone(), "/api/users")
            .header("content-type", "application/json")
            .body("\u{feff}{\"name\": \"Ada\", \"email\": \"ada@example.com\"}")
            .send()
            .await;
        assert!(res.status().is_success(), "{method}: {}", res.text());
        assert_eq!(res.json::<Value>()["name"], json!("Ada"));
    }
}

// ---------------------------------------------------------------------------------------
// 16, kept: JSON sent as `text/plain` is a `415`, unless the route opts in.

#[route(POST, "/api/beacon")]
async fn beacon(mut req: Request) -> Result<Response, ApiError> {
    let event: Value = req.json_any_content_type().await?;
    Ok(Response::json(&json!({ "got": event })))
}

#[tokio::test]
async fn json_as_text_plain_is_415_unless_the_route_reads_any_content_type() {
    let client = TestClient::new(routes![users, beacon]);
    let body = r#"{"name": "Ada", "email": "ada@example.com"}"#;
    let res = client
        .post("/api/users")
        .header("content-type", "text/plain;charset=UTF-8")
        .body(body)
        .send()
        .await;
    assert_eq!(
        answer(&res),
        (
            415,
            json!({ "error": "expected content-type application/json, got text/plain" })
        )
    );
    let res = client.post("/api/users").body(body).send().await;
    assert_eq!(res.status(), 415);

    for content_type in [Some("text/plain;charset=UTF-8"), None] {
        let mut request = client.post("/api/beacon").body(r#"{"kind": "view"}"#);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let res = request.send().await;
        assert_eq!(
            answer(&res),
            (200, json!({ "got": { "kind": "view" } })),
            "{content_type:?}"
        );
    }
    let res = client
        .post("/api/beacon")
        .header("content-type", "text/plain")
        .body("{oops")
        .send()
        .await;
    assert_eq!(res.status(), 400);
}

#[derive(serde::Deserialize, serde::Serialize, garde::Validate)]
struct Patch {
    #[garde(skip)]
    title: Option<String>,
    #[garde(skip)]
    body: Option<String>,
}

#[route(POST, "/patch")]
async fn patch(mut req: Request) -> Result<Response, ApiError> {
    let patch: Patch = req.json_valid().await?;
    Ok(Response::json(&patch))
}

#[route(POST, "/many")]
async fn many(mut req: Request) -> Result<Response, ApiError> {
    let all: Vec<Patch> = req.json().await?;
    Ok(Response::json(&all.len()))
}

/// serde reads a struct from a JSON array of its fields; a JSON API never means that, and
/// the OpenAPI document says "object" (Schemathesis found `[null, null]` accepted).
#[tokio::test]
async fn a_struct_body_is_never_read_from_a_top_level_array() {
    let client = TestClient::new(routes![patch, many]);
    let res = client
        .post("/patch")
        .header("content-type", "application/json")
        .body("[null, null]")
        .send()
        .await;
    let (status, body) = answer(&res);
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["error"]["formErrors"],
        json!(["expected a JSON object, not an array"]),
        "{body}"
    );
    let res = client
        .post("/patch")
        .header("content-type", "application/json")
        .body(r#"{"title": "t"}"#)
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!({ "title": "t", "body": null })));
    let res = client
        .post("/many")
        .header("content-type", "application/json")
        .body(r#" [{"title": null, "body": "b"}, {}]"#)
        .send()
        .await;
    assert_eq!(answer(&res), (200, json!(2)));
}
