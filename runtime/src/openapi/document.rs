//! Assembling the OpenAPI 3.1 document from the route table.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::__gen::{Generators, Operation};
use super::components;
use crate::routes::{MethodInfo, RouteInfo, RouteKind};

/// The document's `info`: its title and the API's version, with an optional description.
#[derive(Debug, Clone)]
pub struct Info {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Where [`mount`](super::mount) serves the document; `/openapi.json` unless set.
    pub path: String,
    /// The document's `servers`: the base URLs its paths are relative to. Empty unless set,
    /// which OpenAPI reads as `/`.
    pub servers: Vec<String>,
}

impl Info {
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            version: version.into(),
            description: None,
            path: "/openapi.json".to_owned(),
            servers: Vec::new(),
        }
    }

    /// Adds a base URL the document's paths are relative to (OpenAPI's `servers`): under
    /// `Router::nest("/v1", app)` write `.server("/v1")`, and clients, the docs page's
    /// "try it" and Schemathesis send `/v1/api/…`. A full URL (`https://api.example.com/v1`)
    /// works too; call it once per server.
    pub fn server(mut self, url: impl Into<String>) -> Self {
        self.servers.push(url.into());
        self
    }

    /// The API's description (CommonMark), shown at the top of the docs page.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Serves the document at `path` instead of `/openapi.json`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }
}

/// One parameter of a route's path (`/docs/{*slug}`, `/posts/post-{id}`): its name and
/// whether it is a catch-all.
fn path_params(path: &str) -> Vec<(&str, bool)> {
    path.split('/')
        .filter_map(|segment| {
            let open = segment.find('{')?;
            let close = segment.rfind('}')?;
            segment.get(open + 1..close)
        })
        .map(|name| match name.strip_prefix('*') {
            Some(name) => (name, true),
            None => (name, false),
        })
        .collect()
}

/// The text around parameter `name` in path `index` of `route` (`post-{id}` →
/// `("post-", "")`), if any: from the route's table, at the segment that holds the parameter.
fn affix_of(route: &RouteInfo, index: usize, name: &str) -> Option<(&'static str, &'static str)> {
    let table = route.affixes.get(index)?;
    let segment = route.paths.get(index)?.split('/').position(|segment| {
        segment
            .strip_prefix('{')
            .and_then(|segment| segment.strip_suffix('}'))
            .is_some_and(|param| param.trim_start_matches('*') == name)
    })?;
    table
        .entries
        .iter()
        .find(|(at, _, _)| *at == segment)
        .map(|&(_, prefix, suffix)| (prefix, suffix))
}

/// `/docs/{*slug}` as OpenAPI writes it: `/docs/{slug}`.
fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

/// The handler's doc comment: its first paragraph as the summary, the rest as the
/// description.
fn summary_and_description(docs: &str) -> (Option<String>, Option<String>) {
    let docs = docs.trim();
    if docs.is_empty() {
        return (None, None);
    }
    let (first, rest) = match docs.find("\n\n") {
        Some(at) => (&docs[..at], docs[at..].trim()),
        None => (docs, ""),
    };
    let summary = first.split_whitespace().collect::<Vec<_>>().join(" ");
    let description = (!rest.is_empty()).then(|| rest.to_owned());
    (Some(summary), description)
}

/// `blog::posts::item` + `GET` → `posts.item.get`: the module path without the crate,
/// then the function for a function-form route, then the method.
fn operation_id(route: &RouteInfo, module: &str, method: &str) -> String {
    let mut parts: Vec<&str> = module.split("::").skip(1).collect();
    if route.kind == RouteKind::Function || parts.last() != Some(&route.name) {
        parts.push(route.name);
    }
    let mut id = parts.join(".");
    id.push('.');
    id.push_str(&method.to_ascii_lowercase());
    id
}

