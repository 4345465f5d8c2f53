//! `#[group]`: route modules and functions sharing a path prefix and a middleware list
//! that runs before each child's own, as TanStack Start's layout routes; nested groups
//! compose, and `routes![group]` registers every route inside.

#![allow(non_snake_case)]

use routekit::prelude::*;
use routekit::test::TestClient;
use routekit_tests::Trace;

#[derive(Clone)]
struct Admin {
    name: String,
}

/// The group's provider: `Ctx<Admin>` in every route inside.
#[middleware]
async fn admin_auth(headers: HeaderMap) -> Result<Admin, ApiError> {
    let name = headers.get("x-admin").and_then(|v| v.to_str().ok());
    let name = name.ok_or_else(|| ApiError::unauthorized("Admins only"))?;
    Ok(Admin {
        name: name.to_owned(),
    })
}

#[middleware]
async fn trace() -> Trace {
    Trace::default()
}

#[derive(Clone)]
struct Audit;

#[middleware]
async fn audit(trace: Ctx<Trace>, _admin: Ctx<Admin>) -> Audit {
    trace.push("audit");
    Audit
}

#[middleware]
async fn daily_only(trace: Ctx<Trace>, req: Request, next: Next) -> Response {
    trace.push("daily_only");
    next.run(req).await
}

#[group("/admin")]
#[middleware(trace, admin_auth)]
mod admin {
    use super::*;

    #[route("/users")]
    pub mod users {
        use super::*;

        pub async fn GET(admin: Ctx<Admin>) -> String {
            format!("users, for {}", admin.name)
        }

        pub async fn POST(admin: Ctx<Admin>) -> Response {
            Response::text(format!("created by {}", admin.name)).status(201)
        }
    }

    #[route(GET, "/stats")]
    pub async fn stats(admin: Ctx<Admin>) -> String {
        format!("stats, for {}", admin.name)
    }

    /// The group's own path.
    #[route("/")]
    pub mod index {
        use super::*;

        pub async fn GET() -> &'static str {
            "admin home"
        }
    }

    /// A nested group: its prefix after the parent's, its list after the parent's.
    #[group("/reports")]
    #[middleware(audit)]
    pub mod reports {
        use super::*;

        #[middleware(daily_only)]
        #[route(GET, "/daily")]
        pub async fn daily(admin: Ctx<Admin>, _audit: Ctx<Audit>, trace: Ctx<Trace>) -> String {
            trace.push("handler");
            format!("{} for {}", trace.joined(), admin.name)
        }
    }
}

/// A group without a prefix (a pathless layout), its list written above `#[group]`.
#[middleware(trace)]
#[group]
mod pages {
    use super::*;

    #[route(GET, "/about")]
    pub async fn about(trace: Ctx<Trace>) -> String {
        trace.push("about");
        trace.joined()
    }
}

/// A prefix with a parameter, taken by the routes inside.
#[group("/orgs/$org")]
mod orgs {
    use super::*;

    #[route(GET, "/members/$id")]
    pub async fn member(org: String, id: u64) -> String {
        format!("member {id} of {org}")
    }
}

#[route(GET, "/public")]
async fn public() -> &'static str {
    "public"
}

fn app() -> axum::Router {
    routes![admin, pages, orgs, public]
}

