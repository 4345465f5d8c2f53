//! The Next.js route-handler examples: params, cookies, headers, query, body, form data,
//! redirect, CORS, streaming and an RSS feed.

use std::time::Duration;

use axum::http::{header, Method};
use routekit::prelude::*;
use tower_http::cors::{Any, CorsLayer};

/// `app/api/[team]/route.ts`.
#[route(GET, "/api/teams/[team]")]
pub async fn team(team: String) -> Response {
    Response::json(&serde_json::json!({ "team": team }))
}

/// `app/docs/[[...slug]]/route.ts`: `/docs` and `/docs/a/b`.
#[route(GET, "/docs/[[...slug]]")]
pub async fn docs(slug: Option<Vec<String>>) -> Response {
    Response::json(&serde_json::json!({ "slug": slug }))
}

#[route(GET, "/api/cookies")]
pub async fn cookies(req: Request) -> Response {
    Response::json(&serde_json::json!({ "token": req.cookies().get("token") }))
}

#[route(GET, "/api/headers")]
pub async fn headers(req: Request) -> Response {
    Response::json(&serde_json::json!({ "referer": req.header("referer") }))
}

#[route(GET, "/api/search")]
pub fn search(req: Request) -> Response {
    Response::json(&serde_json::json!({ "query": req.search_params().get("query") }))
}

#[route(POST, "/api/echo")]
#[body(serde_json::Value)]
pub async fn echo(mut req: Request) -> Result<Response, ApiError> {
    let res: serde_json::Value = req.json().await?;
    Ok(Response::json(&serde_json::json!({ "res": res })))
}

#[route(POST, "/api/form")]
#[body(std::collections::HashMap<String, String>, form)]
pub async fn form(mut req: Request) -> Result<Response, ApiError> {
    let form = req.form_data().await?;
    Ok(Response::json(
        &serde_json::json!({ "name": form.get("name"), "email": form.get("email") }),
    ))
}

#[route(GET, "/api/redirect")]
pub async fn redirect() -> Response {
    Response::redirect("https://nextjs.org/")
}

/// The seed's CORS headers, spelled out: `Access-Control-Allow-Origin: *`, the methods
/// `GET, POST, PUT, DELETE, OPTIONS` and the headers `Content-Type, Authorization`.
/// Listing `Authorization` matters: the Fetch standard does not let a `*` in
/// `Access-Control-Allow-Headers` cover it, so `CorsLayer::permissive()` (all `*`) fails
/// the preflight of a browser that sends a bearer token. A `*` origin is fine for a bearer
/// token (the request is not in credentials mode); a site using cookies lists its origins.
pub fn cors_layer() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
}

/// Route-level, so the CORS layer also answers the browser's preflight `OPTIONS`. The `GET`
/// sets the seed's three headers itself, as the seed does: the layer adds only
/// `Access-Control-Allow-Origin` to an answer that is not a preflight.
#[route("/api/cors")]
#[middleware(cors_layer())]
pub mod cors {
    use super::*;

    pub async fn GET() -> Response {
        Response::new("Hello, Next.js!")
            .header(
                "access-control-allow-methods",
                "GET, POST, PUT, DELETE, OPTIONS",
            )
            .header(
                "access-control-allow-headers",
                "Content-Type, Authorization",
            )
    }
}

/// The seed's `iteratorToStream`: three chunks, 200 ms apart.
#[route(GET, "/api/stream")]
pub async fn stream() -> Response {
    let chunks = futures_util::stream::unfold(0u8, |n| async move {
        let chunk = match n {
            0 => "<p>One</p>",
            1 => "<p>Two</p>",
            2 => "<p>Three</p>",
            _ => return None,
        };
        if n > 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Some((Ok::<_, std::io::Error>(chunk), n + 1))
    });
    Response::stream(chunks).header("content-type", "text/html; charset=utf-8")
}

#[route(GET, "/feed.xml", revalidate = 60)]
pub async fn feed() -> Response {
    Response::xml(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0">
  <channel>
    <title>Next.js Documentation</title>
    <link>https://nextjs.org/docs</link>
    <description>The React Framework for the Web</description>
  </channel>
</rss>"#,
    )
}
