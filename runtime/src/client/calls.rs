//! Each operation as a typed call: its input type (path parameters, `query`, `body`, and
//! the `headers` and `signal` of every call), its result type (a union on `ok`, one member
//! per documented status), and the object of calls nested by `operationId`.

use std::collections::{BTreeMap, BTreeSet};

use super::names::{jsdoc, pascal_case, property_key, string_literal, Names};
use super::operations::{is_json, Answer, BodyKind, Op, Param, Status};
use super::schema::{Schemas, Ty};

/// Names an input may not give a path parameter: the call's own members. An operation
/// with such a parameter takes its path parameters under `path`.
const RESERVED: &[&str] = &["query", "body", "headers", "signal"];

/// One operation's exported type names and declarations.
pub(crate) struct Call<'o, 'd> {
    op: &'o Op<'d>,
    input: String,
    result: String,
    /// Path parameters sit under `path` (one is named like a member of every call).
    nested: bool,
    /// The call may be made without an argument: nothing in it is required.
    optional: bool,
}

impl<'o, 'd> Call<'o, 'd> {
    pub(crate) fn new(op: &'o Op<'d>, names: &mut Names) -> Self {
        let base = pascal_case(&op.id);
        let nested = op.path_params.iter().any(|p| RESERVED.contains(&p.name));
        let optional = op.path_params.is_empty()
            && !op.query.iter().any(|p| p.required)
            && !op
                .body
                .as_ref()
                .is_some_and(|b| b.required && !op.server_fn);
        Call {
            op,
            input: names.give(&format!("{base}Input")),
            result: names.give(&format!("{base}Result")),
            nested,
            optional,
        }
    }

    /// `export type …Input = …; export type …Result = …;`
    pub(crate) fn declarations(&self, schemas: &Schemas<'_>) -> String {
        let op = self.op;
        let mut out = jsdoc(&[format!("What `{}` takes.", op.id)], "");
        if op.server_fn {
            out.push_str(&server_fn_input(self, schemas));
        } else if op.path_params.is_empty() && op.query.is_empty() && op.body.is_none() {
            out.push_str(&format!("export type {} = CallOptions;\n\n", self.input));
        } else {
            out.push_str(&format!("export type {} = CallOptions & {{\n", self.input));
            out.push_str(&self.members(schemas));
            out.push_str("};\n\n");
        }
        out.push_str(&jsdoc(
            &[format!(
                "What `{}` answers: a union on `ok`, then on `status`.",
                op.id
            )],
            "",
        ));
        out.push_str(&format!("export type {} =\n", self.result));
        for variant in variants(schemas, &op.answers) {
            out.push_str(&format!("  | {variant}\n"));
        }
        let end = out.trim_end().len();
        out.truncate(end);
        out.push_str(";\n\n");
        out
    }

    /// The input's members: path parameters, `query`, `body`.
    fn members(&self, schemas: &Schemas<'_>) -> String {
        let op = self.op;
        let mut out = String::new();
        let inner = if self.nested { "    " } else { "  " };
        if self.nested {
            out.push_str("  /** The path parameters. */\n  path: {\n");
        }
        for param in &op.path_params {
            out.push_str(&member(schemas, param, inner));
        }
        if self.nested {
            out.push_str("  };\n");
        }
        if !op.query.is_empty() {
            let required = op.query.iter().any(|p| p.required);
            out.push_str("  /** The query string; an array is sent as repeated keys. */\n");
            out.push_str(&format!("  query{}: {{\n", if required { "" } else { "?" }));
            for param in &op.query {
                out.push_str(&member(schemas, param, "    "));
            }
            out.push_str("  };\n");
        }
        if let Some(body) = &op.body {
            let ty = match body.kind {
                BodyKind::Json | BodyKind::Form => schemas.ty(body.schema, "  ").text,
                BodyKind::Multipart => "FormData".to_owned(),
                BodyKind::Text => "string".to_owned(),
                BodyKind::Binary => "Blob | ArrayBuffer | Uint8Array".to_owned(),
            };
            let mut docs = body.docs.clone();
            docs.push(match body.kind {
                BodyKind::Json => "Sent as JSON.".to_owned(),
                BodyKind::Form => "Sent as an urlencoded form.".to_owned(),
                BodyKind::Multipart => {
                    "Sent as `multipart/form-data` (the boundary is fetch's).".to_owned()
                }
                BodyKind::Text => "Sent as text.".to_owned(),
                BodyKind::Binary => "Sent as bytes.".to_owned(),
            });
            out.push_str(&jsdoc(&docs, "  "));
            let optional = if body.required { "" } else { "?" };
            out.push_str(&format!("  body{optional}: {ty};\n"));
        }
        out
    }