#[tokio::test]
async fn routes_inside_get_the_prefix_and_the_groups_middleware() {
    let client = TestClient::new(app());
    let res = client
        .get("/admin/users")
        .header("x-admin", "ada")
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.text()),
        (200, "users, for ada".to_owned())
    );
    let res = client
        .post("/admin/users")
        .header("x-admin", "ada")
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.text()),
        (201, "created by ada".to_owned())
    );
    let res = client
        .get("/admin/stats")
        .header("x-admin", "ada")
        .send()
        .await;
    assert_eq!(res.text(), "stats, for ada");
    let res = client.get("/admin").header("x-admin", "ada").send().await;
    assert_eq!(res.text(), "admin home");

    // Without the group's provider's header: 401 on every route of the group, and on their
    // automatic answers.
    for path in [
        "/admin",
        "/admin/users",
        "/admin/stats",
        "/admin/reports/daily",
    ] {
        let res = client.get(path).send().await;
        assert_eq!(res.status(), 401, "{path}");
        assert_eq!(res.text(), r#"{"error":"Admins only"}"#);
    }
    assert_eq!(client.options("/admin/users").send().await.status(), 401);
    assert_eq!(client.delete("/admin/stats").send().await.status(), 401);

    // Not in the group: no middleware, no prefix.
    assert_eq!(client.get("/public").send().await.text(), "public");
    assert_eq!(
        client
            .get("/users")
            .header("x-admin", "ada")
            .send()
            .await
            .status(),
        404
    );
    assert_eq!(
        client
            .get("/stats")
            .header("x-admin", "ada")
            .send()
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn nested_groups_compose_prefixes_and_lists_outermost_first() {
    let client = TestClient::new(app());
    let res = client
        .get("/admin/reports/daily")
        .header("x-admin", "ada")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "audit → daily_only → handler for ada");
}

#[tokio::test]
async fn a_group_without_prefix_and_a_prefix_with_a_parameter() {
    let client = TestClient::new(app());
    assert_eq!(client.get("/about").send().await.text(), "about");
    let res = client.get("/orgs/acme/members/7").send().await;
    assert_eq!(res.text(), "member 7 of acme");
    assert_eq!(
        client.get("/orgs/acme/members/x").send().await.status(),
        400
    );
}

#[tokio::test]
async fn group_routes_are_in_the_route_table_with_their_middleware() {
    let app = app();
    let table = routekit::route_table(&app);
    let row = |method: &str, template: &str| {
        table
            .iter()
            .find(|row| row.method == method && row.template == template)
            .unwrap_or_else(|| panic!("no {method} {template} in {table:#?}"))
    };
    assert_eq!(
        row("GET", "/admin/users").middleware,
        ["trace", "admin_auth"]
    );
    assert_eq!(row("POST", "/admin/users").handler, "users::POST");
    assert_eq!(
        row("OPTIONS", "/admin/users").middleware,
        ["trace", "admin_auth"]
    );
    assert_eq!(
        row("GET", "/admin/stats").middleware,
        ["trace", "admin_auth"]
    );
    assert_eq!(row("GET", "/admin").middleware, ["trace", "admin_auth"]);
    assert_eq!(
        row("GET", "/admin/reports/daily").middleware,
        ["trace", "admin_auth", "audit", "daily_only"]
    );
    assert_eq!(row("GET", "/about").middleware, ["trace"]);
    assert_eq!(
        row("GET", "/orgs/$org/members/$id").path,
        "/orgs/{org}/members/{id}"
    );
    assert!(row("GET", "/public").middleware.is_empty());
}

#[tokio::test]
async fn a_group_registers_like_its_routes_listed_one_by_one() {
    // A group inside a group registers alone too, with every prefix and list above it.
    let app: axum::Router = routes![admin::reports];
    let client = TestClient::new(app);
    let res = client
        .get("/admin/reports/daily")
        .header("x-admin", "bo")
        .send()
        .await;
    assert_eq!(res.text(), "audit → daily_only → handler for bo");
    assert_eq!(
        client
            .get("/admin/users")
            .header("x-admin", "bo")
            .send()
            .await
            .status(),
        404
    );

    let app: axum::Router = routes![admin::users, admin::stats];
    let client = TestClient::new(app);
    assert_eq!(
        client
            .get("/admin/stats")
            .header("x-admin", "bo")
            .send()
            .await
            .text(),
        "stats, for bo"
    );
    assert_eq!(client.get("/admin/users").send().await.status(), 401);
}
