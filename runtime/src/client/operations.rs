//! The operations of an OpenAPI document, read into what a client call needs: its path
//! template, parameters, body, answers and doc comment. Every fact comes from the
//! document; `$ref`s into `components` are followed.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// One operation of the document.
#[derive(Debug)]
pub(crate) struct Op<'d> {
    pub(crate) id: String,
    /// `GET`, `POST`, … (upper case, as `fetch` sends it).
    pub(crate) method: String,
    /// The path template, `/api/posts/{id}`.
    pub(crate) path: &'d str,
    /// Its doc comment: the method and path, then the summary and description.
    pub(crate) docs: Vec<String>,
    pub(crate) path_params: Vec<Param<'d>>,
    pub(crate) query: Vec<Param<'d>>,
    pub(crate) body: Option<Body<'d>>,
    pub(crate) answers: Vec<Answer<'d>>,
    /// A `#[server_fn]` (`x-routekit-server-fn`): its call takes the input directly.
    pub(crate) server_fn: bool,
}

/// A path or query parameter.
#[derive(Debug)]
pub(crate) struct Param<'d> {
    pub(crate) name: &'d str,
    pub(crate) schema: &'d Value,
    pub(crate) required: bool,
    pub(crate) docs: Vec<String>,
    /// A catch-all path parameter (`{*slug}` in the route): its `/` are kept.
    pub(crate) rest: bool,
}

/// How a request body is sent, from the media types the operation reads (JSON first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// `application/json` (or `…+json`): `JSON.stringify`.
    Json,
    /// `application/x-www-form-urlencoded`: the object's fields as a form.
    Form,
    /// `multipart/form-data`: a `FormData` the caller builds (fetch writes the boundary).
    Multipart,
    /// `text/*`: a string.
    Text,
    /// Anything else: bytes (`Blob`, `ArrayBuffer`, `Uint8Array`).
    Binary,
}

impl BodyKind {
    /// The name the runtime part reads (`"json"`, …).
    pub(crate) fn name(self) -> &'static str {
        match self {
            BodyKind::Json => "json",
            BodyKind::Form => "form",
            BodyKind::Multipart => "multipart",
            BodyKind::Text => "text",
            BodyKind::Binary => "binary",
        }
    }

    fn of(media_type: &str) -> BodyKind {
        match media_type {
            "application/x-www-form-urlencoded" => BodyKind::Form,
            "multipart/form-data" => BodyKind::Multipart,
            _ if is_json(media_type) => BodyKind::Json,
            _ if media_type.starts_with("text/") => BodyKind::Text,
            _ => BodyKind::Binary,
        }
    }
}

/// The request body.
#[derive(Debug)]
pub(crate) struct Body<'d> {
    pub(crate) kind: BodyKind,
    pub(crate) schema: &'d Value,
    pub(crate) required: bool,
    pub(crate) docs: Vec<String>,
}

/// Which answers a response object describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// One status, `201`.
    Code(u16),
    /// A class, `4XX`: its first digit.
    Range(u16),
    /// `default`: every status not described otherwise.
    Default,
}

impl Status {
    /// A success is what `fetch` calls `response.ok`: `200`–`299`.
    pub(crate) fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

/// One response object: its status and the media types it may come in.
#[derive(Debug)]
pub(crate) struct Answer<'d> {
    pub(crate) status: Status,
    /// `(media type, schema)`; empty for an answer without a body.
    pub(crate) content: Vec<(&'d str, Option<&'d Value>)>,
}

/// `application/json`, `application/problem+json`: a JSON body.
pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation of `doc`, in the order of its paths and methods. `rest` holds the
/// catch-all parameters as `(path, name)`: `("/docs/{slug}", "slug")`.
pub(crate) fn operations<'d>(doc: &'d Value, rest: &BTreeSet<(String, String)>) -> Vec<Op<'d>> {
    let mut ops = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    let mut ids = BTreeSet::new();
    for (path, item) in paths {
        let item = resolve(doc, item);
        let shared = item.get("parameters").and_then(Value::as_array);
        for &method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let mut op = read(doc, path, method, operation, shared, rest);
            // A document need not give ids; the client names such calls by method and path.
            if op.id.is_empty() || !ids.insert(op.id.clone()) {
                let mut id = format!("{method}.{}", path.trim_matches('/').replace('/', "."));
                while !ids.insert(id.clone()) {
                    id.push('_');
                }
                op.id = id;
            }
            ops.push(op);
        }
    }
    ops
}

