//! The OpenAPI document generated from routes: parameters by type, bodies, responses,
//! routekit's own answers, security from middleware, doc comments, operation ids.
//!
//! Each test builds the document of the routes it names (`document(&[…])`), so tests in
//! this binary never see each other's routes.

use std::str::FromStr;

use routekit::openapi::{document, Info, JsonSchema};
use routekit::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The document of an app's routes.
fn doc_of(app: &axum::Router) -> Value {
    document(
        &routekit::openapi::routes_of(app),
        &Info::new("test", "1.0.0"),
    )
}

fn op<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "no {method} {path} in {doc:#}");
    op
}

fn param<'a>(op: &'a Value, name: &str) -> &'a Value {
    op["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name} in {op:#}"))
}

fn schema<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => {
            let name = reference.strip_prefix("#/components/schemas/").unwrap();
            &doc["components"]["schemas"][name]
        }
        None => value,
    }
}

fn statuses(op: &Value) -> Vec<String> {
    op["responses"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

// ---- parameters by type ----

/// A colour written `red` or `blue`; only `FromStr`, so the document says string.
#[derive(Debug)]
pub struct Colour(pub String);

impl FromStr for Colour {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(Colour(s.to_owned()))
    }
}

/// A kind with a schema: the document names its values.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Book,
    Film,
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "book" => Ok(Kind::Book),
            "film" => Ok(Kind::Film),
            _ => Err("unknown kind".into()),
        }
    }
}

#[route("/things/$id/$uuid/$colour/$kind")]
mod things {
    use super::*;
    pub async fn GET(id: u64, uuid: uuid::Uuid, colour: Colour, kind: Kind) -> Response {
        let _ = (id, uuid, colour, kind);
        Response::empty()
    }
}

#[test]
fn path_parameters_have_the_schema_of_their_type() {
    let doc = doc_of(&routes![things]);
    let op = op(&doc, "/things/{id}/{uuid}/{colour}/{kind}", "get");
    let id = param(op, "id");
    assert_eq!(id["in"], "path");
    assert_eq!(id["required"], true);
    assert_eq!(id["schema"]["type"], "integer");
    assert_eq!(id["schema"]["minimum"], 0);
    assert_eq!(param(op, "uuid")["schema"]["format"], "uuid");
    assert_eq!(param(op, "colour")["schema"]["type"], "string");
    let kind = schema(&doc, &param(op, "kind")["schema"]);
    assert_eq!(kind["enum"], json!(["book", "film"]), "{doc:#}");
}

#[route(GET, "/files/[...path]")]
async fn files(path: Vec<String>) -> Response {
    Response::json(&path)
}

#[route(GET, "/{-$lang}/about")]
async fn about(lang: Option<String>) -> Response {
    Response::json(&lang)
}

#[route(GET, "/docs/[[...slug]]")]
async fn guide(slug: Option<Vec<String>>) -> Response {
    Response::json(&slug)
}

#[test]
fn catch_alls_and_optional_segments_are_described_honestly() {
    let doc = doc_of(&routes![files, about, guide]);
    let files = op(&doc, "/files/{path}", "get");
    let path = param(files, "path");
    assert_eq!(path["schema"]["type"], "string");
    assert!(
        path["description"].as_str().unwrap().contains("segments"),
        "{path}"
    );

    // An optional segment is two paths, each with the parameters it has.
    let without = op(&doc, "/about", "get");
    assert!(without.get("parameters").is_none(), "{without}");
    let with = op(&doc, "/{lang}/about", "get");
    assert!(param(with, "lang")["description"]
        .as_str()
        .unwrap()
        .contains("Optional"));
    assert_ne!(without["operationId"], with["operationId"]);

    assert!(doc["paths"]["/docs"]["get"].is_object(), "{doc:#}");
    assert!(doc["paths"]["/docs/{slug}"]["get"].is_object(), "{doc:#}");
}

// ---- query parameters and bodies ----

#[derive(Deserialize, JsonSchema)]
pub struct Pagination {
    /// The page, from 1.
    #[garde(range(min = 1))]
    pub page: u32,
    pub limit: Option<u32>,
}

