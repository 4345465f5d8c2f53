//! Path templates and typed parameters, end to end.

use std::fmt;
use std::str::FromStr;

use routekit::prelude::*;
use routekit::test::{TestClient, TestResponse};
use serde_json::{json, Value};

// `$id` · `[id]` · `{id}` all mean one segment named `id`.
#[route("/p/dollar/$id")]
mod dollar {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id, "form": "dollar" }))
    }
}

#[route("/p/bracket/[id]")]
mod bracket {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id, "form": "bracket" }))
    }
}

#[route("/p/brace/{id}")]
mod brace {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id, "form": "brace" }))
    }
}

/// A user type parsed with `FromStr`: `major.minor`.
#[derive(Debug, PartialEq)]
struct Version {
    major: u32,
    minor: u32,
}

impl FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (major, minor) = s.split_once('.').ok_or("no dot")?;
        Ok(Version {
            major: major.parse().map_err(|_| "major")?,
            minor: minor.parse().map_err(|_| "minor")?,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[route("/p/releases/$version")]
mod release {
    use super::*;
    pub async fn GET(version: Version) -> Response {
        Response::json(&json!({ "major": version.major, "minor": version.minor }))
    }
}

// TanStack splat: `$` bound as `_splat`.
#[route("/p/files/$")]
mod files {
    use super::*;
    pub async fn GET(_splat: String) -> Response {
        Response::json(&json!({ "_splat": _splat }))
    }
}

// Next.js catch-all as segments and as one string; axum's `{*rest}`.
#[route("/p/blog/[...slug]")]
mod blog {
    use super::*;
    pub async fn GET(slug: Vec<String>) -> Response {
        Response::json(&json!({ "slug": slug }))
    }
}

#[route("/p/wiki/[...path]")]
mod wiki {
    use super::*;
    pub async fn GET(path: String) -> Response {
        Response::json(&json!({ "path": path }))
    }
}

#[route("/p/assets/{*rest}")]
mod assets {
    use super::*;
    pub async fn GET(rest: Vec<String>) -> Response {
        Response::json(&json!({ "rest": rest }))
    }
}

// One segment as a String, percent-decoded.
#[route("/p/docs/[name]")]
mod docs {
    use super::*;
    pub async fn GET(name: String) -> Response {
        Response::json(&json!({ "name": name }))
    }
}

// Optional catch-all, as `Option<Vec<String>>` and as a possibly empty `Vec<String>`.
#[route("/p/shop/[[...slug]]")]
mod shop {
    use super::*;
    pub async fn GET(slug: Option<Vec<String>>) -> Response {
        Response::json(&json!({ "slug": slug }))
    }
}

#[route("/p/catalog/[[...slug]]")]
mod catalog {
    use super::*;
    pub async fn GET(slug: Vec<String>) -> Response {
        Response::json(&json!({ "slug": slug }))
    }
}

// TanStack optional segment.
#[route("/p/i18n/{-$lang}/about")]
mod about {
    use super::*;
    pub async fn GET(lang: Option<String>) -> Response {
        Response::json(&json!({ "lang": lang }))
    }
}

#[route("/p/list/{-$page}")]
mod list {
    use super::*;
    pub async fn GET(page: Option<u32>) -> Response {
        Response::json(&json!({ "page": page }))
    }
}

// Argument order does not matter: the body-reading `Request` may stand first.
#[route("/p/order/$id")]
mod order {
    use super::*;
    pub async fn POST(mut req: Request, id: u64) -> Result<Response, ApiError> {
        let body = req.text().await?;
        Ok(Response::json(
            &json!({ "id": id, "path": req.url().path(), "body": body }),
        ))
    }
}

// Two parameters, taken in the opposite order of the template.
#[route("/p/orgs/$org/repos/[repo]")]
mod repo {
    use super::*;
    pub async fn GET(repo: String, org: String) -> Response {
        Response::json(&json!({ "org": org, "repo": repo }))
    }
}

// The function form binds parameters the same way.
#[route(GET, "/p/fn/{id}/{name}")]
async fn fn_params(name: String, id: i32) -> Response {
    Response::json(&json!({ "id": id, "name": name }))
}

// Extractors beside parameters, destructured or not, in any order.
#[route("/p/mixed/$id")]
mod mixed {
    use super::*;
    pub async fn GET(
        Query(query): Query<std::collections::BTreeMap<String, String>>,
        id: u64,
        headers: HeaderMap,
    ) -> Response {
        let agent = headers
            .get("x-agent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Response::json(&json!({ "id": id, "query": query, "agent": agent }))
    }
}

// Two optional segments: every combination is served.
#[route("/p/multi/{-$lang}/docs/{-$version}")]
mod multi {
    use super::*;
    pub async fn GET(version: Option<u32>, lang: Option<String>) -> Response {
        Response::json(&json!({ "lang": lang, "version": version }))
    }
}

// A parameter, then a catch-all.
#[route("/p/u/$user/files/[...path]")]
mod user_files {
    use super::*;
    pub async fn GET(path: Vec<String>, user: String) -> Response {
        Response::json(&json!({ "user": user, "path": path }))
    }
}

// An optional catch-all as one string.
#[route("/p/tree/[[...rest]]")]
mod tree {
    use super::*;
    pub async fn GET(rest: Option<String>) -> Response {
        Response::json(&json!({ "rest": rest }))
    }
}

fn client() -> TestClient {
    let app: axum::Router = routes![
        dollar, bracket, brace, release, files, blog, wiki, assets, docs, shop, catalog, about,
        list, order, repo, fn_params, mixed, multi, user_files, tree
    ];
    TestClient::new(app)
}

async fn get_json(uri: &str) -> (u16, Value) {
    let res = client().get(uri).send().await;
    check_json_type(&res, uri);
    (res.status().as_u16(), res.json())
}

fn check_json_type(res: &TestResponse, uri: &str) {
    assert_eq!(
        res.header("content-type"),
        Some("application/json"),
        "{uri}: {}",
        res.text()
    );
}

#[tokio::test]
async fn dollar_bracket_and_brace_all_bind() {
    for form in ["dollar", "bracket", "brace"] {
        let uri = format!("/p/{form}/42");
        assert_eq!(
            get_json(&uri).await,
            (200, json!({ "id": 42, "form": form })),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn bad_u64_is_400_with_exact_json() {
    let expected = json!({
        "error": "invalid path parameter `id`: expected u64",
        "param": "id",
        "expected": "u64",
    });
    for form in ["dollar", "bracket", "brace"] {
        for bad in ["abc", "-1", "1.5", "18446744073709551616", "%20"] {
            let uri = format!("/p/{form}/{bad}");
            assert_eq!(get_json(&uri).await, (400, expected.clone()), "{uri}");
        }
    }
    // Also the exact bytes.
    let res = client().get("/p/dollar/abc").send().await;
    assert_eq!(
        res.json::<Value>().as_object().unwrap().len(),
        3,
        "{}",
        res.text()
    );
}

#[tokio::test]
async fn custom_from_str_type() {
    assert_eq!(
        get_json("/p/releases/1.2").await,
        (200, json!({ "major": 1, "minor": 2 }))
    );
    assert_eq!(
        get_json("/p/releases/latest").await,
        (
            400,
            json!({
                "error": "invalid path parameter `version`: expected Version",
                "param": "version",
                "expected": "Version",
            })
        )
    );
    assert_eq!(Version::from_str("3.4").unwrap().to_string(), "3.4");
}

#[tokio::test]
async fn dollar_splat_binds_as_underscore_splat() {
    assert_eq!(
        get_json("/p/files/a/b/c.txt").await,
        (200, json!({ "_splat": "a/b/c.txt" }))
    );
    assert_eq!(
        get_json("/p/files/one").await,
        (200, json!({ "_splat": "one" }))
    );
}

#[tokio::test]
async fn catch_all_as_segments_and_as_string() {
    assert_eq!(
        get_json("/p/blog/1/2").await,
        (200, json!({ "slug": ["1", "2"] }))
    );
    assert_eq!(
        get_json("/p/blog/only").await,
        (200, json!({ "slug": ["only"] }))
    );
    assert_eq!(
        get_json("/p/wiki/a/b").await,
        (200, json!({ "path": "a/b" }))
    );
    assert_eq!(
        get_json("/p/assets/css/site.css").await,
        (200, json!({ "rest": ["css", "site.css"] }))
    );
    // A catch-all needs one segment or more.
    let res = client().get("/p/blog").send().await;
    assert_eq!(res.status(), 404);
    check_json_type(&res, "/p/blog");
}

#[tokio::test]
async fn percent_encoded_segments_are_decoded() {
    assert_eq!(
        get_json("/p/docs/a%20b").await,
        (200, json!({ "name": "a b" }))
    );
    assert_eq!(
        get_json("/p/docs/caf%C3%A9").await,
        (200, json!({ "name": "café" }))
    );
    assert_eq!(
        get_json("/p/blog/hello%20world/x").await,
        (200, json!({ "slug": ["hello world", "x"] }))
    );
}

#[tokio::test]
async fn optional_catch_all_absent_and_present() {
    assert_eq!(get_json("/p/shop").await, (200, json!({ "slug": null })));
    assert_eq!(
        get_json("/p/shop/a/b").await,
        (200, json!({ "slug": ["a", "b"] }))
    );
    assert_eq!(get_json("/p/catalog").await, (200, json!({ "slug": [] })));
    assert_eq!(
        get_json("/p/catalog/x").await,
        (200, json!({ "slug": ["x"] }))
    );
}

#[tokio::test]
async fn optional_segment_with_and_without() {
    assert_eq!(
        get_json("/p/i18n/about").await,
        (200, json!({ "lang": null }))
    );
    assert_eq!(
        get_json("/p/i18n/fr/about").await,
        (200, json!({ "lang": "fr" }))
    );
    assert_eq!(get_json("/p/list").await, (200, json!({ "page": null })));
    assert_eq!(get_json("/p/list/3").await, (200, json!({ "page": 3 })));
    // The value is there but is not a `u32`; whether the message says `u32` or
    // `Option<u32>` is not pinned by the spec, so only the parameter and the type are.
    let (status, body) = get_json("/p/list/three").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["param"], "page");
    let expected = body["expected"].as_str().unwrap();
    assert!(expected.contains("u32"), "{body}");
    assert_eq!(
        body["error"],
        format!("invalid path parameter `page`: expected {expected}")
    );
    assert_eq!(body.as_object().unwrap().len(), 3, "{body}");
}

#[tokio::test]
async fn argument_order_is_irrelevant() {
    let res = client().post("/p/order/9").body("payload").send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    check_json_type(&res, "/p/order/9");
    assert_eq!(
        res.json::<Value>(),
        json!({ "id": 9, "path": "/p/order/9", "body": "payload" })
    );
    let res = client().post("/p/order/nine").body("payload").send().await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>()["param"], "id");
}

#[tokio::test]
async fn two_params_in_one_route() {
    assert_eq!(
        get_json("/p/orgs/rust-lang/repos/cargo").await,
        (200, json!({ "org": "rust-lang", "repo": "cargo" }))
    );
    assert_eq!(
        get_json("/p/fn/-7/x%2Fy").await,
        (200, json!({ "id": -7, "name": "x/y" }))
    );
    assert_eq!(
        get_json("/p/fn/seven/x").await,
        (
            400,
            json!({
                "error": "invalid path parameter `id`: expected i32",
                "param": "id",
                "expected": "i32",
            })
        )
    );
}

#[tokio::test]
async fn invalid_utf8_percent_encoding_is_400_json() {
    for uri in ["/p/docs/%FF", "/p/dollar/%FF", "/p/blog/a/%FF"] {
        let res = client().get(uri).send().await;
        assert_eq!(res.status(), 400, "{uri}: {}", res.text());
        check_json_type(&res, uri);
        let body: Value = res.json();
        let error = body["error"].as_str().unwrap_or_else(|| panic!("{body}"));
        assert!(error.contains("UTF-8"), "{uri}: {body}");
    }
    let body: Value = client().get("/p/docs/%FF").send().await.json();
    assert_eq!(
        body,
        json!({ "error": "invalid path parameter `name`: not valid UTF-8", "param": "name" })
    );
}

#[tokio::test]
async fn extractors_beside_parameters() {
    let res = client()
        .get("/p/mixed/5?b=2&a=1")
        .header("x-agent", "test")
        .send()
        .await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(
        res.json::<Value>(),
        json!({ "id": 5, "query": { "a": "1", "b": "2" }, "agent": "test" })
    );
    assert_eq!(
        get_json("/p/mixed/x?a=1").await,
        (
            400,
            json!({
                "error": "invalid path parameter `id`: expected u64",
                "param": "id",
                "expected": "u64",
            })
        )
    );
}

#[tokio::test]
async fn two_optional_segments() {
    for (uri, expected) in [
        ("/p/multi/docs", json!({ "lang": null, "version": null })),
        ("/p/multi/en/docs", json!({ "lang": "en", "version": null })),
        ("/p/multi/docs/3", json!({ "lang": null, "version": 3 })),
        ("/p/multi/en/docs/3", json!({ "lang": "en", "version": 3 })),
    ] {
        assert_eq!(get_json(uri).await, (200, expected), "{uri}");
    }
}

#[tokio::test]
async fn parameter_then_catch_all() {
    assert_eq!(
        get_json("/p/u/ada/files/src/main.rs").await,
        (200, json!({ "user": "ada", "path": ["src", "main.rs"] }))
    );
    let res = client().get("/p/u/ada/files").send().await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn optional_catch_all_as_a_string() {
    assert_eq!(get_json("/p/tree").await, (200, json!({ "rest": null })));
    assert_eq!(
        get_json("/p/tree/a/b").await,
        (200, json!({ "rest": "a/b" }))
    );
}

#[tokio::test]

async fn catch_all_segments_are_split_before_decoding() {
    // `a%2Fb` is one segment whose decoded text is `a/b` (Next.js `params.slug` is
    // `["a/b", "c"]`); the one-string form gets the decoded rest.
    assert_eq!(
        get_json("/p/blog/a%2Fb/c").await,
        (200, json!({ "slug": ["a/b", "c"] }))
    );
    assert_eq!(
        get_json("/p/wiki/a%2Fb/c").await,
        (200, json!({ "path": "a/b/c" }))
    );
}
