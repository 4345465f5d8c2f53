//! `routekit::route_table(&app)`: what `routes![…]` built, and duplicate detection.
//!
//! Each router carries its own table. The `*_LINE` constants sit right
//! before the item whose line they name; keep them there when editing.

use std::panic::{catch_unwind, AssertUnwindSafe};

use routekit::prelude::*;
use routekit::routes::RouteEntry;
use routekit::test::TestClient;

#[middleware]
async fn tag(req: Request, next: Next) -> Response {
    next.run(req).await.header("x-tag", "1")
}

#[middleware]
async fn audit(req: Request, next: Next) -> Response {
    next.run(req).await.header("x-audit", "1")
}

const POST_ROUTE_LINE: u32 = line!() + 1;
#[route("/rt/posts/$id")]
#[middleware(tag)]
mod rt_post {
    use super::*;

    pub const GET_LINE: u32 = line!() + 1;
    pub async fn GET(id: u64) -> Response {
        Response::json(&serde_json::json!({ "id": id }))
    }

    pub const PATCH_LINE: u32 = line!() + 2;
    #[middleware(audit)]
    pub async fn PATCH(id: u64) -> Response {
        Response::json(&serde_json::json!({ "patched": id }))
    }
}

const HELLO_LINE: u32 = line!() + 2;
#[route(GET, "/rt/hello")]
async fn rt_hello() -> Response {
    Response::text("hi")
}

const HELLO_POST_LINE: u32 = line!() + 2;
#[route(POST, "/rt/hello")]
async fn rt_hello_post() -> Response {
    Response::text("posted")
}

#[route("/rt/shop/[[...slug]]")]
mod rt_shop {
    use super::*;

    pub async fn GET(slug: Vec<String>) -> Response {
        Response::json(&slug)
    }
}

const DUP_A_LINE: u32 = line!() + 2;
#[route(GET, "/rt/dup")]
async fn dup_a() -> Response {
    Response::text("a")
}

const DUP_B_LINE: u32 = line!() + 2;
#[route(GET, "/rt/dup")]
async fn dup_b() -> Response {
    Response::text("b")
}

const DUP_MOD_LINE: u32 = line!() + 1;
#[route("/rt/dup")]
mod dup_module {
    use super::*;

    pub async fn GET() -> Response {
        Response::text("module")
    }
}

fn rows(app: &axum::Router, template: &str) -> Vec<RouteEntry> {
    routekit::route_table(app)
        .into_iter()
        .filter(|row| row.template == template)
        .collect()
}

fn find<'a>(rows: &'a [RouteEntry], path: &str, method: &str) -> &'a RouteEntry {
    let matching: Vec<_> = rows
        .iter()
        .filter(|r| r.path == path && r.method == method)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "exactly one {method} {path} row in {rows:#?}"
    );
    matching[0]
}

fn location(line: u32) -> String {
    format!("route_table.rs:{line}")
}

