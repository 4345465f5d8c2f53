//! End-to-end ports of the Next.js `route.js` seed: one route module per `route.ts`.

use std::convert::Infallible;

use routekit::prelude::*;
use routekit::test::TestClient;
use serde_json::{json, Value};

// Basic Usage
#[route("/api/basic")]
mod basic {
    use super::*;

    pub async fn GET() -> Response {
        Response::json(&json!({ "message": "Hello World" }))
    }
}

// HTTP Methods: all seven in one route file. Each answers distinctly, and the explicit HEAD
// and OPTIONS replace the automatic ones.
#[route("/api/methods")]
mod methods {
    use super::*;

    fn answer(name: &'static str, request: &Request) -> Response {
        Response::json(&json!({ "handler": name, "method": request.method().as_str() }))
            .header("x-handler", name)
    }

    pub async fn GET(request: Request) -> Response {
        answer("GET", &request)
    }
    pub async fn HEAD(request: Request) -> Response {
        Response::new(())
            .header("x-handler", "HEAD")
            .header("x-seen-method", request.method().as_str())
    }
    pub async fn POST(request: Request) -> Response {
        answer("POST", &request).status(201)
    }
    pub async fn PUT(request: Request) -> Response {
        answer("PUT", &request)
    }
    pub async fn DELETE(request: Request) -> Response {
        answer("DELETE", &request).status(202)
    }
    pub async fn PATCH(request: Request) -> Response {
        answer("PATCH", &request)
    }
    pub async fn OPTIONS(request: Request) -> Response {
        let _ = request;
        Response::new(())
            .header("x-handler", "OPTIONS")
            .header("allow", "GET, POST")
    }
}

// `request.nextUrl.pathname`
#[route("/api/url")]
mod url {
    use super::*;

    pub async fn GET(request: Request) -> Response {
        Response::json(&json!({ "url": request.url().path() }))
    }
}

// Parameters: `context.params`
#[route("/api/teams/[team]")]
mod team {
    use super::*;

    pub async fn GET(request: Request, team: String) -> Response {
        let _ = request;
        Response::json(&json!({ "team": team }))
    }
}

// TypeScript: `RouteContext<'/users/[id]'>`
#[route("/users/[id]")]
mod user {
    use super::*;

    pub async fn GET(_req: Request, id: String) -> Response {
        Response::json(&json!({ "id": id }))
    }
}

// Cookies
#[route("/api/cookies")]
mod cookies {
    use super::*;

    pub async fn GET(request: Request) -> Response {
        let token = request.cookies().get("token");
        Response::json(&json!({ "token": token }))
    }
}

// Headers
#[route("/api/headers")]
mod headers {
    use super::*;

    pub async fn GET(request: Request) -> Response {
        let referer = request.header("referer");
        Response::json(&json!({ "referer": referer }))
    }
}

// Request Body
#[route("/api/items")]
mod items {
    use super::*;

    pub async fn POST(mut request: Request) -> Result<Response, ApiError> {
        let res: Value = request.json().await?;
        Ok(Response::json(&json!({ "res": res })))
    }
}

// FormData
#[route("/api/form")]
mod form {
    use super::*;

    pub async fn POST(mut request: Request) -> Result<Response, ApiError> {
        let form_data = request.form_data().await?;
        let name = form_data.get("name");
        let email = form_data.get("email");
        let avatar = form_data.file("avatar").map(|file| {
            json!({
                "field": file.name(),
                "fileName": file.file_name(),
                "type": file.content_type(),
                "bytes": file.bytes().to_vec(),
            })
        });
        let mut body = json!({ "name": name, "email": email });
        if let Some(avatar) = avatar {
            body["avatar"] = avatar;
        }
        Ok(Response::json(&body))
    }
}

// URL Query Parameters (a plain, non-async `function GET`)
#[route("/api/search")]
mod search {
    use super::*;

    pub fn GET(request: Request) -> Response {
        let query = request.search_params().get("query");
        Response::json(&json!({ "query": query }))
    }
}

// Redirects
#[route("/api/redirect")]
mod redirect {
    use super::*;

    pub async fn GET(_request: Request) -> Response {
        Response::redirect("https://nextjs.org/")
    }
}

// CORS
#[route("/api/cors")]
mod cors {
    use super::*;