#[derive(Deserialize, JsonSchema, garde::Validate)]
pub struct Signup {
    #[garde(length(min = 1, max = 100))]
    pub name: String,
    #[garde(email)]
    pub email: String,
}

#[derive(Serialize, JsonSchema)]
pub struct Account {
    pub id: u64,
    pub name: String,
}

#[route("/accounts")]
mod accounts {
    use super::*;

    pub async fn GET(Query(page): Query<Pagination>) -> Json<Vec<Account>> {
        let _ = page;
        Json(Vec::new())
    }

    pub async fn POST(Json(signup): Json<Signup>) -> Result<Json<Account>, ApiError> {
        Ok(Json(Account {
            id: 1,
            name: signup.name,
        }))
    }

    pub async fn PUT(Valid(signup): Valid<Signup>) -> (StatusCode, Json<Account>) {
        (
            StatusCode::OK,
            Json(Account {
                id: 1,
                name: signup.name,
            }),
        )
    }

    pub async fn PATCH(axum::Form(signup): axum::Form<Signup>) -> Json<Account> {
        Json(Account {
            id: 1,
            name: signup.name,
        })
    }
}

#[route(POST, "/uploads")]
async fn upload(multipart: axum::extract::Multipart) -> StatusCode {
    drop(multipart);
    StatusCode::NO_CONTENT
}

/// Reads its body in code, so it names the type once.
#[route(POST, "/signups")]
#[body(Signup)]
#[response(201, Account)]
async fn signup(mut req: Request) -> Result<Response, ApiError> {
    let signup: Signup = req.json_valid().await?;
    Ok(Response::json(&json!({ "id": 1, "name": signup.name })).status(201))
}

#[test]
fn query_parameters_come_from_the_query_type() {
    let doc = doc_of(&routes![accounts]);
    let get = op(&doc, "/accounts", "get");
    let page = param(get, "page");
    assert_eq!(page["in"], "query");
    assert_eq!(page["required"], true);
    assert_eq!(page["schema"]["minimum"], 1, "garde's range: {page}");
    assert_eq!(page["description"], "The page, from 1.");
    assert_eq!(param(get, "limit")["required"], false);
}