/// Whether `message` names `route_table.rs:<line>` (and not a longer line number).
fn names_line(message: &str, line: u32) -> bool {
    let needle = location(line);
    message
        .match_indices(&needle)
        .any(|(at, _)| !message[at + needle.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Whether `message` names a function-form route's source: the line of its `#[route]`
/// attribute or that of the function's name right below it.
fn names_function(message: &str, fn_line: u32) -> bool {
    names_line(message, fn_line) || names_line(message, fn_line - 1)
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        "<non-string panic>".to_owned()
    }
}

#[tokio::test]
async fn module_route_rows() {
    let app: axum::Router = routes![rt_post];
    let rows = rows(&app, "/rt/posts/$id");
    // The router built from the table is the one that answers.
    let res = TestClient::new(app).patch("/rt/posts/3").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        (res.header("x-tag"), res.header("x-audit")),
        (Some("1"), Some("1"))
    );

    let mut methods: Vec<_> = rows.iter().map(|r| r.method).collect();
    methods.sort_unstable();
    assert_eq!(methods, ["GET", "HEAD", "OPTIONS", "PATCH"], "{rows:#?}");
    assert!(rows.iter().all(|r| r.path == "/rt/posts/{id}"), "{rows:#?}");

    let get = find(&rows, "/rt/posts/{id}", "GET");
    assert_eq!(get.handler, "rt_post::GET");
    assert_eq!(get.middleware, ["tag"]);
    assert!(!get.automatic);
    assert!(
        get.location.ends_with(&location(rt_post::GET_LINE)),
        "{} vs line {}",
        get.location,
        rt_post::GET_LINE
    );

    let patch = find(&rows, "/rt/posts/{id}", "PATCH");
    assert_eq!(patch.handler, "rt_post::PATCH");
    assert_eq!(patch.middleware, ["tag", "audit"]);
    assert!(!patch.automatic);
    assert!(
        patch.location.ends_with(&location(rt_post::PATCH_LINE)),
        "{} vs line {}",
        patch.location,
        rt_post::PATCH_LINE
    );

    let head = find(&rows, "/rt/posts/{id}", "HEAD");
    assert!(head.automatic);
    assert_eq!(head.handler, "(automatic)");
    assert_eq!(head.middleware, ["tag"]);
    assert!(
        head.location.ends_with(&location(rt_post::GET_LINE)),
        "{}",
        head.location
    );

    let options = find(&rows, "/rt/posts/{id}", "OPTIONS");
    assert!(options.automatic);
    assert_eq!(options.handler, "(automatic)");
    assert_eq!(options.middleware, ["tag"]);
    assert!(
        options.location.ends_with(&location(POST_ROUTE_LINE)),
        "{} vs line {POST_ROUTE_LINE}",
        options.location
    );

    // The printed row carries the same facts.
    let printed = get.to_string();
    assert!(printed.contains("GET") && printed.contains("/rt/posts/$id"));
    assert!(printed.contains("rt_post::GET") && printed.contains("tag"));
}

#[route(GET, "/rt/guarded")]
#[middleware(tag)]
async fn rt_guarded() -> Response {
    Response::text("guarded")
}

#[route(POST, "/rt/guarded")]
#[middleware(tag)]
async fn rt_guarded_post() -> Response {
    Response::text("posted")
}

#[test]
fn a_function_paths_automatic_rows_show_the_chain_they_run_through() {
    let app: axum::Router = routes![rt_guarded, rt_guarded_post];
    let rows = rows(&app, "/rt/guarded");
    for method in ["GET", "HEAD", "OPTIONS", "POST"] {
        assert_eq!(
            find(&rows, "/rt/guarded", method).middleware,
            ["tag"],
            "{method}"
        );
    }
}

#[test]
fn function_form_rows() {
    let app: axum::Router = routes![rt_hello, rt_hello_post];
    let rows = rows(&app, "/rt/hello");
    let mut methods: Vec<_> = rows.iter().map(|r| r.method).collect();
    methods.sort_unstable();
    assert_eq!(methods, ["GET", "HEAD", "OPTIONS", "POST"], "{rows:#?}");

    let get = find(&rows, "/rt/hello", "GET");
    assert_eq!(get.handler, "rt_hello");
    assert!(!get.automatic);
    assert!(get.middleware.is_empty());
    assert!(
        get.location.ends_with(&location(HELLO_LINE)),
        "{} vs line {HELLO_LINE}",
        get.location
    );

    let post = find(&rows, "/rt/hello", "POST");
    assert_eq!(post.handler, "rt_hello_post");
    assert!(!post.automatic);
    assert!(
        post.location.ends_with(&location(HELLO_POST_LINE)),
        "{} vs line {HELLO_POST_LINE}",
        post.location
    );

    for method in ["HEAD", "OPTIONS"] {
        let row = find(&rows, "/rt/hello", method);
        assert!(row.automatic, "{row:?}");
        assert_eq!(row.handler, "(automatic)");
        assert!(row.location.contains("route_table.rs:"), "{row:?}");
    }
}

#[test]
fn optional_catch_all_has_a_row_per_axum_path() {
    let app: axum::Router = routes![rt_shop];
    let rows = rows(&app, "/rt/shop/[[...slug]]");
    for path in ["/rt/shop", "/rt/shop/{*slug}"] {
        let get = find(&rows, path, "GET");
        assert_eq!(get.handler, "rt_shop::GET");
        assert!(!get.automatic);
        assert!(find(&rows, path, "HEAD").automatic);
        assert!(find(&rows, path, "OPTIONS").automatic);
    }
    assert_eq!(rows.len(), 6, "{rows:#?}");
}

#[test]
fn two_apps_in_one_process_each_report_only_their_own_routes() {
    let shop: axum::Router = routes![rt_shop];
    let hello: axum::Router = routes![rt_hello, rt_hello_post];
    let again: axum::Router = routes![rt_shop];
    let templates = |app: &axum::Router| {
        let mut templates: Vec<_> = routekit::route_table(app)
            .into_iter()
            .map(|row| row.template)
            .collect();
        templates.dedup();
        templates
    };
    assert_eq!(templates(&shop), ["/rt/shop/[[...slug]]"]);
    assert_eq!(templates(&hello), ["/rt/hello"]);
    assert_eq!(routekit::route_table(&again).len(), 6);
    // A router `routes!` did not build has no table.
    assert!(routekit::route_table(&axum::Router::new()).is_empty());
}

#[test]
fn a_root_catch_all_keeps_its_table() {
    #[route(GET, "/[...slug]")]
    async fn everything(slug: Vec<String>) -> Response {
        Response::json(&slug)
    }
    let app: axum::Router = routes![everything, rt_hello];
    let templates: Vec<_> = routekit::route_table(&app)
        .into_iter()
        .map(|row| row.template)
        .collect();
    assert!(templates.contains(&"/[...slug]"), "{templates:?}");
    assert!(templates.contains(&"/rt/hello"), "{templates:?}");
}

#[test]
fn same_method_and_path_twice_panics_naming_both_locations() {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let _: axum::Router = routes![dup_a, dup_b];
    }));
    let message = panic_message(result.expect_err("a duplicate GET must not build"));
    assert!(message.contains("GET"), "{message}");
    assert!(message.contains("/rt/dup"), "{message}");
    assert!(
        names_function(&message, DUP_A_LINE),
        "{message} lacks line {DUP_A_LINE}"
    );
    assert!(
        names_function(&message, DUP_B_LINE),
        "{message} lacks line {DUP_B_LINE}"
    );
    assert!(
        message.contains("dup_a") && message.contains("dup_b"),
        "{message}"
    );
}