    /// The call itself, `(input: …Input): Promise<…Result> => call(…)`, indented by `indent`.
    fn arrow(&self, indent: &str) -> String {
        let op = self.op;
        if op.server_fn {
            return server_fn_arrow(self, indent);
        }
        let mut spec = Vec::new();
        let rest: Vec<String> = op
            .path_params
            .iter()
            .filter(|p| p.rest)
            .map(|p| string_literal(p.name))
            .collect();
        if !rest.is_empty() {
            spec.push(format!("rest: [{}]", rest.join(", ")));
        }
        if let Some(body) = &op.body {
            spec.push(format!("body: {}", string_literal(body.kind.name())));
        }
        if self.nested {
            spec.push("nested: true".to_owned());
        }
        let spec = if spec.is_empty() {
            "{}".to_owned()
        } else {
            format!("{{ {} }}", spec.join(", "))
        };
        let default = if self.optional { " = {}" } else { "" };
        format!(
            "(input: {input}{default}): Promise<{result}> =>\n{indent}  call<{result}>({method}, {path}, {spec}, input)",
            input = self.input,
            result = self.result,
            method = string_literal(&op.method),
            path = string_literal(op.path),
        )
    }
}

/// A parameter as a member of the input, with its doc comment.
fn member(schemas: &Schemas<'_>, param: &Param<'_>, indent: &str) -> String {
    let mut docs = param.docs.clone();
    if param.rest {
        docs.push("The client keeps its `/` and encodes each segment.".to_owned());
    }
    let optional = if param.required { "" } else { "?" };
    format!(
        "{}{indent}{}{optional}: {};\n",
        jsdoc(&docs, indent),
        property_key(param.name),
        schemas.ty(param.schema, indent).text
    )
}

/// An answer's body as a type: a JSON schema's type, a string for text, a stream for
/// server-sent events, a `Blob` for anything else (what the runtime part reads it as).
fn body_type(schemas: &Schemas<'_>, answer: &Answer<'_>) -> Option<Ty> {
    if answer.content.is_empty() {
        return None;
    }
    let members = answer
        .content
        .iter()
        .map(|(media_type, schema)| {
            let essence = media_type.split(';').next().unwrap_or("").trim();
            if is_json(essence) {
                schema.map_or_else(|| Ty::atom("unknown"), |s| schemas.ty(s, "  "))
            } else if essence == "text/event-stream" {
                Ty::atom("ReadableStream<Uint8Array>")
            } else if essence.starts_with("text/") {
                Ty::atom("string")
            } else {
                Ty::atom("Blob")
            }
        })
        .collect();
    Some(Ty::union(members))
}

/// The result's members: `Success<201, Post>`, `NoContent<204>`, `Failure<400, …>`, and for
/// `default` a `Failure<number, …>`. An operation that documents no success may still
/// answer one, with a body the document does not describe: `Success<number, unknown>`;
/// one that documents no failure gets `Failure<number, unknown>` the same way.
fn variants(schemas: &Schemas<'_>, answers: &[Answer<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut push = |variant: String| {
        if seen.insert(variant.clone()) {
            out.push(variant);
        }
    };
    if !answers.iter().any(|a| a.status.is_success()) {
        push("Success<number, unknown>".to_owned());
    }
    for answer in answers {
        let status = match answer.status {
            Status::Code(code) => code.to_string(),
            Status::Range(_) | Status::Default => "number".to_owned(),
        };
        let body = body_type(schemas, answer);
        push(match (answer.status.is_success(), body) {
            (true, Some(body)) => format!("Success<{status}, {}>", body.text),
            (true, None) => format!("NoContent<{status}>"),
            (false, Some(body)) => format!("Failure<{status}, {}>", body.text),
            (false, None) => format!("Failure<{status}, unknown>"),
        });
    }
    // Nothing documents a failure: one may come all the same, with any body.
    if answers.iter().all(|a| a.status.is_success()) {
        push("Failure<number, unknown>".to_owned());
    }
    out
}