    pub async fn GET(_request: Request) -> Response {
        Response::new("Hello, Next.js!")
            .status(200)
            .header("Access-Control-Allow-Origin", "*")
            .header(
                "Access-Control-Allow-Methods",
                "GET, POST, PUT, DELETE, OPTIONS",
            )
            .header(
                "Access-Control-Allow-Headers",
                "Content-Type, Authorization",
            )
    }
}

// Streaming
#[route("/api/stream")]
mod stream {
    use super::*;

    pub async fn GET() -> Response {
        let chunks = ["<p>One</p>", "<p>Two</p>", "<p>Three</p>"].map(Ok::<_, Infallible>);
        Response::stream(futures_util::stream::iter(chunks))
    }
}

// Dynamic Route Segments
#[route("/api/blog/[slug]")]
mod blog {
    use super::*;

    pub async fn GET(_request: Request, slug: String) -> Response {
        Response::json(&json!({ "slug": slug }))
    }
}

// Examples: Webhooks
#[route("/api/webhook")]
mod webhook {
    use super::*;

    pub async fn POST(mut request: Request) -> Response {
        match request.text().await {
            // Process the webhook payload
            Ok(_text) => {}
            Err(error) => {
                return Response::new(format!("Webhook error: {error}")).status(400);
            }
        }
        Response::new("Success!").status(200)
    }
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0">
  <channel>
    <title>Next.js Documentation</title>
    <link>https://nextjs.org/docs</link>
    <description>The React Framework for the Web</description>
  </channel>
</rss>"#;

// Examples: Non-UI Responses, with `export const revalidate = 60`
#[route("/rss.xml", revalidate = 60)]
mod rss {
    use super::*;

    pub async fn GET() -> Response {
        Response::xml(RSS)
    }
}

// Any IntoResponse: a tuple and axum's Json.
#[route("/api/tuple")]
mod tuple {
    use super::*;

    pub async fn GET() -> (StatusCode, String) {
        (StatusCode::ACCEPTED, "accepted".to_owned())
    }

    pub fn POST(Json(body): Json<Value>) -> Json<Value> {
        Json(json!({ "got": body }))
    }
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Signup {
    email: String,
    age: u8,
}

// A typed urlencoded form, and every value of a repeated query parameter.
#[route("/api/signup")]
mod signup {
    use super::*;

    pub async fn POST(mut request: Request) -> Result<Response, ApiError> {
        let tags: Vec<String> = request
            .search_params()
            .get_all("tag")
            .into_iter()
            .map(str::to_owned)
            .collect();
        let form: Signup = request.form().await?;
        Ok(
            Response::json(&json!({ "email": form.email, "age": form.age, "tags": tags }))
                .status(201),
        )
    }
}

fn client() -> TestClient {
    let app: axum::Router = routes![
        basic, methods, url, team, user, cookies, headers, items, form, search, redirect, cors,
        stream, blog, webhook, rss, tuple, signup
    ];
    TestClient::new(app)
}

const JSON_CT: &str = "application/json";
const TEXT_CT: &str = "text/plain; charset=utf-8";

#[tokio::test]
async fn basic_usage() {
    let res = client().get("/api/basic").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"message":"Hello World"}"#);
}

#[tokio::test]
async fn all_seven_methods_answer_distinctly() {
    let client = client();
    for (method, status) in [
        ("GET", 200),
        ("POST", 201),
        ("PUT", 200),
        ("DELETE", 202),
        ("PATCH", 200),
    ] {
        let res = client
            .request(method.parse().unwrap(), "/api/methods")
            .send()
            .await;
        assert_eq!(res.status(), status, "{method}: {}", res.text());
        assert_eq!(res.header("x-handler"), Some(method));
        assert_eq!(res.header("content-type"), Some(JSON_CT));
        assert_eq!(
            res.json::<Value>(),
            json!({ "handler": method, "method": method })
        );
    }
}

#[tokio::test]
async fn explicit_head_wins_over_automatic_head() {
    let res = client().head("/api/methods").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-handler"), Some("HEAD"));
    assert_eq!(res.header("x-seen-method"), Some("HEAD"));
    assert_eq!(res.header("content-type"), None);
    assert_eq!(res.text(), "");
}

#[tokio::test]
async fn explicit_options_wins_over_automatic_options() {
    let res = client().options("/api/methods").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-handler"), Some("OPTIONS"));
    assert_eq!(res.header("allow"), Some("GET, POST"));
    assert_eq!(res.text(), "");
}

#[tokio::test]
async fn a_method_outside_the_seven_is_405() {
    let res = client()
        .request(http::Method::TRACE, "/api/methods")
        .send()
        .await;
    assert_eq!(res.status(), 405);
    assert_eq!(
        res.header("allow"),
        Some("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
    );
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    let body: Value = res.json();
    assert!(body["error"].is_string(), "{body}");
}

#[tokio::test]
async fn request_next_url_pathname() {
    let res = client().get("/api/url?x=1").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"url":"/api/url"}"#);
}

#[tokio::test]
async fn dynamic_team_param() {
    let res = client().get("/api/teams/vercel").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"team":"vercel"}"#);
}