#[test]
#[should_panic(expected = "is defined twice")]
fn same_method_and_path_twice_should_panic() {
    let _: axum::Router = routes![dup_b, dup_a];
}

#[test]
fn module_and_function_with_one_method_and_path_panic_naming_both() {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let _: axum::Router = routes![dup_module, dup_a];
    }));
    let message =
        panic_message(result.expect_err("a module and a function both answering GET /rt/dup"));
    assert!(message.contains("/rt/dup"), "{message}");
    assert!(
        names_line(&message, DUP_MOD_LINE),
        "{message} lacks line {DUP_MOD_LINE}"
    );
    assert!(
        names_function(&message, DUP_A_LINE),
        "{message} lacks line {DUP_A_LINE}"
    );
}

#[test]
fn different_methods_of_one_path_do_not_panic() {
    let app: axum::Router = routes![dup_a, dup_module_free_post];
    drop(app);
}

#[route(POST, "/rt/dup")]
async fn dup_module_free_post() -> Response {
    Response::text("post")
}

const CONFLICT_ID_LINE: u32 = line!() + 2;
#[route(GET, "/rt/conflict/$id")]
async fn conflict_id(id: u64) -> Response {
    Response::text(id.to_string())
}

const CONFLICT_SLUG_LINE: u32 = line!() + 2;
#[route(POST, "/rt/conflict/[slug]")]
async fn conflict_slug(slug: String) -> Response {
    Response::text(slug)
}

#[test]
fn one_path_with_two_parameter_names_panics_naming_both() {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let _: axum::Router = routes![conflict_id, conflict_slug];
    }));
    let message = panic_message(result.expect_err("axum cannot route `{id}` and `{slug}` apart"));
    assert!(message.contains("/rt/conflict/$id"), "{message}");
    assert!(message.contains("/rt/conflict/[slug]"), "{message}");
    assert!(
        names_function(&message, CONFLICT_ID_LINE),
        "{message} lacks line {CONFLICT_ID_LINE}"
    );
    assert!(
        names_function(&message, CONFLICT_SLUG_LINE),
        "{message} lacks line {CONFLICT_SLUG_LINE}"
    );
}
