//! `/api/posts` and `/api/posts/$id`: TanStack's RESTful resource with route-level
//! `[auth, logger]` middleware and a per-handler `validation` middleware.

use routekit::prelude::*;
use serde::Deserialize;

use crate::db::User;
use crate::Db;

/// Bearer token → the user it belongs to, looked up in the database; `401` without one.
#[middleware]
#[security(bearer)]
pub async fn auth(headers: HeaderMap, State(db): State<Db>) -> Result<User, ApiError> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::unauthorized("Unauthorized"))?;
    db.user_by_token(token)
        .await?
        .ok_or_else(|| ApiError::unauthorized("Unauthorized"))
}

/// Logs method, path, status and latency of every request that reaches it.
#[middleware]
pub async fn logger(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.url().path().to_owned());
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::info!(
        target: "blog::posts",
        %method,
        path,
        status = res.status_code().as_u16(),
        elapsed_us = started.elapsed().as_micros() as u64,
        "posts request"
    );
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

/// A new post: both fields required.
#[derive(Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct NewPost {
    #[garde(length(min = 1, max = 200))]
    pub title: String,
    #[garde(length(min = 1))]
    pub body: String,
}

/// The seed's `updatePostSchema`: every field optional, none empty.
#[derive(Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct UpdatePost {
    #[garde(length(min = 1, max = 200))]
    pub title: Option<String>,
    #[garde(length(min = 1))]
    pub body: Option<String>,
}

#[route("/api/posts")]
#[middleware(auth, logger)]
pub mod collection {
    use super::*;

    #[response(200, Vec<crate::db::Post>)]
    pub async fn GET(State(db): State<Db>) -> Result<Response, ApiError> {
        Ok(Response::json(&db.posts().await?))
    }

    #[middleware(validation)]
    #[body(NewPost)]
    #[response(201, crate::db::Post)]
    pub async fn POST(
        user: Ctx<User>,
        State(db): State<Db>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        let body: NewPost = req.json_valid().await?;
        let post = db.create_post(user.id, &body.title, &body.body).await?;
        Ok(Response::json(&post).status(201))
    }
}

#[route("/api/posts/$id")]
#[middleware(auth, logger)]
pub mod item {
    use super::*;

    #[response(200, crate::db::Post)]
    pub async fn GET(id: i64, State(db): State<Db>) -> Result<Response, ApiError> {
        match db.post(id).await? {
            Some(post) => Ok(Response::json(&post)),
            None => Err(ApiError::not_found("Not found")),
        }
    }

    /// Only the author may edit: someone else's post answers `404`, as a missing one does.
    #[middleware(validation)]
    #[body(UpdatePost)]
    #[response(200, crate::db::Post)]
    pub async fn PATCH(
        id: i64,
        user: Ctx<User>,
        State(db): State<Db>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        let body: UpdatePost = req.json_valid().await?;
        let updated = db
            .update_post(id, user.id, body.title.as_deref(), body.body.as_deref())
            .await?;
        match updated {
            Some(post) => Ok(Response::json(&post)),
            None => Err(ApiError::not_found("Not found or forbidden")),
        }
    }

    #[response(204)]
    pub async fn DELETE(
        id: i64,
        user: Ctx<User>,
        State(db): State<Db>,
    ) -> Result<Response, ApiError> {
        if db.delete_post(id, user.id).await? {
            Ok(Response::empty())
        } else {
            Err(ApiError::not_found("Not found or forbidden"))
        }
    }
}