/// The calls nested by `operationId`: `posts.item.get` is `client.posts.item.get`. A name
/// can be a call and hold calls (`docs.get` and `docs.get.slug`).
#[derive(Default)]
struct Node<'c> {
    call: Option<usize>,
    children: BTreeMap<&'c str, Node<'c>>,
}

/// The object literal `createClient` answers, its members indented by `indent`.
pub(crate) fn client_object(calls: &[Call<'_, '_>], indent: &str) -> String {
    let mut root = Node::default();
    for (index, call) in calls.iter().enumerate() {
        let mut node = &mut root;
        for part in call.op.id.split('.') {
            node = node.children.entry(part).or_default();
        }
        node.call = Some(index);
    }
    object(&root, calls, indent)
}

fn object(node: &Node<'_>, calls: &[Call<'_, '_>], indent: &str) -> String {
    let inner = format!("{indent}  ");
    let mut out = String::from("{\n");
    for (name, child) in &node.children {
        if let Some(index) = child.call {
            out.push_str(&jsdoc(&calls[index].op.docs, &inner));
        }
        let value = match (child.call, child.children.is_empty()) {
            (Some(index), true) => calls[index].arrow(&inner),
            (Some(index), false) => format!(
                "Object.assign(\n{inner}  {},\n{inner}  {},\n{inner})",
                calls[index].arrow(&format!("{inner}  ")),
                object(child, calls, &format!("{inner}  "))
            ),
            (None, _) => object(child, calls, &inner),
        };
        out.push_str(&format!("{inner}{}: {value},\n", property_key(name)));
    }
    out.push_str(indent);
    out.push('}');
    out
}

// ---- A `#[server_fn]`'s call (`x-routekit-server-fn` in the document): the input passed
// directly, `api.server.addTodo({ title })`, as TanStack Start's `addTodo({ data })` is,
// the headers and signal after it; the input is the JSON body, or for a `GET` the query.

/// `export type …Input = …;`: the body's type, the query's fields as an object, or
/// `void` for a server function without input.
fn server_fn_input(call: &Call<'_, '_>, schemas: &Schemas<'_>) -> String {
    let op = call.op;
    let name = &call.input;
    if let Some(body) = &op.body {
        let ty = match body.kind {
            BodyKind::Json | BodyKind::Form => schemas.ty(body.schema, "").text,
            _ => "unknown".to_owned(),
        };
        return format!("export type {name} = {ty};\n\n");
    }
    if !op.query.is_empty() {
        let mut out = format!("export type {name} = {{\n");
        for param in &op.query {
            out.push_str(&member(schemas, param, "  "));
        }
        out.push_str("};\n\n");
        return out;
    }
    format!("export type {name} = void;\n\n")
}

/// `(input: …Input, options: CallOptions = {}): Promise<…Result> => call(…)`.
fn server_fn_arrow(call: &Call<'_, '_>, indent: &str) -> String {
    let op = call.op;
    let method = string_literal(&op.method);
    let path = string_literal(op.path);
    let result = &call.result;
    let (spec, place) = match &op.body {
        Some(body) => (
            format!("{{ body: {} }}", string_literal(body.kind.name())),
            Some("body"),
        ),
        None if !op.query.is_empty() => ("{}".to_owned(), Some("query")),
        None => ("{}".to_owned(), None),
    };
    match place {
        Some(place) => {
            let default = if call.optional && place == "query" {
                " = {}"
            } else {
                ""
            };
            format!(
                "(input: {input}{default}, options: CallOptions = {{}}): Promise<{result}> =>\n{indent}  call<{result}>({method}, {path}, {spec}, {{ ...options, {place}: input }})",
                input = call.input,
            )
        }
        None => format!(
            "(options: CallOptions = {{}}): Promise<{result}> =>\n{indent}  call<{result}>({method}, {path}, {spec}, options)"
        ),
    }
}
