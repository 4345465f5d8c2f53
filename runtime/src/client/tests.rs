//! The schema → TypeScript conversion, the names, the reading of operations and the
//! module they make, on hand-written documents. `tests/tests/ts_client.rs` runs the real
//! compiler on whole clients.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::calls::Call;
use super::names::{jsdoc, pascal_case, property_key, string_literal, Names};
use super::operations::{operations, BodyKind, Status};
use super::schema::Schemas;
use super::typescript::from_document;

fn ts(schema: Value) -> String {
    let names: BTreeMap<String, String> = [
        ("Post".to_owned(), "Post".to_owned()),
        ("a/b".to_owned(), "AB".to_owned()),
    ]
    .into();
    Schemas { names: &names }.ty(&schema, "").text
}

#[test]
fn scalars_and_formats() {
    assert_eq!(ts(json!({ "type": "string" })), "string");
    assert_eq!(
        ts(json!({ "type": "string", "format": "date-time" })),
        "string"
    );
    assert_eq!(ts(json!({ "type": "string", "format": "uuid" })), "string");
    assert_eq!(
        ts(json!({ "type": "integer", "format": "int64" })),
        "number"
    );
    assert_eq!(
        ts(json!({ "type": "number", "format": "double" })),
        "number"
    );
    assert_eq!(ts(json!({ "type": "boolean" })), "boolean");
    assert_eq!(ts(json!({ "type": "null" })), "null");
    assert_eq!(ts(json!({})), "unknown");
    assert_eq!(ts(json!(true)), "unknown");
    assert_eq!(ts(json!(false)), "never");
}

#[test]
fn nullable_in_its_three_spellings() {
    assert_eq!(ts(json!({ "type": ["string", "null"] })), "string | null");
    assert_eq!(
        ts(json!({ "anyOf": [{ "$ref": "#/components/schemas/Post" }, { "type": "null" }] })),
        "Post | null"
    );
    assert_eq!(
        ts(json!({ "type": "integer", "nullable": true })),
        "number | null"
    );
    assert_eq!(
        ts(json!({ "type": ["array", "null"], "items": { "type": ["string", "null"] } })),
        "(string | null)[] | null"
    );
}

#[test]
fn enums_and_consts_are_literal_unions() {
    assert_eq!(
        ts(json!({ "type": "string", "enum": ["draft", "published"] })),
        r#""draft" | "published""#
    );
    assert_eq!(ts(json!({ "enum": [1, 2, null] })), "1 | 2 | null");
    assert_eq!(
        ts(json!({ "type": "string", "const": "websocket" })),
        r#""websocket""#
    );
    assert_eq!(ts(json!({ "const": "a\"b" })), r#""a\"b""#);
    // An object among the values has no literal type: anything goes.
    assert_eq!(ts(json!({ "enum": ["a", { "b": 1 }] })), "unknown");
}

#[test]
fn objects_keep_required_and_optional_fields() {
    let schema = json!({
        "type": "object",
        "description": "A post.",
        "required": ["id", "content-type"],
        "properties": {
            "id": { "type": "integer", "format": "int64", "description": "Its id." },
            "content-type": { "type": "string" },
            "title": { "type": ["string", "null"], "default": null },
            "tags": { "type": "array", "items": { "type": "string" } }
        }
    });
    assert_eq!(
        ts(schema),
        "{\n  \"content-type\": string;\n  /**\n   * Its id.\n   * @format int64\n   */\n  id: number;\n  tags?: string[];\n  /** @default null */\n  title?: string | null;\n}"
    );
}

#[test]
fn nested_objects_indent() {
    let schema = json!({
        "type": "object",
        "required": ["error"],
        "properties": { "error": {
            "type": "object",
            "required": ["formErrors"],
            "properties": { "formErrors": { "type": "array", "items": { "type": "string" } } }
        } }
    });
    assert_eq!(
        ts(schema),
        "{\n  error: {\n    formErrors: string[];\n  };\n}"
    );
}

#[test]
fn additional_properties_are_records() {
    assert_eq!(
        ts(
            json!({ "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string" } } })
        ),
        "Record<string, string[]>"
    );
    assert_eq!(ts(json!({ "type": "object" })), "Record<string, unknown>");
    assert_eq!(
        ts(json!({ "type": "object", "additionalProperties": false })),
        "Record<string, never>"
    );
    assert_eq!(
        ts(
            json!({ "type": "object", "patternProperties": { "^x-": { "type": "integer" } }, "additionalProperties": false })
        ),
        "Record<string, number>"
    );
    // Named properties and more: an index signature every property fits.
    assert_eq!(
        ts(
            json!({ "type": "object", "required": ["a"], "properties": { "a": { "type": "string" } }, "additionalProperties": true })
        ),
        "{\n  a: string;\n  [key: string]: unknown;\n}"
    );
}

