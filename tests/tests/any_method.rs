//! TanStack Start's `ANY` handler: `pub async fn ANY(…)` in a route module answers every
//! method the module does not name, so the route never answers `405`. `HEAD` tries `HEAD`,
//! `GET`, then `ANY`; `OPTIONS` tries `OPTIONS`, then `ANY`.

use routekit::openapi::{document, Info};
use routekit::prelude::*;
use routekit::test::TestClient;
use routekit::RouteInfo;
use serde_json::{json, Value};

#[route("/api/proxy/$id")]
mod proxy {
    use super::*;

    pub async fn GET(id: u64) -> Response {
        Response::json(&json!({ "handler": "GET", "id": id }))
    }

    /// Forwards anything else.
    pub async fn ANY(id: u64, req: Request) -> Response {
        Response::json(&json!({ "handler": "ANY", "id": id, "method": req.method().as_str() }))
    }
}

#[route("/api/echo")]
mod echo {
    use super::*;

    pub async fn ANY(req: Request) -> Response {
        Response::text(req.method().as_str().to_owned())
    }
}

#[middleware]
async fn guard(headers: HeaderMap) -> Result<(), ApiError> {
    headers
        .get("authorization")
        .map(|_| ())
        .ok_or_else(|| ApiError::unauthorized("Unauthorized"))
}

#[route("/api/guarded")]
#[middleware(guard)]
mod guarded {
    use super::*;

    pub async fn POST() -> &'static str {
        "post"
    }

    pub async fn ANY() -> &'static str {
        "any"
    }
}

fn client() -> TestClient {
    TestClient::new(routes![proxy, echo, guarded])
}

async fn send(method: &str, path: &str) -> (u16, String) {
    let method = http::Method::from_bytes(method.as_bytes()).unwrap();
    let res = client().request(method, path).send().await;
    (res.status().as_u16(), res.text())
}

#[tokio::test]
async fn any_answers_every_method_the_module_does_not_name() {
    let (status, body) = send("GET", "/api/proxy/7").await;
    assert_eq!(
        (
            status,
            serde_json::from_str::<Value>(&body).unwrap()["handler"].clone()
        ),
        (200, json!("GET"))
    );
    for method in ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"] {
        let (status, body) = send(method, "/api/proxy/7").await;
        assert_eq!(status, 200, "{method}: {body}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({ "handler": "ANY", "id": 7, "method": method }),
            "{method}"
        );
    }
    // `HEAD` goes to `GET` when there is one.
    let res = client().head("/api/proxy/7").send().await;
    assert_eq!(res.status(), 200);
    // The parameters are still typed: a bad id is the usual `400`.
    assert_eq!(send("PUT", "/api/proxy/x").await.0, 400);
}

#[tokio::test]
async fn a_module_of_only_any_answers_head_and_options_too() {
    for method in ["GET", "HEAD", "OPTIONS", "POST", "DELETE", "PURGE"] {
        let (status, body) = send(method, "/api/echo").await;
        assert_eq!(status, 200, "{method}");
        if method != "HEAD" {
            assert_eq!(body, method);
        }
    }
}

#[tokio::test]
async fn route_middleware_runs_before_any_too() {
    assert_eq!(send("PUT", "/api/guarded").await.0, 401);
    let res = client()
        .put("/api/guarded")
        .header("authorization", "Bearer t")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "any".to_owned()));
    let res = client()
        .post("/api/guarded")
        .header("authorization", "Bearer t")
        .send()
        .await;
    assert_eq!(res.text(), "post");
}

#[test]
fn the_route_table_and_the_document_list_any() {
    let table = routekit::format_route_table(&routekit::route_table(&routes![proxy]));
    assert!(table.contains("ANY"), "{table}");
    assert!(
        !table.contains("OPTIONS"),
        "no automatic OPTIONS beside ANY: {table}"
    );

    let infos: Vec<&'static RouteInfo> = routekit::openapi::routes_of(&routes![proxy]);
    let doc = document(&infos, &Info::new("test", "1.0.0"));
    let item = &doc["paths"]["/api/proxy/{id}"];
    assert_eq!(item["get"]["operationId"], "proxy.get", "{item:#}");
    for verb in ["post", "put", "patch", "delete"] {
        assert_eq!(
            item[verb]["operationId"],
            format!("proxy.any.{verb}"),
            "{item:#}"
        );
        assert_eq!(item[verb]["summary"], "Forwards anything else.", "{item:#}");
    }
    assert!(item.get("any").is_none(), "{item:#}");
}
