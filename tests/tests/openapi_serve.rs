//! Serving the OpenAPI document and the docs page, each mounted with one line; each app
//! documents its own routes.

use routekit::openapi::{self, DocsPage, Info, JsonSchema};
use routekit::prelude::*;
use routekit::test::TestClient;
use serde::Serialize;
use serde_json::Value;

#[derive(Serialize, JsonSchema)]
pub struct Note {
    pub id: u64,
    pub text: String,
}

/// One note.
#[route(GET, "/api/notes/$id")]
async fn note(id: u64) -> Json<Note> {
    Json(Note {
        id,
        text: "hello".into(),
    })
}

fn app() -> axum::Router {
    let app = routes![note];
    let app = openapi::mount(app, Info::new("Notes", "2.0.0").description("A small API."));
    openapi::docs(app, "/docs")
}

#[tokio::test]
async fn the_document_and_the_page_are_served_next_to_the_routes() {
    let client = TestClient::new(app());

    let res = client.get("/openapi.json").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let doc: Value = res.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Notes");
    assert_eq!(doc["info"]["description"], "A small API.");
    let get = &doc["paths"]["/api/notes/{id}"]["get"];
    assert_eq!(get["summary"], "One note.");
    assert_eq!(
        get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Note"
    );
    assert!(
        doc["paths"].get("/openapi.json").is_none() && doc["paths"].get("/docs").is_none(),
        "the document does not describe itself"
    );

    let page = client.get("/docs").send().await;
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let html = page.text();
    assert!(
        html.contains(r#"const SPEC_URL = "/openapi.json";"#),
        "{html}"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "loads nothing from elsewhere"
    );

    // The routes still answer as before.
    let res = client.get("/api/notes/7").send().await;
    assert_eq!(res.json::<Value>()["id"], 7);
}

#[tokio::test]
async fn paths_and_titles_are_settings() {
    let app = routes![note];
    let app = openapi::mount(app, Info::new("Notes", "1").path("/api/openapi.json"));
    let app = openapi::docs(
        app,
        DocsPage::at("/api/reference")
            .spec_url("/api/openapi.json")
            .title("Notes </title> & co"),
    );
    let client = TestClient::new(app);
    assert_eq!(client.get("/api/openapi.json").send().await.status(), 200);
    let html = client.get("/api/reference").send().await.text();
    assert!(html.contains(r#"const SPEC_URL = "/api/openapi.json";"#));
    assert!(
        html.contains("<title>Notes &lt;/title&gt; &amp; co</title>"),
        "{html}"
    );
    assert_eq!(client.get("/openapi.json").send().await.status(), 404);
}

/// Under `Router::nest("/v1", app)`, the document says where its paths are (`servers`) and
/// the page is told where the document is.
#[tokio::test]
async fn a_nested_app_is_documented_under_its_prefix() {
    let nested = openapi::mount(routes![note], Info::new("Notes", "1").server("/v1"));
    let nested = openapi::docs(nested, DocsPage::at("/docs").spec_url("/v1/openapi.json"));
    let client = TestClient::new(axum::Router::new().nest("/v1", nested));
    let doc: Value = client.get("/v1/openapi.json").send().await.json();
    assert_eq!(doc["servers"], serde_json::json!([{ "url": "/v1" }]));
    assert!(doc["paths"].get("/api/notes/{id}").is_some(), "{doc}");
    let html = client.get("/v1/docs").send().await.text();
    assert!(html.contains(r#"const SPEC_URL = "/v1/openapi.json";"#));
    // The document's path under its server is a route that answers.
    assert_eq!(
        client.get("/v1/api/notes/3").send().await.json::<Value>()["id"],
        3
    );
    // Without `server`, no `servers`: OpenAPI reads that as `/`.
    let plain: Value = TestClient::new(app())
        .get("/openapi.json")
        .send()
        .await
        .json();
    assert!(plain.get("servers").is_none());
}

/// Several apps in one process each get a document of their own routes: each router
/// carries its own route table.
#[tokio::test]
async fn two_apps_each_document_their_own_routes() {
    #[route(GET, "/only/in/second")]
    async fn second() -> &'static str {
        "second"
    }
    let first = openapi::mount(routes![note], Info::new("first", "1"));
    let other = openapi::mount(routes![second], Info::new("second", "1"));
    let first: Value = TestClient::new(first)
        .get("/openapi.json")
        .send()
        .await
        .json();
    let other: Value = TestClient::new(other)
        .get("/openapi.json")
        .send()
        .await
        .json();
    assert!(first["paths"].get("/only/in/second").is_none());
    assert!(first["paths"].get("/api/notes/{id}").is_some());
    assert!(other["paths"].get("/api/notes/{id}").is_none());
    assert!(other["paths"].get("/only/in/second").is_some());
}