#[test]
fn arrays_and_tuples() {
    assert_eq!(ts(json!({ "type": "array" })), "unknown[]");
    assert_eq!(
        ts(json!({ "type": "array", "items": { "$ref": "#/components/schemas/Post" } })),
        "Post[]"
    );
    assert_eq!(
        ts(
            json!({ "type": "array", "prefixItems": [{ "type": "string" }, { "type": "integer" }], "items": false })
        ),
        "[string, number]"
    );
    assert_eq!(
        ts(
            json!({ "type": "array", "prefixItems": [{ "type": "string" }], "items": { "type": ["string", "null"] } })
        ),
        "[string, ...(string | null)[]]"
    );
}

#[test]
fn refs_name_the_exported_types() {
    assert_eq!(ts(json!({ "$ref": "#/components/schemas/Post" })), "Post");
    // JSON pointer escapes in the name.
    assert_eq!(ts(json!({ "$ref": "#/components/schemas/a~1b" })), "AB");
    // A reference the document does not hold is nothing to rely on.
    assert_eq!(
        ts(json!({ "$ref": "#/components/schemas/Missing" })),
        "unknown"
    );
    assert_eq!(
        ts(json!({ "$ref": "https://example.com/s.json" })),
        "unknown"
    );
}

#[test]
fn one_of_any_of_and_all_of() {
    let tagged = json!({
        "type": "object",
        "oneOf": [
            { "type": "object", "required": ["kind"], "properties": { "kind": { "const": "a" } } },
            { "type": "object", "required": ["kind", "n"], "properties": { "kind": { "const": "b" }, "n": { "type": "integer" } } }
        ]
    });
    assert_eq!(
        ts(tagged),
        "{\n  kind: \"a\";\n} | {\n  kind: \"b\";\n  n: number;\n}"
    );
    assert_eq!(
        ts(json!({ "anyOf": [{ "type": "string" }, { "type": "integer" }, { "type": "string" }] })),
        "string | number"
    );
    assert_eq!(
        ts(
            json!({ "allOf": [{ "$ref": "#/components/schemas/Post" }, { "anyOf": [{ "type": "string" }, { "type": "null" }] }] })
        ),
        "Post & (string | null)"
    );
    // `unknown` absorbs a union and leaves an intersection.
    assert_eq!(
        ts(json!({ "anyOf": [{ "type": "string" }, {}] })),
        "unknown"
    );
    assert_eq!(
        ts(json!({ "allOf": [{}, { "$ref": "#/components/schemas/Post" }] })),
        "Post"
    );
}

#[test]
fn names_are_identifiers_given_once() {
    let mut names = Names::default();
    assert_eq!(names.give("Post"), "Post");
    assert_eq!(names.give("Post"), "Post2");
    assert_eq!(names.give("Page_for_User"), "Page_for_User");
    assert_eq!(names.give("a-b.c"), "ABC");
    assert_eq!(names.give("1st"), "T1st");
    // The platform's types keep their names: a schema called `Response` is renamed.
    assert_eq!(names.give("Response"), "ResponseSchema");
    assert_eq!(names.give("string"), "stringSchema");
    assert!(!names.is_free("Post") && !names.is_free("Headers") && names.is_free("Other"));
    assert_eq!(pascal_case("posts.item.get"), "PostsItemGet");
    assert_eq!(pascal_case("nextjs.docs.get.slug"), "NextjsDocsGetSlug");
    assert_eq!(property_key("delete"), "delete");
    assert_eq!(property_key("x-api-key"), "\"x-api-key\"");
    assert_eq!(
        string_literal("line\nbreak\u{2028}"),
        "\"line\\nbreak\\u2028\""
    );
}

#[test]
fn jsdoc_blocks() {
    assert_eq!(
        jsdoc(&["One line.".to_owned()], "  "),
        "  /** One line. */\n"
    );
    assert_eq!(jsdoc(&[String::new(), "  ".to_owned()], ""), "");
    assert_eq!(
        jsdoc(&["First.\n\nSecond, with */ inside.".to_owned()], ""),
        "/**\n * First.\n *\n * Second, with *\\/ inside.\n */\n"
    );
}

