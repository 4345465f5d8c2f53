//! The answers routekit gives by itself, described once under `components` and referenced
//! by the operations where they can occur.

use serde_json::{json, Map, Value};

use super::__gen::ANSWERS;

/// `components.schemas` for routekit's two error shapes.
pub(crate) fn schemas() -> [(&'static str, Value); 2] {
    [
        (
            "ApiError",
            json!({
                "description": "routekit's error shape: `{\"error\": \"message\"}`. Some answers add members, such as `param` naming a path parameter that did not parse.",
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": { "type": "string", "description": "What went wrong." }
                }
            }),
        ),
        (
            "ValidationError",
            json!({
                "description": "Input that failed validation, in zod's `error.flatten()` shape.",
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["formErrors", "fieldErrors"],
                        "properties": {
                            "formErrors": {
                                "type": "array",
                                "items": { "type": "string" },
                                "description": "Errors about the input as a whole."
                            },
                            "fieldErrors": {
                                "type": "object",
                                "additionalProperties": { "type": "array", "items": { "type": "string" } },
                                "description": "Errors by field path: `email`, `address.city`, `tags[1]`."
                            }
                        }
                    }
                }
            }),
        ),
    ]
}

fn description(status: u16) -> &'static str {
    match status {
        400 => "A path parameter, query parameter or body that does not parse or validate.",
        401 => "Missing or invalid credentials.",
        404 => "No route matches the path.",
        405 => "The path does not answer this method; `Allow` lists the ones it does.",
        413 => "The body is larger than the route's limit.",
        415 => "The body's content type is not one the route reads.",
        422 => "A JSON or form body that parses but does not fit the type.",
        _ => "The handler failed or panicked; the cause is logged, never sent.",
    }
}

fn error_ref() -> Value {
    json!({ "$ref": "#/components/schemas/ApiError" })
}

/// The shared response of one status routekit answers by itself.
fn response(status: u16) -> Value {
    let schema = if status == 400 {
        json!({ "anyOf": [error_ref(), { "$ref": "#/components/schemas/ValidationError" }] })
    } else {
        error_ref()
    };
    let mut response = json!({
        "description": description(status),
        "content": { "application/json": { "schema": schema } }
    });
    if status == 405 {
        response["headers"] = json!({
            "Allow": { "description": "The methods the path answers.", "schema": { "type": "string" } }
        });
    }
    response
}

/// `components.responses`: one per status of [`ANSWERS`], and `Error` for a handler's
/// `ApiError` of any status.
pub(crate) fn responses() -> Map<String, Value> {
    let mut out = Map::new();
    for &(status, name) in ANSWERS {
        out.insert(name.to_owned(), response(status));
    }
    out.insert(
        "Error".to_owned(),
        json!({
            "description": "An error the handler answers: `{\"error\": …}` with its status.",
            "content": { "application/json": { "schema": {
                "anyOf": [error_ref(), { "$ref": "#/components/schemas/ValidationError" }]
            } } }
        }),
    );
    out
}

/// The `$ref` of the shared response for `status`.
pub(crate) fn reference(status: u16) -> Option<Value> {
    ANSWERS
        .iter()
        .find(|(s, _)| *s == status)
        .map(|(_, name)| json!({ "$ref": format!("#/components/responses/{name}") }))
}
