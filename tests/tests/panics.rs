//! Panics in handlers (async and sync) and in middleware (providers and around, on an
//! automatic answer too): `500` with a body that leaks nothing, and the same router goes
//! on serving.

#[allow(dead_code)]
mod error_support;

use error_support::{answer, assert_json_content_type, INTERNAL};
use routekit::prelude::*;
use routekit::test::TestClient;
use serde_json::json;

#[route("/panic")]
mod panicking {
    use super::*;

    pub async fn GET(req: Request) -> Response {
        if req.search_params().has("boom") {
            panic!("secret panic message: db password is hunter2");
        }
        Response::json(&json!({ "ok": true }))
    }

    pub async fn POST(req: Request) -> Response {
        if req.search_params().has("boom") {
            let secret = "hunter2";
            panic!("formatted panic with {secret}");
        }
        Response::json(&json!({ "ok": "post" }))
    }
}

#[route(GET, "/panic-sync")]
fn panic_sync(req: Request) -> Response {
    if req.search_params().has("boom") {
        panic!("sync handler panic hunter2");
    }
    Response::text("fine")
}

#[derive(Clone, Debug)]
struct Boom;

/// A provider that panics when asked to.
#[middleware]
async fn panicking_provider(headers: HeaderMap) -> Result<Boom, ApiError> {
    if headers.contains_key("x-boom") {
        panic!("provider panic: hunter2");
    }
    Ok(Boom)
}

/// An around middleware that panics when asked to.
#[middleware]
async fn panicking_around(req: Request, next: Next) -> Response {
    if req.header("x-boom-around").is_some() {
        panic!("around panic: hunter2");
    }
    next.run(req).await
}

#[route("/mw-panic")]
#[middleware(panicking_provider)]
mod mw_panic {
    use super::*;

    pub async fn GET(boom: Ctx<Boom>) -> Response {
        let _ = boom;
        Response::json(&json!({ "ok": true }))
    }

    #[middleware(panicking_around)]
    pub async fn POST() -> Response {
        Response::json(&json!({ "ok": "post" }))
    }
}

fn client() -> TestClient {
    TestClient::new(routes![panicking, panic_sync, mw_panic,])
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_same_router_keeps_serving() {
    let client = client();
    for (method, path) in [
        ("GET", "/panic?boom"),
        ("POST", "/panic?boom"),
        ("GET", "/panic-sync?boom"),
    ] {
        let res = client.request(method.parse().unwrap(), path).send().await;
        assert_eq!(
            (res.status().as_u16(), res.text()),
            (500, INTERNAL.into()),
            "{method} {path}"
        );
        assert_json_content_type(&res);
        assert!(!res.text().contains("hunter2") && !res.text().contains("panic"));
    }

    // Same client, same router.
    let res = client.get("/panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": true })));
    let res = client.post("/panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": "post" })));
    let res = client.get("/panic-sync").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "fine".into()));

    // Many times over: nothing poisoned.
    for _ in 0..20 {
        let res = client.get("/panic?boom").send().await;
        assert_eq!(res.status(), 500);
        let res = client.get("/panic").send().await;
        assert_eq!(res.status(), 200);
    }
}

#[tokio::test]
async fn a_panicking_middleware_answers_500_and_the_same_router_keeps_serving() {
    let client = client();
    let res = client.get("/mw-panic").header("x-boom", "1").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (500, INTERNAL.into()));
    assert_json_content_type(&res);

    let res = client
        .post("/mw-panic")
        .header("x-boom-around", "1")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (500, INTERNAL.into()));
    assert_json_content_type(&res);

    // A route-level provider panicking on an automatic answer (405).
    let res = client
        .delete("/mw-panic")
        .header("x-boom", "1")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (500, INTERNAL.into()));

    let res = client.get("/mw-panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": true })));
    let res = client.post("/mw-panic").send().await;
    assert_eq!(answer(&res), (200, json!({ "ok": "post" })));
}