/// A small document as routekit writes one: a typed `GET`, a `POST` with a JSON body, a
/// `DELETE` answering `204`, a catch-all and a query.
fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "paths": {
            "/api/posts/{id}": {
                "get": {
                    "operationId": "posts.item.get",
                    "summary": "One post.",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer", "format": "int64" } }],
                    "responses": {
                        "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Post" } } } },
                        "400": { "$ref": "#/components/responses/BadRequest" },
                        "default": { "$ref": "#/components/responses/Error" }
                    }
                },
                "delete": {
                    "operationId": "posts.item.delete",
                    "security": [{ "auth": [] }],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }],
                    "responses": { "204": { "description": "No Content" } }
                }
            },
            "/api/posts": {
                "post": {
                    "operationId": "posts.collection.post",
                    "requestBody": { "required": true, "content": {
                        "application/x-www-form-urlencoded": { "schema": { "$ref": "#/components/schemas/NewPost" } },
                        "application/json": { "schema": { "$ref": "#/components/schemas/NewPost" } }
                    } },
                    "responses": { "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Post" } } } } }
                }
            },
            "/docs/{slug}": {
                "get": {
                    "operationId": "docs.get.slug",
                    "parameters": [{ "name": "slug", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": { "default": { "description": "Untyped." } }
                }
            },
            "/docs": {
                "get": {
                    "operationId": "docs.get",
                    "parameters": [
                        { "name": "tag", "in": "query", "required": false, "schema": { "type": "array", "items": { "type": "string" } } },
                        { "name": "upgrade", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "responses": { "200": { "description": "OK", "content": { "text/plain; charset=utf-8": { "schema": { "type": "string" } } } } }
                }
            }
        },
        "components": {
            "schemas": {
                "Post": { "type": "object", "required": ["id", "title"], "properties": { "id": { "type": "integer" }, "title": { "type": "string" } } },
                "NewPost": { "type": "object", "description": "A new post.", "required": ["title"], "properties": { "title": { "type": "string" } } },
                "ApiError": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } }
            },
            "responses": {
                "BadRequest": { "description": "Bad.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } },
                "Error": { "description": "Any.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } }
            }
        }
    })
}

fn catch_alls() -> BTreeSet<(String, String)> {
    [("/docs/{slug}".to_owned(), "slug".to_owned())].into()
}

#[test]
fn operations_read_from_the_document() {
    let doc = document();
    let ops = operations(&doc, &catch_alls());
    let ids: Vec<&str> = ops.iter().map(|op| op.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "posts.collection.post",
            "posts.item.get",
            "posts.item.delete",
            "docs.get",
            "docs.get.slug"
        ]
    );
    let create = &ops[0];
    assert_eq!(create.method, "POST");
    // JSON is preferred over the form the same operation also reads.
    assert_eq!(create.body.as_ref().map(|b| b.kind), Some(BodyKind::Json));
    let get = &ops[1];
    assert_eq!(get.path_params[0].name, "id");
    assert!(!get.path_params[0].rest);
    // `$ref`s into components/responses are followed.
    let statuses: Vec<Status> = get.answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [Status::Code(200), Status::Code(400), Status::Default]
    );
    assert_eq!(get.answers[1].content[0].0, "application/json");
    assert_eq!(get.docs, ["One post.", "", "`GET /api/posts/{id}`"]);
    assert!(ops[2]
        .docs
        .iter()
        .any(|l| l.contains("Needs credentials: `auth`")));
    // A header parameter is the call's `headers`' business, not a member of its input.
    assert_eq!(ops[3].query.len(), 1);
    assert!(ops[4].path_params[0].rest);
}

#[test]
fn input_and_result_types() {
    let doc = document();
    let ops = operations(&doc, &catch_alls());
    let names: BTreeMap<String, String> = ["Post", "NewPost", "ApiError"]
        .map(|n| (n.to_owned(), n.to_owned()))
        .into();
    let schemas = Schemas { names: &names };
    let mut given = Names::default();
    let declared =
        |index: usize, given: &mut Names| Call::new(&ops[index], given).declarations(&schemas);

    let create = declared(0, &mut given);
    assert!(create.contains("export type PostsCollectionPostInput = CallOptions & {\n  /** Sent as JSON. */\n  body: NewPost;\n};"), "{create}");
    assert!(
        // Nothing documents a failure here: one may come all the same.
        create.contains(
            "export type PostsCollectionPostResult =\n  | Success<201, Post>\n  | Failure<number, unknown>;"
        ),
        "{create}"
    );

    let get = declared(1, &mut given);
    assert!(
        get.contains("  /** @format int64 */\n  id: number;\n"),
        "{get}"
    );
    assert!(
        get.contains(
            "  | Success<200, Post>\n  | Failure<400, ApiError>\n  | Failure<number, ApiError>;"
        ),
        "{get}"
    );

    let delete = declared(2, &mut given);
    assert!(
        delete.contains("  | NoContent<204>\n  | Failure<number, unknown>;"),
        "{delete}"
    );

    let docs = declared(3, &mut given);
    assert!(
        docs.contains("  query?: {\n    tag?: string[];\n  };\n"),
        "{docs}"
    );
    assert!(
        docs.contains("  | Success<200, string>\n  | Failure<number, unknown>;"),
        "{docs}"
    );

    // Nothing documents a success: one may come, with a body nobody described.
    let slug = declared(4, &mut given);
    assert!(
        slug.contains("  | Success<number, unknown>\n  | Failure<number, unknown>;"),
        "{slug}"
    );
}

