//! Every implementation answers the same bytes for the same request: status,
//! `content-type`, `allow` and body, for every scenario's request and the requests around
//! it (a failing validation, a missing token, `HEAD`, an unknown path, the filler routes).
//! A benchmark therefore never measures a broken or different route. The tower-only
//! scenarios (a tower layer: routekit and axum, not actix-web and Rocket) are checked
//! between routekit and axum.

use axum::body::Body;
use http_body_util::BodyExt;
use routekit_bench::apps;
use routekit_bench::scenario::{http_request, RequestSpec};
use routekit_bench::{Impl, Scenario, TowerScenario};
use tower::ServiceExt;

#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    allow: Option<String>,
    body: String,
}

fn header(value: Option<&http::HeaderValue>) -> Option<String> {
    value.map(|v| v.to_str().unwrap().to_owned())
}

fn tower(app: axum::Router, spec: &RequestSpec) -> Answer {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let res = app.oneshot(http_request(spec)).await.unwrap();
        let status = res.status().as_u16();
        let content_type = header(res.headers().get("content-type"));
        let allow = header(res.headers().get("allow"));
        let bytes = Body::new(res.into_body())
            .collect()
            .await
            .unwrap()
            .to_bytes();
        Answer {
            status,
            content_type,
            allow,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    })
}

fn actix(
    configure: impl Fn(&mut actix_web::web::ServiceConfig) + 'static,
    spec: &RequestSpec,
) -> Answer {
    use actix_web::test;
    actix_web::rt::System::new().block_on(async {
        let app = test::init_service(actix_web::App::new().configure(configure)).await;
        let mut req = test::TestRequest::default()
            .method(spec.method.parse().unwrap())
            .uri(spec.path);
        for &(name, value) in spec.headers {
            req = req.insert_header((name, value));
        }
        let req = req.set_payload(spec.body).to_request();
        let res = test::call_service(&app, req).await;
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let allow = res
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = test::read_body(res).await;
        Answer {
            status,
            content_type,
            allow,
            body: String::from_utf8(body.to_vec()).unwrap(),
        }
    })
}

fn rocket(app: rocket::Rocket<rocket::Build>, spec: &RequestSpec) -> Answer {
    use rocket::local::asynchronous::Client;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::untracked(app).await.unwrap();
        let method: rocket::http::Method = spec.method.parse().unwrap();
        let mut req = client.req(method, spec.path);
        for &(name, value) in spec.headers {
            req.add_header(rocket::http::Header::new(name, value));
        }
        let res = req.body(spec.body).dispatch().await;
        let status = res.status().code;
        let content_type = res.headers().get_one("content-type").map(str::to_owned);
        let allow = res.headers().get_one("allow").map(str::to_owned);
        let body = res.into_string().await.unwrap_or_default();
        Answer {
            status,
            content_type,
            allow,
            body,
        }
    })
}

fn answer(imp: Impl, scenario: Scenario, spec: &RequestSpec) -> Answer {
    match imp {
        Impl::Routekit => tower(apps::routekit::app(scenario), spec),
        Impl::Axum => tower(apps::axum::app(scenario), spec),
        Impl::Actix => actix(apps::actix::configure(scenario), spec),
        Impl::Rocket => rocket(apps::rocket::rocket(scenario), spec),
    }
}

/// Asks every implementation in `impls` and checks they agree with routekit's answer.
fn same(scenario: Scenario, spec: RequestSpec, impls: &[Impl], status: u16) -> Answer {
    let expected = answer(Impl::Routekit, scenario, &spec);
    assert_eq!(
        expected.status, status,
        "routekit, {scenario} {} {}: {expected:?}",
        spec.method, spec.path
    );
    for &imp in impls {
        let got = answer(imp, scenario, &spec);
        assert_eq!(
            got, expected,
            "{imp} differs from routekit on {scenario} {} {}",
            spec.method, spec.path
        );
    }
    expected
}

const PEERS: &[Impl] = &[Impl::Axum, Impl::Actix, Impl::Rocket];

#[test]
fn scenario_1_hello() {
    let a = same(Scenario::Hello, Scenario::Hello.request(), PEERS, 200);
    assert_eq!(a.body, "Hello, World!");
    assert_eq!(a.content_type.as_deref(), Some("text/plain; charset=utf-8"));
}

