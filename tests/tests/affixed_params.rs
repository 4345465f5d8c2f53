//! Prefix/suffix parameters (TanStack Start's `post-{$id}`, `{$name}.txt`) and several
//! routes on one segment, end to end.

use routekit::prelude::*;
use routekit::test::TestClient;
use serde_json::{json, Value};

#[route("/posts/post-{$id}")]
mod post {
    use super::*;
    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "id": id }))
    }
    pub async fn DELETE(id: u64) -> Response {
        Response::json(&json!({ "deleted": id }))
    }
}

// The axum spelling means the same.
#[route(GET, "/reports/{year}-report.pdf")]
async fn report(year: u16) -> Response {
    Response::json(&json!({ "year": year }))
}

// Four routes on one segment position, in three route modules and a function.
#[route("/files/{$name}.txt")]
mod text_file {
    use super::*;
    pub async fn GET(name: String) -> Response {
        Response::json(&json!({ "route": "txt", "name": name }))
    }
}

#[route("/files/{$name}.json")]
mod json_file {
    use super::*;
    pub async fn GET(name: String) -> Response {
        Response::json(&json!({ "route": "json", "name": name }))
    }
    pub async fn PUT(name: String) -> Response {
        Response::json(&json!({ "route": "json", "put": name }))
    }
}

// A longer suffix is more specific than `.json`.
#[route("/files/{$name}.tar.json")]
mod tar_json_file {
    use super::*;
    pub async fn GET(name: String) -> Response {
        Response::json(&json!({ "route": "tar.json", "name": name }))
    }
}

#[route(GET, "/files/latest.json")]
async fn latest() -> Response {
    Response::json(&json!({ "route": "latest" }))
}

// A bare parameter, under another name, answers what no text matches.
#[route("/files/$id")]
mod any_file {
    use super::*;
    pub async fn GET(id: String) -> Response {
        Response::json(&json!({ "route": "bare", "id": id }))
    }
}

// Without a bare parameter, a segment no route fits is a 404.
#[route(GET, "/avatars/{$user}.png")]
async fn png(user: String) -> Response {
    Response::json(&json!({ "png": user }))
}

#[route(GET, "/avatars/{$user}.webp")]
async fn webp(user: String) -> Response {
    Response::json(&json!({ "webp": user }))
}

#[route(POST, "/avatars/{$user}.webp")]
async fn upload_webp(user: String) -> Response {
    Response::json(&json!({ "uploaded": user }))
}

// Prefix/suffix parameters with a catch-all after them, and two on one path.
#[route("/v/v{$major}/docs/[...page]")]
mod versioned {
    use super::*;
    pub async fn GET(major: u8, page: Vec<String>) -> Response {
        Response::json(&json!({ "major": major, "page": page }))
    }
}

#[route(GET, "/tiles/z{$z}/x{$x}-y.png")]
async fn tile(z: u8, x: u32) -> Response {
    Response::json(&json!({ "z": z, "x": x }))
}

fn app() -> axum::Router {
    routes![
        post,
        report,
        text_file,
        json_file,
        tar_json_file,
        latest,
        any_file,
        png,
        webp,
        upload_webp,
        versioned,
        tile,
    ]
}

async fn get(uri: &str) -> (u16, Value) {
    let res = TestClient::new(app()).get(uri).send().await;
    let status = res.status().as_u16();
    (status, res.json())
}

#[tokio::test]
async fn the_parameter_is_the_text_between_prefix_and_suffix() {
    assert_eq!(get("/posts/post-42").await, (200, json!({ "id": 42 })));
    assert_eq!(
        get("/reports/2024-report.pdf").await,
        (200, json!({ "year": 2024 }))
    );
    assert_eq!(
        get("/tiles/z3/x17-y.png").await,
        (200, json!({ "z": 3, "x": 17 }))
    );
    assert_eq!(
        get("/v/v2/docs/a/b").await,
        (200, json!({ "major": 2, "page": ["a", "b"] }))
    );
    // Percent-decoded, as any parameter.
    assert_eq!(
        get("/files/a%20b.txt").await,
        (200, json!({ "route": "txt", "name": "a b" }))
    );
}

#[tokio::test]
async fn a_segment_without_the_text_is_not_found() {
    for uri in [
        "/posts/7",
        "/posts/page-7",
        "/posts/post-",
        "/reports/2024.pdf",
        "/tiles/3/x17-y.png",
        "/v/2/docs/a",
        "/avatars/ann.gif",
        "/avatars/.png",
    ] {
        let (status, body) = get(uri).await;
        assert_eq!(status, 404, "{uri}");
        // The same JSON 404 an unknown path gets.
        assert_eq!(body, get("/no/such/path").await.1, "{uri}");
    }
}