fn read<'d>(
    doc: &'d Value,
    path: &'d str,
    method: &str,
    operation: &'d Value,
    shared: Option<&'d Vec<Value>>,
    rest: &BTreeSet<(String, String)>,
) -> Op<'d> {
    let text = |key: &str| operation.get(key).and_then(Value::as_str);
    let docs = operation_docs(
        operation,
        &format!("`{} {path}`", method.to_ascii_uppercase()),
    );

    let mut path_params = Vec::new();
    let mut query = Vec::new();
    // An operation's own parameter wins over the path item's of the same name and place.
    let own = operation.get("parameters").and_then(Value::as_array);
    let mut seen = BTreeSet::new();
    for param in own.into_iter().chain(shared).flatten() {
        let param = resolve(doc, param);
        let (Some(name), Some(place)) = (
            param.get("name").and_then(Value::as_str),
            param.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        if !seen.insert((name, place)) {
            continue;
        }
        let schema = param.get("schema").unwrap_or(&Value::Bool(true));
        let mut docs = Vec::new();
        if let Some(description) = param.get("description").and_then(Value::as_str) {
            docs.push(description.to_owned());
        }
        if schema.get("description").is_none() {
            docs.extend(super::schema::property_docs(schema));
        } else {
            // The schema's description is the parameter's, said once.
            let mut rest = super::schema::property_docs(schema);
            rest.retain(|line| line.starts_with('@'));
            docs.extend(rest);
        }
        let required = param.get("required") == Some(&Value::Bool(true));
        let param = Param {
            name,
            schema,
            required: required || place == "path",
            docs,
            rest: place == "path" && rest.contains(&(path.to_owned(), name.to_owned())),
        };
        match place {
            "path" => path_params.push(param),
            "query" => query.push(param),
            // Headers and cookies go in the call's `headers`.
            _ => {}
        }
    }
    // Parameters in the order the template names them.
    path_params.sort_by_key(|p| path.find(&format!("{{{}}}", p.name)));

    let body = operation
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|body| {
            let content = body.get("content")?.as_object()?;
            let (kind, media) = content
                .iter()
                .map(|(media_type, media)| (BodyKind::of(media_type), media))
                .min_by_key(|(kind, _)| *kind as u8)?;
            Some(Body {
                kind,
                schema: media.get("schema").unwrap_or(&Value::Bool(true)),
                required: body.get("required") == Some(&Value::Bool(true)),
                docs: body
                    .get("description")
                    .and_then(Value::as_str)
                    .map(|d| vec![d.to_owned()])
                    .unwrap_or_default(),
            })
        });

    let answers = operation
        .get("responses")
        .and_then(Value::as_object)
        .map(|responses| answers(doc, responses))
        .unwrap_or_default();

    Op {
        id: text("operationId").unwrap_or("").to_owned(),
        method: method.to_ascii_uppercase(),
        path,
        docs,
        path_params,
        query,
        body,
        answers,
        server_fn: operation.get("x-routekit-server-fn") == Some(&Value::Bool(true)),
    }
}

/// The operation's doc comment, a paragraph each: its summary and description, the
/// request (unless the summary starts with it), the credentials it needs.
fn operation_docs(operation: &Value, request: &str) -> Vec<String> {
    let text = |key: &str| operation.get(key).and_then(Value::as_str);
    let mut paragraphs: Vec<String> = ["summary", "description"]
        .into_iter()
        .filter_map(|key| text(key).map(str::to_owned))
        .collect();
    if !paragraphs
        .first()
        .is_some_and(|summary| summary.starts_with(request))
    {
        paragraphs.push(request.to_owned());
    }
    let schemes: Vec<&str> = operation
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys().map(String::as_str))
        .collect();
    if !schemes.is_empty() {
        paragraphs.push(format!(
            "Needs credentials: `{}` (send them in the client's or the call's `headers`).",
            schemes.join("`, `")
        ));
    }
    let mut docs = Vec::new();
    for paragraph in paragraphs {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(paragraph);
    }
    if operation.get("deprecated") == Some(&Value::Bool(true)) {
        docs.push("@deprecated".to_owned());
    }
    docs
}

fn answers<'d>(doc: &'d Value, responses: &'d Map<String, Value>) -> Vec<Answer<'d>> {
    let mut out = Vec::new();
    for (key, response) in responses {
        let status = match key.as_str() {
            "default" => Status::Default,
            key if key.len() == 3 && key[1..].eq_ignore_ascii_case("XX") => {
                match key[..1].parse() {
                    Ok(class) => Status::Range(class),
                    Err(_) => continue,
                }
            }
            key => match key.parse() {
                Ok(code) => Status::Code(code),
                Err(_) => continue,
            },
        };
        let response = resolve(doc, response);
        let content = response
            .get("content")
            .and_then(Value::as_object)
            .map(|content| {
                content
                    .iter()
                    .map(|(media_type, media)| (media_type.as_str(), media.get("schema")))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Answer { status, content });
    }
    out
}

/// `value`, or what its `$ref` into this document points at (followed a few times).
fn resolve<'d>(doc: &'d Value, mut value: &'d Value) -> &'d Value {
    for _ in 0..8 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            break;
        };
        match doc.pointer(pointer) {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}