/// The tag grouping an operation: the module holding the route (`posts` for
/// `blog::posts::item`), none for a route at the crate root. A module repeated in a row
/// counts once: a `#[group] mod admin` in `admin.rs` tags its routes `admin`, not
/// `admin::admin`.
fn tag(route: &RouteInfo, module: &str) -> Option<String> {
    let mut parts: Vec<&str> = module.split("::").skip(1).collect();
    if route.kind == RouteKind::Module {
        parts.pop();
    }
    parts.dedup();
    (!parts.is_empty()).then(|| parts.join("::"))
}

struct Builder {
    gens: Generators,
    paths: BTreeMap<String, Map<String, Value>>,
    ids: BTreeSet<String>,
    schemes: Map<String, Value>,
    tags: BTreeSet<String>,
}

impl Builder {
    fn unique_id(&mut self, id: String) -> String {
        let mut candidate = id.clone();
        let mut n = 2;
        while !self.ids.insert(candidate.clone()) {
            candidate = format!("{id}_{n}");
            n += 1;
        }
        candidate
    }

    /// The scheme's name in `components.securitySchemes`: the middleware's, with a number
    /// added if another middleware of that name enforces another scheme.
    fn scheme_name(&mut self, name: &str, scheme: Value) -> String {
        let mut candidate = name.to_owned();
        let mut n = 2;
        loop {
            match self.schemes.get(&candidate) {
                Some(existing) if *existing == scheme => return candidate,
                Some(_) => {
                    candidate = format!("{name}{n}");
                    n += 1;
                }
                None => {
                    self.schemes.insert(candidate.clone(), scheme);
                    return candidate;
                }
            }
        }
    }

    /// `method`'s operation, filed under the OpenAPI method `verb` (its own, or for an
    /// `ANY` handler each method it stands for, `posts.item.any.put`).
    fn add(&mut self, route: &'static RouteInfo, method: &MethodInfo, verb: &str) {
        let describe = method.openapi.0;
        let mut op = Operation::new(&mut self.gens);
        describe(&mut op);
        let shape = Shape::finish(op);

        let mut base_id = match shape.server_fn {
            // `server.addTodo`: the TypeScript client's `api.server.addTodo(input)`.
            Some(name) => format!("server.{name}"),
            None => operation_id(route, shape.module, method.method),
        };
        if !method.method.eq_ignore_ascii_case(verb) {
            base_id.push('.');
            base_id.push_str(verb);
        }
        let tag = tag(route, shape.module);
        let mut security = Map::new();
        for (name, scheme) in &shape.security {
            let name = self.scheme_name(name, scheme.to_json());
            security.insert(name, json!([]));
        }
        // The patterns keep a prefix/suffix parameter's text: the path key is
        // `/posts/post-{id}`, the parameter `id`.
        let all_params: BTreeSet<&str> = route
            .patterns
            .iter()
            .flat_map(|p| path_params(p))
            .map(|(name, _)| name)
            .collect();
        let in_every: BTreeSet<&str> = all_params
            .iter()
            .copied()
            .filter(|name| {
                route
                    .patterns
                    .iter()
                    .all(|p| path_params(p).iter().any(|(n, _)| n == name))
            })
            .collect();

        for (index, path) in route.patterns.iter().enumerate() {
            let present = path_params(path);
            let mut parameters = Vec::new();
            for &(name, rest) in &present {
                let declared = shape.params.iter().find(|(n, _, _)| *n == name);
                let mut schema = match declared {
                    Some((_, schema, _)) if !rest => schema.clone(),
                    _ => json!({ "type": "string" }),
                };
                if schema.get("type") == Some(&Value::from("string")) {
                    // A segment is never empty: `/teams/` does not match `/teams/{team}`.
                    schema
                        .as_object_mut()
                        .map(|s| s.entry("minLength").or_insert(Value::from(1)));
                }
                let mut param = json!({
                    "name": name,
                    "in": "path",
                    "required": true,
                    "schema": schema,
                });
                let mut notes = Vec::new();
                if rest {
                    notes.push("The rest of the path: one or more segments, `a/b/c`.".to_owned());
                }
                match affix_of(route, index, name) {
                    Some(("", suffix)) => {
                        notes.push(format!("The part of its segment before `{suffix}`."))
                    }
                    Some((prefix, "")) => {
                        notes.push(format!("The part of its segment after `{prefix}`."))
                    }
                    Some((prefix, suffix)) => notes.push(format!(
                        "The part of its segment between `{prefix}` and `{suffix}`."
                    )),
                    None => {}
                }
                if !in_every.contains(name) {
                    let other = if rest {
                        "is matched by this path without it"
                    } else {
                        "is matched by this path without this segment"
                    };
                    notes.push(format!("Optional in the route: a request without `{name}` {other}, documented as its own path."));
                }
                if !notes.is_empty() {
                    param["description"] = Value::from(notes.join(" "));
                }
                parameters.push(param);
            }
            parameters.extend(shape.query.iter().cloned());

            let id = if index == 0 {
                base_id.clone()
            } else {
                let extra: Vec<&str> = present
                    .iter()
                    .map(|(n, _)| *n)
                    .filter(|n| !in_every.contains(n))
                    .collect();
                format!("{base_id}.{}", extra.join("."))
            };
            let id = self.unique_id(id);

            let mut operation = Map::new();
            operation.insert("operationId".to_owned(), Value::from(id));
            if let Some(summary) = &shape.summary {
                operation.insert("summary".to_owned(), Value::from(summary.clone()));
            }
            if let Some(description) = &shape.description {
                operation.insert("description".to_owned(), Value::from(description.clone()));
            }
            if let Some(tag) = &tag {
                self.tags.insert(tag.clone());
                operation.insert("tags".to_owned(), json!([tag]));
            }
            if !parameters.is_empty() {
                operation.insert("parameters".to_owned(), Value::Array(parameters));
            }
            if let Some(content) = &shape.body {
                operation.insert(
                    "requestBody".to_owned(),
                    json!({ "required": true, "content": content }),
                );
            }
            operation.insert(
                "responses".to_owned(),
                Value::Object(shape.responses.clone()),
            );
            if !security.is_empty() {
                operation.insert("security".to_owned(), json!([security]));
            }
            if shape.server_fn.is_some() {
                // The clients pass a server function's input directly, not as `{ body }`.
                operation.insert("x-routekit-server-fn".to_owned(), Value::Bool(true));
            }
            self.paths
                .entry(openapi_path(path))
                .or_default()
                .insert(verb.to_owned(), Value::Object(operation));
        }
    }
}

