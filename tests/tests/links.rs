//! Typed links: every route's `href`, checked at compile time, end to end.

// The tests pass references on purpose: `href` takes a value or a reference to one.
#![allow(clippy::needless_borrows_for_generic_args)]

use proptest::prelude::*;
use routekit::prelude::*;
use routekit::test::TestClient;
use serde_json::{json, Value};

#[route("/api/posts/$id")]
mod item {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
}

#[route(GET, "/api/hello")]
async fn hello() -> Response {
    Response::text("Hello")
}

#[route(GET, "/")]
async fn home() -> Response {
    Response::text("home")
}

#[route("/api/notes/[name]")]
mod note {
    use super::*;
    pub async fn GET(name: String) -> Response {
        Response::json(&json!({ "name": name }))
    }
}

#[route("/docs/[...slug]")]
mod doc {
    use super::*;
    pub async fn GET(slug: Vec<String>) -> Response {
        Response::json(&json!({ "slug": slug }))
    }
}

#[route("/shop/[[...slug]]")]
mod shop {
    use super::*;
    pub async fn GET(slug: Vec<String>) -> Response {
        Response::json(&json!({ "slug": slug }))
    }
}

#[route("/{-$lang}/about/{-$page}")]
mod about {
    use super::*;
    pub async fn GET(lang: Option<String>, page: Option<u32>) -> Response {
        Response::json(&json!({ "lang": lang, "page": page }))
    }
}

#[route(GET, "/posts/post-{$id}/{$name}.txt")]
async fn affixed(id: u32, name: String) -> Response {
    Response::json(&json!({ "id": id, "name": name }))
}

// Handlers that disagree on a parameter's type, or do not take it: any `Display` value.
#[route("/loose/$key/$other")]
mod loose {
    use super::*;
    pub async fn GET(key: u64) -> Response {
        Response::json(&json!({ "key": key }))
    }
    pub async fn DELETE(key: String) -> Response {
        Response::json(&json!({ "deleted": key }))
    }
}

fn app() -> axum::Router {
    routes![item, hello, home, note, doc, shop, about, affixed, loose]
}

#[test]
fn links_fill_parameters_in_template_order() {
    assert_eq!(item::href(7), "/api/posts/7");
    assert_eq!(item::href(&7), "/api/posts/7");
    assert_eq!(hello::href(), "/api/hello");
    assert_eq!(home::href(), "/");
    assert_eq!(note::href("readme"), "/api/notes/readme");
    assert_eq!(note::href(String::from("readme")), "/api/notes/readme");
    assert_eq!(note::href(&String::from("readme")), "/api/notes/readme");
    assert_eq!(affixed::href(3, "notes"), "/posts/post-3/notes.txt");
    assert_eq!(loose::href("k", 2), "/loose/k/2");
}

#[test]
fn segments_are_percent_encoded() {
    assert_eq!(note::href("a b/c"), "/api/notes/a%20b%2Fc");
    assert_eq!(note::href("100%"), "/api/notes/100%25");
    assert_eq!(note::href("café ☕"), "/api/notes/caf%C3%A9%20%E2%98%95");
    assert_eq!(note::href("?x=1#y"), "/api/notes/%3Fx%3D1%23y");
    assert_eq!(note::href(".."), "/api/notes/%2E%2E");
    assert_eq!(affixed::href(1, "a b"), "/posts/post-1/a%20b.txt");
}

#[test]
fn catch_alls_join_their_segments_and_optionals_are_left_out() {
    assert_eq!(doc::href(["guide", "intro"]), "/docs/guide/intro");
    assert_eq!(
        doc::href(vec!["a/b".to_owned(), "c d".to_owned()]),
        "/docs/a%2Fb/c%20d"
    );
    assert_eq!(doc::href(&["x"]), "/docs/x");
    assert_eq!(shop::href(Vec::<String>::new()), "/shop");
    assert_eq!(shop::href([1, 2]), "/shop/1/2");
    assert_eq!(about::href(None, None), "/about");
    assert_eq!(about::href(Some("fr"), None), "/fr/about");
    assert_eq!(about::href(Some("fr"), Some(2)), "/fr/about/2");
    assert_eq!(about::href(None, Some(2)), "/about/2");
}

async fn get(uri: &str) -> Value {
    let res = TestClient::new(app()).get(uri).send().await;
    assert_eq!(res.status(), 200, "{uri}: {}", res.text());
    res.json()
}

#[tokio::test]
async fn a_link_reaches_its_route_with_the_same_values() {
    assert_eq!(get(&item::href(42)).await, json!({ "id": 42 }));
    assert_eq!(
        get(&note::href("a b/c%d")).await,
        json!({ "name": "a b/c%d" })
    );
    assert_eq!(
        get(&doc::href(["a/b", "c"])).await,
        json!({ "slug": ["a/b", "c"] })
    );
    assert_eq!(get(&shop::href([""; 0])).await, json!({ "slug": [] }));
    assert_eq!(
        get(&about::href(Some("fr"), Some(3))).await,
        json!({ "lang": "fr", "page": 3 })
    );
    assert_eq!(
        get(&about::href(None, Some(3))).await,
        json!({ "lang": null, "page": 3 })
    );
    assert_eq!(
        get(&affixed::href(9, "x.y z")).await,
        json!({ "id": 9, "name": "x.y z" })
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any non-empty text survives the trip: `href`, then the router and the parameter
    /// decoding, give the same value back.
    #[test]
    fn any_text_round_trips(name in "\\PC{1,12}", segments in proptest::collection::vec("\\PC{1,6}", 1..4)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let body = get(&note::href(&name)).await;
            assert_eq!(body, json!({ "name": name }));
            let body = get(&doc::href(&segments)).await;
            assert_eq!(body, json!({ "slug": segments }));
            let body = get(&affixed::href(1, &name)).await;
            assert_eq!(body, json!({ "id": 1, "name": name }));
        });
    }
}