#[tokio::test]
async fn a_typed_parameter_that_does_not_parse_is_a_400_naming_it() {
    let (status, body) = get("/posts/post-seven").await;
    assert_eq!(status, 400);
    assert_eq!(body["param"], "id");
    assert_eq!(body["expected"], "u64");
    assert_eq!(body["error"], "invalid path parameter `id`: expected u64");
    let (status, body) = get("/tiles/z999/x1-y.png").await;
    assert_eq!(status, 400);
    assert_eq!(body["param"], "z");
}

#[tokio::test]
async fn routes_on_one_segment_dispatch_by_specificity() {
    // Static first, then the longest text, then the bare parameter.
    assert_eq!(
        get("/files/latest.json").await.1,
        json!({ "route": "latest" })
    );
    assert_eq!(
        get("/files/notes.txt").await.1,
        json!({ "route": "txt", "name": "notes" })
    );
    assert_eq!(
        get("/files/data.json").await.1,
        json!({ "route": "json", "name": "data" })
    );
    assert_eq!(
        get("/files/data.tar.json").await.1,
        json!({ "route": "tar.json", "name": "data" })
    );
    assert_eq!(
        get("/files/latest.txt").await.1,
        json!({ "route": "txt", "name": "latest" })
    );
    assert_eq!(
        get("/files/readme.md").await.1,
        json!({ "route": "bare", "id": "readme.md" })
    );
    // `.json` alone leaves nothing for the name: the bare route takes it.
    assert_eq!(
        get("/files/.json").await.1,
        json!({ "route": "bare", "id": ".json" })
    );
    assert_eq!(
        get("/avatars/ann.png").await,
        (200, json!({ "png": "ann" }))
    );
    assert_eq!(
        get("/avatars/ann.webp").await,
        (200, json!({ "webp": "ann" }))
    );
}

#[tokio::test]
async fn each_shape_answers_its_own_methods() {
    let client = TestClient::new(app());
    // HEAD from GET, without a body.
    let res = client.head("/posts/post-1").send().await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().is_empty());
    // OPTIONS lists the route's own methods.
    let res = client.options("/posts/post-1").send().await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.header("allow"), Some("DELETE, GET, HEAD, OPTIONS"));
    let res = client.post("/posts/post-1").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("DELETE, GET, HEAD, OPTIONS"));
    let res = client.delete("/posts/post-1").send().await;
    assert_eq!(res.json::<Value>(), json!({ "deleted": 1 }));
    // Not matching the text is a 404 whatever the method.
    assert_eq!(client.options("/posts/x").send().await.status(), 404);

    // In a group, per route: `.json` has PUT, `.txt` does not.
    let res = client.put("/files/a.json").send().await;
    assert_eq!(res.json::<Value>(), json!({ "route": "json", "put": "a" }));
    let res = client.options("/files/a.json").send().await;
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, PUT"));
    let res = client.options("/files/a.txt").send().await;
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.put("/files/a.txt").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.head("/files/a.txt").send().await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().is_empty());

    // Function-form routes of one pattern merge their methods; the other pattern does not
    // get them.
    let res = client.post("/avatars/ann.webp").send().await;
    assert_eq!(res.json::<Value>(), json!({ "uploaded": "ann" }));
    let res = client.options("/avatars/ann.webp").send().await;
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS, POST"));
    let res = client.post("/avatars/ann.png").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, OPTIONS"));
    let res = client.options("/avatars/ann.gif").send().await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_route_table_lists_every_route_of_a_group() {
    let table = routekit::route_table(&app());
    let templates: Vec<&str> = table
        .iter()
        .filter(|row| row.method == "GET" && row.path.starts_with("/files/"))
        .map(|row| row.template)
        .collect();
    for template in [
        "/files/{$name}.txt",
        "/files/{$name}.json",
        "/files/{$name}.tar.json",
        "/files/latest.json",
        "/files/$id",
    ] {
        assert!(templates.contains(&template), "{template}: {templates:?}");
    }
}

// Middleware and layers of a route in a group run for that route only.
#[middleware]
async fn tag(req: Request, next: Next) -> Response {
    next.run(req).await.header("x-tag", "tagged")
}

#[route("/m/{$id}.tagged")]
#[middleware(tag)]
mod tagged {
    use super::*;
    pub async fn GET(id: u32) -> Response {
        Response::json(&json!({ "tagged": id }))
    }
}