/// An operation as described, with its responses settled.
struct Shape {
    module: &'static str,
    summary: Option<String>,
    description: Option<String>,
    params: Vec<(&'static str, Value, bool)>,
    query: Vec<Value>,
    body: Option<Map<String, Value>>,
    responses: Map<String, Value>,
    security: Vec<(&'static str, super::Scheme)>,
    server_fn: Option<&'static str>,
}

impl Shape {
    fn finish(op: Operation<'_>) -> Shape {
        let (summary, description) = summary_and_description(op.docs);
        let mut responses = op.responses;
        let has_success = responses
            .keys()
            .any(|status| status.starts_with('2') || status.starts_with('3'));
        if op.untyped && !op.declared && !has_success && !responses.contains_key("default") {
            responses.insert(
                "default".to_owned(),
                json!({ "description": "The handler's answer: its return type does not describe it (name it with `#[response(status, Type)]`)." }),
            );
        }
        if op.error_default && !responses.contains_key("default") {
            responses.insert(
                "default".to_owned(),
                json!({ "$ref": "#/components/responses/Error" }),
            );
        }
        let mut answers = op.answers;
        answers.insert(500);
        for status in answers {
            if let Some(reference) = components::reference(status) {
                responses.entry(status.to_string()).or_insert(reference);
            }
        }
        Shape {
            module: op.module,
            summary,
            description,
            params: op.params,
            query: op.query,
            body: op.body,
            responses,
            security: op.security,
            server_fn: op.server_fn,
        }
    }
}

/// The OpenAPI 3.1 document of `routes`.
///
/// [`mount`](super::mount) calls it with the routes of the app it is given; call it
/// yourself to write the document to a file.
pub fn document(routes: &[&'static RouteInfo], info: &Info) -> Value {
    let mut builder = Builder {
        gens: Generators::new(),
        paths: BTreeMap::new(),
        ids: BTreeSet::new(),
        schemes: Map::new(),
        tags: BTreeSet::new(),
    };
    let mut routes = routes.to_vec();
    routes.sort_by_key(|r| (r.template, r.file, r.line));
    for route in routes {
        for method in route.methods {
            if method.method != "ANY" {
                builder.add(route, method, &method.method.to_ascii_lowercase());
                continue;
            }
            // TanStack's `ANY`: every method the module does not name, as operations.
            for verb in ["get", "post", "put", "patch", "delete"] {
                let named = route
                    .methods
                    .iter()
                    .any(|m| m.method.eq_ignore_ascii_case(verb));
                if !named {
                    builder.add(route, method, verb);
                }
            }
        }
    }

    let mut schemas = Map::new();
    for (name, schema) in components::schemas() {
        schemas.insert(name.to_owned(), schema);
    }
    let requests = builder.gens.de.take_definitions(true);
    let responses = builder.gens.ser.take_definitions(true);
    merge_definitions(&mut schemas, requests, responses, &mut builder.paths);

    let mut info_json = json!({ "title": info.title, "version": info.version });
    if let Some(description) = &info.description {
        info_json["description"] = Value::from(description.clone());
    }
    let mut components = json!({
        "schemas": schemas,
        "responses": components::responses(),
    });
    if !builder.schemes.is_empty() {
        components["securitySchemes"] = Value::Object(builder.schemes);
    }
    let paths: Map<String, Value> = builder
        .paths
        .into_iter()
        .map(|(path, item)| (path, Value::Object(item)))
        .collect();
    let mut doc = json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": info_json,
        "paths": paths,
        "components": components,
    });
    if !info.servers.is_empty() {
        doc["servers"] = info
            .servers
            .iter()
            .map(|url| json!({ "url": url }))
            .collect();
    }
    if !builder.tags.is_empty() {
        doc["tags"] = builder
            .tags
            .iter()
            .map(|name| json!({ "name": name }))
            .collect();
    }
    doc
}

/// Puts the request and response definitions in one `components.schemas`. A type whose
/// two schemas differ (serde attributes that apply one way only) keeps its name for the
/// request side; the response side becomes `NameResponse`, and its references follow.
fn merge_definitions(
    schemas: &mut Map<String, Value>,
    requests: Map<String, Value>,
    responses: Map<String, Value>,
    paths: &mut BTreeMap<String, Map<String, Value>>,
) {
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for (name, schema) in &responses {
        let taken =
            requests.get(name).is_some_and(|other| other != schema) || schemas.contains_key(name);
        if taken {
            let mut candidate = format!("{name}Response");
            let mut n = 2;
            while requests.contains_key(&candidate) || responses.contains_key(&candidate) {
                candidate = format!("{name}Response{n}");
                n += 1;
            }
            renames.insert(name.clone(), candidate);
        }
    }
    for (name, schema) in requests {
        schemas.entry(name).or_insert(schema);
    }
    for (name, mut schema) in responses {
        rename_refs(&mut schema, &renames);
        let name = renames.get(&name).cloned().unwrap_or(name);
        schemas.entry(name).or_insert(schema);
    }
    if renames.is_empty() {
        return;
    }
    for item in paths.values_mut() {
        for operation in item.values_mut() {
            if let Some(responses) = operation.get_mut("responses") {
                rename_refs(responses, &renames);
            }
        }
    }
}

fn rename_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                    if let Some(new) = renames.get(name) {
                        *reference = format!("#/components/schemas/{new}");
                    }
                }
            }
            for child in map.values_mut() {
                rename_refs(child, renames);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