#[test]
fn the_module_nests_calls_by_operation_id() {
    let source = from_document(&document(), &catch_alls());
    assert!(source.contains("export type Post = {\n  id: number;\n  title: string;\n};"));
    assert!(source.contains("/** A new post. */\nexport type NewPost = {"));
    assert!(source.contains("export type ApiErrorBody = ApiError;"));
    // No `ValidationError` component, no alias for it.
    assert!(!source.contains("ValidationErrorBody"));
    // `docs.get` is a call and holds `docs.get.slug`.
    assert!(source.contains("    docs: {\n      /** `GET /docs` */\n      get: Object.assign(\n        (input: DocsGetInput = {}): Promise<DocsGetResult> =>\n"), "{source}");
    assert!(source.contains(
        "call<DocsGetSlugResult>(\"GET\", \"/docs/{slug}\", { rest: [\"slug\"] }, input)"
    ));
    assert!(source.contains(
        "call<PostsCollectionPostResult>(\"POST\", \"/api/posts\", { body: \"json\" }, input)"
    ));
    assert!(
        source.contains("        get: (input: PostsItemGetInput): Promise<PostsItemGetResult> =>")
    );
    assert!(source
        .trim_end()
        .ends_with("export type Client = ReturnType<typeof createClient>;"));
}

#[test]
fn a_path_parameter_named_like_a_member_goes_under_path() {
    let doc = json!({ "paths": { "/a/{body}": { "get": {
        "operationId": "a.get",
        "parameters": [{ "name": "body", "in": "path", "required": true, "schema": { "type": "string" } }],
        "responses": {}
    } } } });
    let source = from_document(&doc, &BTreeSet::new());
    assert!(
        source.contains("  path: {\n    body: string;\n  };\n"),
        "{source}"
    );
    assert!(source.contains("{ nested: true }, input)"), "{source}");
}

#[test]
fn operations_without_ids_are_named_by_method_and_path() {
    let doc = json!({ "paths": { "/api/x": {
        "get": { "responses": {} },
        "post": { "operationId": "x", "responses": {} },
        "put": { "operationId": "x", "responses": {} }
    } } });
    let ops = operations(&doc, &BTreeSet::new());
    let ids: Vec<&str> = ops.iter().map(|op| op.id.as_str()).collect();
    // `put` comes before `post` in an OpenAPI path item; the second `x` is renamed.
    assert_eq!(ids, ["get.api.x", "x", "post.api.x"]);
}

#[test]
fn a_server_function_takes_its_input_directly() {
    let doc = json!({ "paths": {
        "/_server/todos/add_todo": { "post": {
            "operationId": "server.addTodo",
            "x-routekit-server-fn": true,
            "requestBody": { "required": true, "content": { "application/json": {
                "schema": { "type": "object", "properties": { "title": { "type": "string" } }, "required": ["title"] }
            } } },
            "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "integer" } } } } }
        } },
        "/_server/ping": { "post": {
            "operationId": "server.ping",
            "x-routekit-server-fn": true,
            "responses": {}
        } }
    } });
    let source = from_document(&doc, &BTreeSet::new());
    assert!(
        source.contains("export type ServerAddTodoInput = {\n  title: string;\n};"),
        "{source}"
    );
    assert!(source.contains(
        "addTodo: (input: ServerAddTodoInput, options: CallOptions = {}): Promise<ServerAddTodoResult> =>"
    ), "{source}");
    assert!(source.contains(
        "call<ServerAddTodoResult>(\"POST\", \"/_server/todos/add_todo\", { body: \"json\" }, { ...options, body: input })"
    ), "{source}");
    // Without input: only the options.
    assert!(
        source.contains("export type ServerPingInput = void;"),
        "{source}"
    );
    assert!(
        source.contains("ping: (options: CallOptions = {}): Promise<ServerPingResult> =>"),
        "{source}"
    );
}
