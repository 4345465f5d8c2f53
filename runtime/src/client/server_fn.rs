//! A `#[server_fn]`'s call (`x-routekit-server-fn` in the document): the input passed
//! directly, `api.server.addTodo({ title })`, as TanStack Start's `addTodo({ data })` is,
//! the headers and signal after it; the input is the JSON body, or for a `GET` the query.

use super::calls::{member, Call};
use super::names::string_literal;
use super::operations::BodyKind;
use super::schema::Schemas;

/// `export type …Input = …;`: the body's type, the query's fields as an object, or
/// `void` for a server function without input.
pub(super) fn input(call: &Call<'_, '_>, schemas: &Schemas<'_>) -> String {
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
pub(super) fn arrow(call: &Call<'_, '_>, indent: &str) -> String {
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
