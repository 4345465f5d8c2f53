//! The OpenAPI document of prefix/suffix parameters: the path key keeps the text.

use routekit::openapi::{document, Info};
use routekit::prelude::*;
use routekit::RouteInfo;
use serde_json::Value;

#[route("/posts/post-{$id}")]
mod post {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::text(id.to_string())
    }
}

#[route(GET, "/files/{$name}.txt")]
async fn text_file(name: String) -> Response {
    Response::text(name)
}

#[route(GET, "/files/{$name}.json")]
async fn json_file(name: String) -> Response {
    Response::text(name)
}

#[route(GET, "/tiles/z{$z}/x{$x}-y.png")]
async fn tile(z: u8, x: u32) -> Response {
    Response::text(format!("{z} {x}"))
}

fn doc() -> Value {
    let infos: Vec<&'static RouteInfo> =
        routekit::openapi::routes_of(&routes![post, text_file, json_file, tile]);
    document(&infos, &Info::new("test", "1.0.0"))
}

fn param<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name} at {path} in {doc:#}"))
}

#[test]
fn path_keys_keep_the_text_and_parameters_their_type() {
    let doc = doc();
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/files/{name}.json",
            "/files/{name}.txt",
            "/posts/post-{id}",
            "/tiles/z{z}/x{x}-y.png"
        ]
    );
    let id = param(&doc, "/posts/post-{id}", "id");
    assert_eq!(id["in"], "path");
    assert_eq!(id["schema"]["type"], "integer");
    assert_eq!(id["description"], "The part of its segment after `post-`.");
    let name = param(&doc, "/files/{name}.txt", "name");
    assert_eq!(
        name["description"],
        "The part of its segment before `.txt`."
    );
    let x = param(&doc, "/tiles/z{z}/x{x}-y.png", "x");
    assert_eq!(
        x["description"],
        "The part of its segment between `x` and `-y.png`."
    );
    assert_eq!(
        param(&doc, "/tiles/z{z}/x{x}-y.png", "z")["schema"]["type"],
        "integer"
    );
    // Two routes on one axum path are two operations with their own ids.
    assert_ne!(
        doc["paths"]["/files/{name}.txt"]["get"]["operationId"],
        doc["paths"]["/files/{name}.json"]["get"]["operationId"]
    );
}
