//! The TypeScript client of an app: one module, written from the app's OpenAPI document.

use std::collections::{BTreeMap, BTreeSet};

use axum::Router;
use serde_json::Value;

use super::calls::{client_object, Call};
use super::names::{jsdoc, Names};
use super::operations::operations;
use super::schema::{property_docs, Schemas};
use crate::openapi::{document, routes_of, Info};

/// The fixed part of every client: options, result types and the `fetch` call.
const RUNTIME: &str = include_str!("runtime.ts");

/// The source of a TypeScript module that calls `app`'s routes: `createClient({ baseUrl,
/// headers })` answers an object with one method per operation, nested by `operationId`
/// (`posts.item.get` is `api.posts.item.get({ id: 1 })`).
///
/// It is written from the same OpenAPI document [`openapi::mount`](crate::openapi::mount)
/// serves, so a route's path, parameters, body and answers are said once, in Rust. The
/// module needs nothing but `fetch` (a browser, Node 18+, Deno, Bun) and type-checks under
/// `tsc --strict` with the `dom` library. Call it after `.with_state(…)`, on the router
/// `routes![…]` built:
///
/// ```
/// use routekit::prelude::*;
///
/// /// One post.
/// #[route(GET, "/api/posts/$id")]
/// async fn post(id: u64) -> Json<u64> {
///     Json(id)
/// }
///
/// let app: axum::Router = routes![post];
/// let source = routekit::client::typescript(&app);
/// assert!(source.contains("export function createClient(options: ClientOptions)"));
/// assert!(source.contains("export type PostGetInput = CallOptions & {"));
/// assert!(source.contains("  /** @format uint64 */\n  id: number;\n"));
/// assert!(source.contains("  | Success<200, number>\n"));
/// ```
pub fn typescript(app: &Router) -> String {
    let routes = routes_of(app);
    let doc = document(&routes, &Info::new("routekit", "0"));
    // A catch-all's `/` are the client's to keep; only the route knows it is one.
    let mut rest = BTreeSet::new();
    for route in &routes {
        for pattern in route.patterns {
            for segment in pattern.split('/') {
                if let Some(name) = segment.strip_prefix("{*").and_then(|s| s.strip_suffix('}')) {
                    rest.insert((pattern.replace("{*", "{"), name.to_owned()));
                }
            }
        }
    }
    from_document(&doc, &rest)
}

/// The header of every module written.
const HEADER: &str = "\
// The TypeScript client of a routekit app, written by `routekit::client::typescript` from the
// app's routes. Do not edit it: change the routes and write it again.
//
//   import { createClient } from \"./client\";
//   const api = createClient({ baseUrl: \"http://127.0.0.1:3000\" });
//   const r = await api.<operationId>({ ... });
//   if (r.ok) r.data; else r.error;
/* eslint-disable */
";

/// The client of an OpenAPI 3.1 document; `rest` names its catch-all path parameters as
/// `(path, name)`.
pub(crate) fn from_document(doc: &Value, rest: &BTreeSet<(String, String)>) -> String {
    let mut names = Names::default();
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut ts_names = BTreeMap::new();
    for name in components.into_iter().flat_map(|c| c.keys()) {
        ts_names.insert(name.clone(), names.give(name));
    }
    let schemas = Schemas { names: &ts_names };

    let mut out = String::from(HEADER);
    out.push('\n');
    for (name, schema) in components.into_iter().flatten() {
        out.push_str(&jsdoc(&property_docs(schema), ""));
        out.push_str(&format!(
            "export type {} = {};\n\n",
            ts_names[name],
            schemas.ty(schema, "").text
        ));
    }
    // The error bodies under the names the guide uses for them.
    for (component, alias) in [
        ("ApiError", "ApiErrorBody"),
        ("ValidationError", "ValidationErrorBody"),
    ] {
        if let Some(name) = ts_names.get(component) {
            if names.is_free(alias) {
                names.give(alias);
                out.push_str(&format!(
                    "/** routekit's `{component}` answer body. */\nexport type {alias} = {name};\n\n"
                ));
            }
        }
    }

    out.push_str(RUNTIME);
    out.push_str("\n// ---- The operations.\n\n");
    let ops = operations(doc, rest);
    let calls: Vec<Call<'_, '_>> = ops.iter().map(|op| Call::new(op, &mut names)).collect();
    for call in &calls {
        out.push_str(&call.declarations(&schemas));
    }
    out.push_str(
        "/**\n * A client of the API: one method per operation, nested by `operationId`. Each\n * answers a union on `ok`: `{ ok: true, status, data, response }` for a documented\n * success, `{ ok: false, status, error, response }` otherwise. A network failure or an\n * aborted `signal` rejects, as `fetch` does.\n */\n",
    );
    out.push_str("export function createClient(options: ClientOptions) {\n");
    out.push_str("  const call = caller(options);\n");
    out.push_str(&format!(
        "  return {};\n}}\n\n",
        client_object(&calls, "  ")
    ));
    out.push_str("/** The type of what `createClient` answers. */\n");
    out.push_str("export type Client = ReturnType<typeof createClient>;\n");
    out
}
