//! `/api/posts` and `/api/posts/$id`: TanStack's RESTful resource with route-level
//! `[auth, logger]` middleware and a per-handler `validation` middleware.

use routekit::prelude::*;
use serde::Deserialize;

use crate::db::User;
use crate::Db;

/// Bearer token → user; `401` without one.
#[middleware]
pub async fn auth(headers: HeaderMap, State(db): State<Db>) -> Result<User, ApiError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::unauthorized("Unauthorized"))?;
    db.user_by_token(token)
        .ok_or_else(|| ApiError::unauthorized("Unauthorized"))
}

/// Logs method, path and status of every request that reaches it.
#[middleware]
pub async fn logger(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.url().path().to_owned());
    let res = next.run(req).await;
    println!("{method} {path} -> {}", res.status_code());
    res
}

/// Refuses a write without a JSON content type before the handler runs.
#[middleware]
pub async fn validation(headers: HeaderMap) -> Result<Validated, ApiError> {
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        Ok(Validated)
    } else {
        Err(ApiError::with_status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected content-type application/json",
        ))
    }
}

/// Marker a `validation` pass leaves in the context.
#[derive(Clone, Copy, Debug)]
pub struct Validated;

#[derive(Deserialize)]
pub struct NewPost {
    pub title: String,
    pub body: String,
}

#[derive(Deserialize)]
pub struct UpdatePost {
    pub title: Option<String>,
    pub body: Option<String>,
}

#[route("/api/posts")]
#[middleware(auth, logger)]
pub mod collection {
    use super::*;

    pub async fn GET(State(db): State<Db>) -> Response {
        Response::json(&db.posts())
    }

    #[middleware(validation)]
    pub async fn POST(
        user: Ctx<User>,
        State(db): State<Db>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        let body: NewPost = req.json().await?;
        Ok(Response::json(&db.create_post(user.id, &body.title, &body.body)).status(201))
    }
}

#[route("/api/posts/$id")]
#[middleware(auth, logger)]
pub mod item {
    use super::*;

    pub async fn GET(id: u64, State(db): State<Db>) -> Response {
        match db.post(id) {
            Some(post) => Response::json(&post),
            None => Response::error(404, "Not found"),
        }
    }

    #[middleware(validation)]
    pub async fn PATCH(
        id: u64,
        user: Ctx<User>,
        State(db): State<Db>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        let body: UpdatePost = req.json().await?;
        match db.update_post(id, user.id, body.title, body.body) {
            Some(post) => Ok(Response::json(&post)),
            None => Err(ApiError::not_found("Not found or forbidden")),
        }
    }

    pub async fn DELETE(id: u64, user: Ctx<User>, State(db): State<Db>) -> Response {
        if db.delete_post(id, user.id) {
            Response::empty()
        } else {
            Response::error(404, "Not found or forbidden")
        }
    }
}