#[tokio::test]
async fn route_context_users_id() {
    let res = client().get("/users/42").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"id":"42"}"#);
    let res = client().get("/users").send().await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn dynamic_slug_segment() {
    let res = client().get("/api/blog/hello-world").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"slug":"hello-world"}"#);
}

#[tokio::test]
async fn cookies_token_is_read_back() {
    let client = client();
    let res = client
        .get("/api/cookies")
        .header("cookie", "theme=dark; token=abc123")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"token":"abc123"}"#);

    let res = client.get("/api/cookies").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"token":null}"#);
}

#[tokio::test]
async fn headers_referer_is_read_back() {
    let client = client();
    let res = client
        .get("/api/headers")
        .header("referer", "https://example.com/page")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#"{"referer":"https://example.com/page"}"#);

    let res = client.get("/api/headers").send().await;
    assert_eq!(res.text(), r#"{"referer":null}"#);
}

#[tokio::test]
async fn request_body_json_is_echoed() {
    let client = client();
    let sent = json!({ "title": "Hi", "tags": ["a", "b"], "n": 3 });
    let res = client.post("/api/items").json(&sent).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.json::<Value>(), json!({ "res": sent }));

    // Not JSON at all: 415 naming the expected type.
    let res = client
        .post("/api/items")
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await;
    assert_eq!(res.status(), 415);
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": "expected content-type application/json, got text/plain" })
    );
}

#[tokio::test]
async fn form_data_from_urlencoded() {
    let res = client()
        .post("/api/form")
        .form(&[("name", "Ada Lovelace"), ("email", "ada@example.com")])
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(
        res.json::<Value>(),
        json!({ "name": "Ada Lovelace", "email": "ada@example.com" })
    );
}

#[tokio::test]
async fn form_data_from_multipart_with_a_file() {
    let body = concat!(
        "--b0undary\r\n",
        "Content-Disposition: form-data; name=\"name\"\r\n\r\n",
        "Ada\r\n",
        "--b0undary\r\n",
        "Content-Disposition: form-data; name=\"email\"\r\n\r\n",
        "ada@example.com\r\n",
        "--b0undary\r\n",
        "Content-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n",
        "Content-Type: image/png\r\n\r\n",
        "PNG!\r\n",
        "--b0undary--\r\n",
    );
    let res = client()
        .post("/api/form")
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(body)
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(
        res.json::<Value>(),
        json!({
            "name": "Ada",
            "email": "ada@example.com",
            "avatar": {
                "field": "avatar",
                "fileName": "me.png",
                "type": "image/png",
                "bytes": [80, 78, 71, 33],
            }
        })
    );
}

#[tokio::test]
async fn form_data_missing_fields_are_null_and_wrong_type_is_415() {
    let client = client();
    let res = client
        .post("/api/form")
        .form(&[("name", "Ada")])
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>(), json!({ "name": "Ada", "email": null }));

    let res = client
        .post("/api/form")
        .json(&json!({ "name": "Ada" }))
        .send()
        .await;
    assert_eq!(res.status(), 415);
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    let body: Value = res.json();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("multipart/form-data"),
        "{body}"
    );
}

#[tokio::test]
async fn url_query_parameters() {
    let client = client();
    for (uri, expected) in [
        ("/api/search?query=hello", json!({ "query": "hello" })),
        (
            "/api/search?query=hello+world",
            json!({ "query": "hello world" }),
        ),
        (
            "/api/search?query=hello%20world",
            json!({ "query": "hello world" }),
        ),
        ("/api/search?query=a%2Bb%26c", json!({ "query": "a+b&c" })),
        ("/api/search?other=1", json!({ "query": null })),
        ("/api/search", json!({ "query": null })),
    ] {
        let res = client.get(uri).send().await;
        assert_eq!(res.status(), 200, "{uri}");
        assert_eq!(res.header("content-type"), Some(JSON_CT), "{uri}");
        assert_eq!(res.json::<Value>(), expected, "{uri}");
    }
}