#[route("/m/$id")]
#[middleware(tower_http::set_header::SetResponseHeaderLayer::overriding(
    http::header::HeaderName::from_static("x-layer"),
    http::HeaderValue::from_static("plain"),
))]
mod plain {
    use super::*;
    pub async fn GET(id: String) -> Response {
        Response::json(&json!({ "plain": id }))
    }
}

#[derive(Clone)]
struct Greeting(&'static str);

#[route(GET, "/s/{$id}.hi")]
async fn with_state(State(greeting): State<Greeting>, id: u8) -> Response {
    Response::json(&json!({ "greeting": greeting.0, "id": id }))
}

#[route(GET, "/s/$name")]
async fn without_text(State(greeting): State<Greeting>, name: String) -> Response {
    Response::json(&json!({ "greeting": greeting.0, "name": name }))
}

#[tokio::test]
async fn a_group_keeps_each_routes_middleware_layers_and_state() {
    let client = TestClient::new(routes![tagged, plain]);
    let res = client.get("/m/5.tagged").send().await;
    assert_eq!(res.json::<Value>(), json!({ "tagged": 5 }));
    assert_eq!(res.header("x-tag"), Some("tagged"));
    assert_eq!(res.header("x-layer"), None);
    let res = client.get("/m/5").send().await;
    assert_eq!(res.json::<Value>(), json!({ "plain": "5" }));
    assert_eq!(res.header("x-tag"), None);
    assert_eq!(res.header("x-layer"), Some("plain"));

    // Two apps from one router type, each with its own state.
    for greeting in ["hello", "bonjour"] {
        let app: axum::Router = routes![with_state, without_text].with_state(Greeting(greeting));
        let client = TestClient::new(app);
        assert_eq!(
            client.get("/s/7.hi").send().await.json::<Value>(),
            json!({ "greeting": greeting, "id": 7 })
        );
        assert_eq!(
            client.get("/s/x.hey").send().await.json::<Value>(),
            json!({ "greeting": greeting, "name": "x.hey" })
        );
    }
}

// A stateful layer on a route in a group is built once, with the router: its state holds
// across requests (a concurrency limit of 1 lets one request in at a time).
static INSIDE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[route("/l/{$id}.slow")]
#[middleware(tower::limit::ConcurrencyLimitLayer::new(1))]
mod slow {
    use super::*;
    use std::sync::atomic::Ordering;
    pub async fn GET(id: u32) -> Response {
        let now = INSIDE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        INSIDE.fetch_sub(1, Ordering::SeqCst);
        Response::json(&json!({ "slow": id }))
    }
}

#[route(GET, "/l/$id")]
async fn fast(id: String) -> Response {
    Response::json(&json!({ "fast": id }))
}

#[tokio::test]
async fn a_layer_on_a_route_of_a_group_keeps_its_state() {
    let app: axum::Router = routes![slow, fast].with_state(());
    let client = TestClient::new(app);
    let tasks: Vec<_> = (0..4)
        .map(|_| tokio::spawn(client.get("/l/3.slow").send()))
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().json::<Value>(), json!({ "slow": 3 }));
    }
    assert_eq!(PEAK.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(
        client.get("/l/3.fast").send().await.json::<Value>(),
        json!({ "fast": "3.fast" })
    );
}

// Optional segments around a prefix parameter: two variants of one template share an axum
// shape (`/o/{}/{}`) and are told apart by the text, under their own parameter names.
#[route("/o/{-$a}/p-{$b}/{-$c}")]
mod optional_around {
    use super::*;
    pub async fn GET(a: Option<String>, b: u32, c: Option<String>) -> Response {
        Response::json(&json!({ "a": a, "b": b, "c": c }))
    }
}

#[tokio::test]
async fn optional_segments_beside_a_prefix_parameter() {
    let client = TestClient::new(routes![optional_around]);
    for (uri, a, b, c) in [
        ("/o/p-1", None, 1, None),
        ("/o/x/p-2", Some("x"), 2, None),
        ("/o/p-3/z", None, 3, Some("z")),
        ("/o/x/p-4/z", Some("x"), 4, Some("z")),
        // The variant with the text first is the more specific one.
        ("/o/p-5/p-6", None, 5, Some("p-6")),
    ] {
        let res = client.get(uri).send().await;
        assert_eq!(
            res.json::<Value>(),
            json!({ "a": a, "b": b, "c": c }),
            "{uri}"
        );
    }
    assert_eq!(client.get("/o/x/y").send().await.status(), 404);
    let res = client.get("/o/x/p-y").send().await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>()["param"], "b");
}