#[test]
fn bodies_by_extractor_with_garde_rules_as_constraints() {
    let doc = doc_of(&routes![accounts, upload, signup]);
    let post = op(&doc, "/accounts", "post");
    let body = &post["requestBody"];
    assert_eq!(body["required"], true);
    let signup = schema(&doc, &body["content"]["application/json"]["schema"]);
    assert_eq!(signup["properties"]["name"]["minLength"], 1, "{signup}");
    assert_eq!(signup["properties"]["name"]["maxLength"], 100);
    assert_eq!(signup["properties"]["email"]["format"], "email");

    let put = op(&doc, "/accounts", "put");
    let content = put["requestBody"]["content"].as_object().unwrap();
    assert!(content.contains_key("application/json"), "{put}");
    assert!(content.contains_key("application/x-www-form-urlencoded"));

    let patch = op(&doc, "/accounts", "patch");
    let content = patch["requestBody"]["content"].as_object().unwrap();
    assert_eq!(
        content.keys().collect::<Vec<_>>(),
        ["application/x-www-form-urlencoded"]
    );

    let upload = op(&doc, "/uploads", "post");
    assert!(upload["requestBody"]["content"]["multipart/form-data"].is_object());

    let in_code = op(&doc, "/signups", "post");
    assert_eq!(
        in_code["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Signup"
    );
}

// ---- responses ----

#[test]
fn responses_from_typed_return_values() {
    let doc = doc_of(&routes![accounts, signup, upload]);
    let get = op(&doc, "/accounts", "get");
    let ok = &get["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(ok["type"], "array");
    assert_eq!(ok["items"]["$ref"], "#/components/schemas/Account");
    assert!(get["responses"].get("default").is_none(), "{get}");

    let post = op(&doc, "/accounts", "post");
    assert!(post["responses"]["200"].is_object());
    assert_eq!(
        post["responses"]["default"]["$ref"], "#/components/responses/Error",
        "`ApiError` may answer any status"
    );

    let put = op(&doc, "/accounts", "put");
    assert_eq!(
        put["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Account",
        "(StatusCode, Json<T>): the status is chosen at run time"
    );

    let signup = op(&doc, "/signups", "post");
    assert_eq!(
        signup["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Account"
    );
    assert!(signup["responses"].get("200").is_none());

    let upload = op(&doc, "/uploads", "post");
    assert!(upload["responses"]["default"].is_object(), "StatusCode");
}

#[route(GET, "/untyped")]
async fn untyped() -> Response {
    Response::new("text")
}

#[test]
fn an_untyped_response_is_any_answer() {
    let doc = doc_of(&routes![untyped]);
    let op = op(&doc, "/untyped", "get");
    let default = &op["responses"]["default"];
    assert!(
        default["description"]
            .as_str()
            .unwrap()
            .contains("#[response"),
        "{op}"
    );
    assert!(default.get("content").is_none());
}

#[test]
fn routekit_answers_only_where_they_can_occur() {
    let doc = doc_of(&routes![untyped, accounts, things, signup]);
    let plain = statuses(op(&doc, "/untyped", "get"));
    assert_eq!(plain, ["500", "default"], "no parameters, no body");

    let query = statuses(op(&doc, "/accounts", "get"));
    assert!(query.contains(&"400".to_owned()));
    assert!(!query.contains(&"413".to_owned()) && !query.contains(&"415".to_owned()));

    let params = statuses(op(&doc, "/things/{id}/{uuid}/{colour}/{kind}", "get"));
    assert!(params.contains(&"400".to_owned()));

    let json = statuses(op(&doc, "/accounts", "post"));
    for status in ["400", "413", "415", "422", "500"] {
        assert!(json.contains(&status.to_owned()), "{status} in {json:?}");
    }
    let in_code = statuses(op(&doc, "/signups", "post"));
    assert!(
        !in_code.contains(&"422".to_owned()),
        "routekit's readers answer 400"
    );

    let bad_request = &doc["components"]["responses"]["BadRequest"];
    let shapes = &bad_request["content"]["application/json"]["schema"]["anyOf"];
    assert_eq!(shapes[1]["$ref"], "#/components/schemas/ValidationError");
    let flatten = &doc["components"]["schemas"]["ValidationError"]["properties"]["error"];
    assert_eq!(flatten["required"], json!(["formErrors", "fieldErrors"]));
    assert_eq!(
        doc["components"]["schemas"]["ApiError"]["required"],
        json!(["error"])
    );
}

// ---- security from middleware ----

#[derive(Clone)]
pub struct User;

/// Bearer token → user.
#[middleware]
#[security(bearer, format = "opaque")]
pub async fn auth(headers: HeaderMap) -> Result<User, ApiError> {
    match headers.get("authorization") {
        Some(_) => Ok(User),
        None => Err(ApiError::unauthorized("Unauthorized")),
    }
}

#[middleware]
#[security(header = "x-api-key")]
pub async fn api_key(headers: HeaderMap) -> Result<(), ApiError> {
    headers
        .get("x-api-key")
        .map(|_| ())
        .ok_or_else(|| ApiError::unauthorized("Unauthorized"))
}

#[middleware]
pub async fn timing(req: Request, next: Next) -> Response {
    next.run(req).await
}

#[route("/private")]
#[middleware(auth, timing)]
mod private {
    use super::*;
    pub async fn GET(user: Ctx<User>) -> Json<Vec<Account>> {
        let _ = user;
        Json(Vec::new())
    }

    #[middleware(api_key)]
    pub async fn DELETE(user: Ctx<User>) -> StatusCode {
        let _ = user;
        StatusCode::NO_CONTENT
    }
}

#[test]
fn security_is_declared_once_on_the_middleware() {
    let doc = doc_of(&routes![private, untyped]);
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(
        schemes["auth"],
        json!({ "type": "http", "scheme": "bearer", "bearerFormat": "opaque" })
    );
    assert_eq!(
        schemes["api_key"],
        json!({ "type": "apiKey", "in": "header", "name": "x-api-key" })
    );
    let get = op(&doc, "/private", "get");
    assert_eq!(get["security"], json!([{ "auth": [] }]));
    assert_eq!(
        get["responses"]["401"]["$ref"],
        "#/components/responses/Unauthorized"
    );
    assert_eq!(
        get["responses"]["default"]["$ref"], "#/components/responses/Error",
        "the provider's `ApiError`"
    );
    let delete = op(&doc, "/private", "delete");
    assert_eq!(delete["security"], json!([{ "auth": [], "api_key": [] }]));

    let open = op(&doc, "/untyped", "get");
    assert!(open.get("security").is_none());
    assert!(open["responses"].get("401").is_none());
}

// ---- doc comments and operation ids ----

pub mod blog {
    use super::*;

    #[route("/posts/$id")]
    pub mod post {
        use super::*;

        /// Reads one post.
        ///
        /// Drafts are visible to
        /// their author only.
        pub async fn GET(id: u64) -> Response {
            let _ = id;
            Response::empty()
        }

        pub async fn DELETE(id: u64) -> Response {
            let _ = id;
            Response::empty()
        }
    }

    /// Says hello.
    #[route(GET, "/hello")]
    pub async fn hello() -> &'static str {
        "hello"
    }
}

pub mod other {
    use super::*;

    #[route(GET, "/other/hello")]
    pub async fn hello() -> &'static str {
        "hello"
    }
}

#[test]
fn doc_comments_become_summary_and_description() {
    let doc = doc_of(&routes![blog::post, blog::hello]);
    let get = op(&doc, "/posts/{id}", "get");
    assert_eq!(get["summary"], "Reads one post.");
    assert_eq!(
        get["description"],
        "Drafts are visible to\ntheir author only."
    );
    assert!(op(&doc, "/posts/{id}", "delete").get("summary").is_none());
    assert_eq!(op(&doc, "/hello", "get")["summary"], "Says hello.");
    assert_eq!(
        op(&doc, "/hello", "get")["responses"]["200"]["content"]["text/plain; charset=utf-8"]
            ["schema"]["type"],
        "string"
    );
}

#[test]
fn operation_ids_come_from_the_module_path_and_are_unique() {
    let doc = doc_of(&routes![
        blog::post,
        blog::hello,
        other::hello,
        about,
        guide,
        accounts
    ]);
    assert_eq!(
        op(&doc, "/posts/{id}", "get")["operationId"],
        "blog.post.get"
    );
    assert_eq!(
        op(&doc, "/posts/{id}", "delete")["operationId"],
        "blog.post.delete"
    );
    assert_eq!(op(&doc, "/hello", "get")["operationId"], "blog.hello.get");
    assert_eq!(
        op(&doc, "/other/hello", "get")["operationId"],
        "other.hello.get"
    );
    assert_eq!(op(&doc, "/about", "get")["operationId"], "about.get");
    assert_eq!(
        op(&doc, "/{lang}/about", "get")["operationId"],
        "about.get.lang"
    );
    assert_eq!(op(&doc, "/accounts", "put")["operationId"], "accounts.put");
    let tags: Vec<&Value> = doc["tags"].as_array().unwrap().iter().collect();
    assert!(tags.contains(&&json!({ "name": "blog" })), "{tags:?}");

    let mut ids = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            ids.push(op["operationId"].as_str().unwrap().to_owned());
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "{ids:?}");
    assert!(count >= 10);
}

#[test]
fn the_same_route_twice_still_has_unique_ids() {
    // Two documents' worth of one route: ids get a suffix rather than repeat.
    let infos = routekit::openapi::routes_of(&routes![blog::hello, other::hello]);
    let doc = document(&infos, &Info::new("t", "1"));
    assert_ne!(
        op(&doc, "/hello", "get")["operationId"],
        op(&doc, "/other/hello", "get")["operationId"]
    );
}

#[test]
fn the_document_is_openapi_3_1() {
    let doc = doc_of(&routes![things, accounts, private]);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "test");
    assert_eq!(doc["info"]["version"], "1.0.0");
    // Every `$ref` points at something that exists.
    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for reference in all {
        let pointer = reference.strip_prefix('#').unwrap();
        assert!(doc.pointer(pointer).is_some(), "dangling {reference}");
    }
}