#[tokio::test]
async fn redirect_is_307_to_nextjs() {
    let res = client().get("/api/redirect").send().await;
    assert_eq!(res.status(), 307);
    assert_eq!(res.header("location"), Some("https://nextjs.org/"));
    assert_eq!(res.text(), "");
}

#[tokio::test]
async fn cors_headers_are_set() {
    let res = client().get("/api/cors").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(TEXT_CT));
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some("GET, POST, PUT, DELETE, OPTIONS")
    );
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some("Content-Type, Authorization")
    );
    assert_eq!(res.text(), "Hello, Next.js!");
}

#[tokio::test]
async fn rss_feed_is_xml_with_revalidate() {
    let client = client();
    let res = client.get("/rss.xml").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("text/xml; charset=utf-8"));
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
    assert_eq!(res.text(), RSS);

    let res = client.head("/rss.xml").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("text/xml; charset=utf-8"));
    assert_eq!(
        res.header("cache-control"),
        Some("s-maxage=60, stale-while-revalidate=31535940")
    );
    assert_eq!(res.text(), "");
}

#[tokio::test]
async fn revalidate_only_applies_to_get_and_head() {
    // A route without `revalidate` sends no Cache-Control, and the 405 of the RSS route
    // is not cached either.
    let client = client();
    let res = client.get("/api/basic").send().await;
    assert_eq!(res.header("cache-control"), None);
    let res = client.post("/rss.xml").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("cache-control"), None);
}

#[tokio::test]
async fn streaming_body() {
    let res = client().get("/api/stream").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), None);
    assert_eq!(res.text(), "<p>One</p><p>Two</p><p>Three</p>");
}

#[tokio::test]
async fn webhook_answers_success() {
    let client = client();
    let res = client
        .post("/api/webhook")
        .header("content-type", "application/json")
        .body(r#"{"event":"push"}"#)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some(TEXT_CT));
    assert_eq!(res.text(), "Success!");

    let res = client
        .post("/api/webhook")
        .body(vec![b'o', b'k', 0xff])
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.header("content-type"), Some(TEXT_CT));
    assert_eq!(
        res.text(),
        "Webhook error: request body is not valid UTF-8 (at byte 2)"
    );
}

#[tokio::test]
async fn handlers_may_return_any_into_response() {
    let client = client();
    let res = client.get("/api/tuple").send().await;
    assert_eq!(res.status(), 202);
    assert_eq!(res.header("content-type"), Some(TEXT_CT));
    assert_eq!(res.text(), "accepted");

    let res = client
        .post("/api/tuple")
        .json(&json!({ "a": 1 }))
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(res.text(), r#"{"got":{"a":1}}"#);
}

#[tokio::test]
async fn typed_form_and_repeated_query_parameters() {
    let client = client();
    let res = client
        .post("/api/signup?tag=a&tag=b%20c&tag=d+e")
        .form(&Signup {
            email: "ada@example.com".into(),
            age: 36,
        })
        .send()
        .await;
    assert_eq!(res.status(), 201, "{}", res.text());
    assert_eq!(res.header("content-type"), Some(JSON_CT));
    assert_eq!(
        res.json::<Value>(),
        json!({ "email": "ada@example.com", "age": 36, "tags": ["a", "b c", "d e"] })
    );

    let res = client
        .post("/api/signup")
        .form(&[("email", "ada@example.com"), ("age", "old")])
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": {
            "formErrors": [],
            "fieldErrors": { "age": ["invalid digit found in string"] },
        } })
    );

    let res = client
        .post("/api/signup")
        .form(&[("age", "3")])
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>(),
        json!({ "error": { "formErrors": [], "fieldErrors": { "email": ["missing field"] } } })
    );
}

#[tokio::test]
async fn percent_encoded_cookie_values_are_decoded() {
    let res = client()
        .get("/api/cookies")
        .header("cookie", "token=abc%20def")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>(), json!({ "token": "abc def" }));
}