#[test]
fn scenario_1_head_has_no_body() {
    let spec = RequestSpec {
        method: "HEAD",
        ..Scenario::Hello.request()
    };
    let a = same(Scenario::Hello, spec, &[Impl::Axum, Impl::Rocket], 200);
    assert_eq!(a.body, "");
    // actix's test service does not strip a `HEAD` body (its HTTP layer does, on the wire).
    assert_eq!(answer(Impl::Actix, Scenario::Hello, &spec).status, 200);
}

#[test]
fn scenario_2_post_json() {
    let a = same(Scenario::Post, Scenario::Post.request(), PEERS, 200);
    assert_eq!(a.body, r#"{"id":42,"title":"Hello, routekit"}"#);
    assert_eq!(a.content_type.as_deref(), Some("application/json"));
}

#[test]
fn scenario_3_create_user() {
    let a = same(
        Scenario::CreateUser,
        Scenario::CreateUser.request(),
        PEERS,
        201,
    );
    assert_eq!(
        a.body,
        r#"{"id":1,"name":"Ada Lovelace","email":"ada@example.com"}"#
    );
}

#[test]
fn scenario_3_invalid_body_answers_the_same_400() {
    let spec = RequestSpec {
        body: r#"{"name":"A","email":"nope"}"#,
        ..Scenario::CreateUser.request()
    };
    let a = same(Scenario::CreateUser, spec, PEERS, 400);
    assert!(a.body.contains(r#""fieldErrors":{"email":"#), "{}", a.body);
    assert!(a.body.contains(r#""name":["#), "{}", a.body);
}

#[test]
fn scenario_4_middleware() {
    let a = same(
        Scenario::Middleware,
        Scenario::Middleware.request(),
        PEERS,
        200,
    );
    assert_eq!(a.body, r#"{"id":42,"title":"Hello, routekit","author":7}"#);
}

#[test]
fn scenario_4_without_token_is_401() {
    let spec = RequestSpec {
        headers: &[("authorization", "Bearer wrong")],
        ..Scenario::Middleware.request()
    };
    let a = same(Scenario::Middleware, spec, PEERS, 401);
    assert_eq!(a.body, r#"{"error":"Unauthorized"}"#);
}

#[test]
fn scenario_5_many_routes() {
    let a = same(
        Scenario::ManyRoutes,
        Scenario::ManyRoutes.request(),
        PEERS,
        200,
    );
    assert_eq!(a.body, r#"{"id":42,"title":"Hello, routekit"}"#);
}

#[test]
fn scenario_5_filler_routes_of_every_shape() {
    for (path, body) in [
        ("/api/r0", "filler"),
        ("/api/r1/items/5", r#"{"id":5,"title":"filler"}"#),
        ("/api/r2/items/6/comments", r#"{"id":6,"title":"filler"}"#),
        ("/api/r997/items/7", r#"{"id":7,"title":"filler"}"#),
        ("/api/r998/items/8/comments", r#"{"id":8,"title":"filler"}"#),
    ] {
        let spec = RequestSpec {
            path,
            ..Scenario::ManyRoutes.request()
        };
        let a = same(Scenario::ManyRoutes, spec, PEERS, 200);
        assert_eq!(a.body, body, "{path}");
    }
    // 999 fillers and scenario 2's route: the 1,000th filler does not exist.
    let spec = RequestSpec {
        path: "/api/r999",
        ..Scenario::ManyRoutes.request()
    };
    same(Scenario::ManyRoutes, spec, PEERS, 404);
}

#[test]
fn scenario_6_method_not_allowed() {
    let a = same(
        Scenario::MethodNotAllowed,
        Scenario::MethodNotAllowed.request(),
        PEERS,
        405,
    );
    assert_eq!(a.allow.as_deref(), Some("GET, HEAD, OPTIONS"));
    assert_eq!(a.body, r#"{"error":"method PUT not allowed"}"#);
}

#[test]
fn scenario_6_preflight_options() {
    let a = same(
        Scenario::Preflight,
        Scenario::Preflight.request(),
        PEERS,
        204,
    );
    assert_eq!(a.allow.as_deref(), Some("GET, HEAD, OPTIONS"));
    assert_eq!(a.body, "");
}

#[test]
fn unknown_path_is_the_same_json_404() {
    let spec = RequestSpec {
        path: "/api/nope",
        ..Scenario::Hello.request()
    };
    let a = same(Scenario::Hello, spec, PEERS, 404);
    assert_eq!(a.body, r#"{"error":"Not found"}"#);
}

#[test]
fn scaling_apps_answer_scenario_2() {
    for n in [1, 100, 1000] {
        let routekit = apps::routekit::app_with_routes(n).expect("built in");
        let spec = Scenario::Post.request();
        let ours = tower(routekit, &spec);
        let theirs = tower(apps::axum::app_with_routes(n), &spec);
        assert_eq!(ours, theirs, "{n} routes");
        assert_eq!(ours.status, 200);
    }
}

/// Routekit's and axum's answers to a tower-only scenario's request (or one around it).
fn same_tower(scenario: TowerScenario, spec: RequestSpec, status: u16) -> Answer {
    let ours = tower(apps::routekit::tower_app(scenario), &spec);
    let theirs = tower(apps::axum::tower_app(scenario), &spec);
    assert_eq!(
        ours, theirs,
        "axum differs from routekit on {scenario} {} {}",
        spec.method, spec.path
    );
    assert_eq!(
        ours.status, status,
        "{scenario} {} {}",
        spec.method, spec.path
    );
    ours
}

#[test]
fn scenario_7_limited_behind_a_concurrency_limit() {
    let scenario = TowerScenario::Limited;
    let a = same_tower(scenario, scenario.request(), 200);
    assert_eq!(a.body, "limited");
    assert_eq!(a.content_type.as_deref(), Some("text/plain; charset=utf-8"));
    let head = RequestSpec {
        method: "HEAD",
        ..scenario.request()
    };
    assert_eq!(same_tower(scenario, head, 200).body, "");
    let put = RequestSpec {
        method: "PUT",
        ..scenario.request()
    };
    let a = same_tower(scenario, put, 405);
    assert_eq!(a.allow.as_deref(), Some("GET, HEAD, OPTIONS"));
    assert_eq!(a.body, r#"{"error":"method PUT not allowed"}"#);
    let options = RequestSpec {
        method: "OPTIONS",
        ..scenario.request()
    };
    assert_eq!(
        same_tower(scenario, options, 204).allow.as_deref(),
        Some("GET, HEAD, OPTIONS")
    );
    let unknown = RequestSpec {
        path: "/api/nope",
        ..scenario.request()
    };
    assert_eq!(
        same_tower(scenario, unknown, 404).body,
        r#"{"error":"Not found"}"#
    );
}

#[test]
fn scenario_8_app_wide_auth_and_logger() {
    let scenario = TowerScenario::AppWide;
    let a = same_tower(scenario, scenario.request(), 200);
    assert_eq!(a.body, r#"{"id":42,"title":"Hello, routekit","author":7}"#);
    // App-wide: a wrong token is refused on the route and on a path no route matches.
    for path in ["/api/posts/42", "/api/nope"] {
        let spec = RequestSpec {
            path,
            headers: &[("authorization", "Bearer wrong")],
            ..scenario.request()
        };
        let a = same_tower(scenario, spec, 401);
        assert_eq!(a.body, r#"{"error":"Unauthorized"}"#);
    }
}

#[test]
fn scenarios_9_and_10_prefix_and_suffix_parameters() {
    let scenario = TowerScenario::Affixed;
    let a = same_tower(scenario, scenario.request(), 200);
    assert_eq!(a.body, r#"{"id":42,"title":"Hello, routekit"}"#);
    let missing = RequestSpec {
        path: "/api/posts/42",
        ..scenario.request()
    };
    assert_eq!(
        same_tower(scenario, missing, 404).body,
        r#"{"error":"Not found"}"#
    );

    let scenario = TowerScenario::AffixedGroup;
    let a = same_tower(scenario, scenario.request(), 200);
    assert_eq!(a.body, r#"{"id":42,"title":"Hello, routekit"}"#);
    for (path, body) in [
        ("/files/7.txt", "7: Hello, routekit"),
        ("/files/a.md", "a.md"),
    ] {
        let spec = RequestSpec {
            path,
            ..scenario.request()
        };
        assert_eq!(same_tower(scenario, spec, 200).body, body);
    }
}
