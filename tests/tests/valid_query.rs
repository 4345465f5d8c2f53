//! `ValidQuery<T>` and `req.query_valid()`: a query string read into a type and checked by
//! its `garde` rules, answering zod's `flatten()` shape with every bad field, as a JSON
//! body does, and documented in OpenAPI with the rules as schema keywords.

use garde::Validate;
use routekit::openapi::{document, Info, JsonSchema};
use routekit::prelude::*;
use routekit::test::TestClient;
use routekit::{RouteInfo, ValidQuery};
use serde::Deserialize;
use serde_json::{json, Value};

fn default_limit() -> u32 {
    10
}

/// Which page of users.
#[derive(Debug, Deserialize, Validate, JsonSchema)]
#[schemars(crate = "routekit::openapi::schemars")]
struct Pagination {
    #[garde(range(min = 1))]
    page: u32,
    #[serde(default = "default_limit")]
    #[garde(range(min = 1, max = 100))]
    limit: u32,
    #[garde(length(min = 1))]
    q: Option<String>,
}

#[derive(Debug, Deserialize, Validate, JsonSchema)]
#[schemars(crate = "routekit::openapi::schemars")]
struct Tags {
    #[garde(inner(length(min = 2)))]
    tag: Vec<String>,
    #[garde(skip)]
    strict: Option<bool>,
}

#[route(GET, "/api/users")]
async fn users(ValidQuery(page): ValidQuery<Pagination>) -> Response {
    Response::json(&json!({ "page": page.page, "limit": page.limit, "q": page.q }))
}

#[route(GET, "/api/tags")]
async fn tags(req: Request) -> Result<Response, ApiError> {
    let tags: Tags = req.query_valid()?;
    Ok(Response::json(
        &json!({ "tag": tags.tag, "strict": tags.strict }),
    ))
}

fn client() -> TestClient {
    TestClient::new(routes![users, tags])
}

async fn get(path: &str) -> (u16, Value) {
    let res = client().get(path).send().await;
    (res.status().as_u16(), res.json())
}

#[tokio::test]
async fn a_query_that_fits_reaches_the_handler_with_its_defaults() {
    assert_eq!(
        get("/api/users?page=2&q=ada%20l").await,
        (200, json!({ "page": 2, "limit": 10, "q": "ada l" }))
    );
    assert_eq!(
        get("/api/users?page=3&limit=100").await,
        (200, json!({ "page": 3, "limit": 100, "q": null }))
    );
}

#[tokio::test]
async fn every_bad_field_is_named_in_one_answer() {
    // A type error and a broken rule together, as zod reports them.
    assert_eq!(
        get("/api/users?page=abc&limit=0").await,
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": {
                "page": ["invalid type: string \"abc\", expected u32"],
                "limit": ["lower than 1"],
            }}})
        )
    );
    // Two type errors: axum's `Query` would stop at the first.
    assert_eq!(
        get("/api/users?page=x&limit=y").await,
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": {
                "page": ["invalid type: string \"x\", expected u32"],
                "limit": ["invalid type: string \"y\", expected u32"],
            }}})
        )
    );
    // Rules alone, the query deserializing fine.
    assert_eq!(
        get("/api/users?page=0&limit=500&q=a").await,
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": {
                "page": ["lower than 1"],
                "limit": ["greater than 100"],
            }}})
        )
    );
}

#[tokio::test]
async fn an_empty_value_counts_as_absent_as_a_form_field_left_blank() {
    assert_eq!(
        get("/api/users?page=4&limit=&q=").await,
        (200, json!({ "page": 4, "limit": 10, "q": null }))
    );
    assert_eq!(
        get("/api/users?page=4&q").await,
        (200, json!({ "page": 4, "limit": 10, "q": null }))
    );
    let (status, body) = get("/api/users?page=").await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["fieldErrors"]["page"],
        json!(["missing field"])
    );
}

#[tokio::test]
async fn a_missing_field_is_named_with_the_others() {
    assert_eq!(
        get("/api/users?limit=0").await,
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": {
                "page": ["missing field"],
                "limit": ["lower than 1"],
            }}})
        )
    );
}

#[tokio::test]
async fn a_repeated_key_fills_a_list_and_one_key_is_a_list_of_one() {
    assert_eq!(
        get("/api/tags?tag=rust&tag=web&strict=true").await,
        (200, json!({ "tag": ["rust", "web"], "strict": true }))
    );
    assert_eq!(
        get("/api/tags?tag=rust").await,
        (200, json!({ "tag": ["rust"], "strict": null }))
    );
    assert_eq!(
        get("/api/tags?tag=rust&tag=x&strict=maybe").await,
        (
            400,
            json!({ "error": { "formErrors": [], "fieldErrors": {
                "strict": ["invalid type: string \"maybe\", expected a boolean"],
                "tag[1]": ["length is lower than 2"],
            }}})
        )
    );
}

#[test]
fn the_document_lists_each_field_with_its_rules() {
    let infos: Vec<&'static RouteInfo> = routekit::openapi::routes_of(&routes![users]);
    let doc = document(&infos, &Info::new("test", "1.0.0"));
    let op = &doc["paths"]["/api/users"]["get"];
    let param = |name: &str| {
        op["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .unwrap_or_else(|| panic!("no parameter {name} in {op:#}"))
            .clone()
    };
    let page = param("page");
    assert_eq!(page["in"], "query");
    assert_eq!(page["required"], true);
    assert_eq!(page["schema"]["minimum"], 1, "{page:#}");
    let limit = param("limit");
    assert_eq!(limit["required"], false);
    assert_eq!(limit["schema"]["minimum"], 1, "{limit:#}");
    assert_eq!(limit["schema"]["maximum"], 100, "{limit:#}");
    assert_eq!(param("q")["schema"]["minLength"], 1, "{op:#}");
    // `?page=` reads as no `page`, which OpenAPI spells `allowEmptyValue`.
    assert_eq!(page["allowEmptyValue"], true, "{page:#}");
    assert!(op["responses"]["400"].is_object(), "{op:#}");
}
