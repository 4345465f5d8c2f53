//! Stand-ins for the examples in routekit's README, guide and API docs. Not an API: hidden,
//! and free to change in any release.
//!
//! Those examples are doctests: `cargo test --doc -p routekit` compiles every one (and runs
//! those not marked `no_run`). An example about routes should not spend ten lines faking a
//! database, so it starts with one hidden line, `# use routekit::__doc_support::{Db, User};`,
//! and uses these. They behave like a tiny fixed data set: the user `ada` (id 1, token
//! `ada-token`), her post 1, and the user `grace` (id 2, token `grace-token`).
//!
//! They live in the crate rather than in a dev-dependency so that the published crate's
//! doctests pass from its package alone (a dev-dependency that is not published is dropped
//! from the package). A few dozen lines of code, no dependency of their own.

use std::sync::Arc;

use crate::prelude::*;
use serde::Serialize;

/// A database handle, cheap to clone like a connection pool.
#[derive(Clone, Debug, Default)]
pub struct Db {
    _pool: Arc<()>,
}

/// A signed-in user, what an `auth` middleware provides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
}

/// A blog post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Post {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
}

/// What `Db::create` answers: the new row's id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Created {
    pub id: i64,
}

/// The Stripe endpoint's signing secret (`whsec_…`), as the app's state holds it.
#[derive(Clone, Debug)]
pub struct StripeSecret(pub String);

impl Db {
    /// The user a bearer token belongs to.
    pub async fn user_by_token(&self, token: &str) -> Result<Option<User>, ApiError> {
        Ok(match token {
            "ada-token" => Some(user(1, "Ada")),
            "grace-token" => Some(user(2, "Grace")),
            _ => None,
        })
    }

    /// Every post.
    pub async fn posts(&self) -> Result<Vec<Post>, ApiError> {
        Ok(vec![post(1)])
    }

    /// One post.
    pub async fn post(&self, id: i64) -> Result<Option<Post>, ApiError> {
        Ok((id == 1).then(|| post(id)))
    }

    /// Deletes a post of `author_id`.
    pub async fn delete_post(&self, id: i64, author_id: i64) -> Result<(), ApiError> {
        match self.post(id).await? {
            Some(post) if post.author_id == author_id => Ok(()),
            _ => Err(ApiError::not_found("Not found or forbidden")),
        }
    }

    /// Inserts a row.
    pub fn create<T>(&self, _row: T) -> Created {
        Created { id: 1 }
    }

    /// `SELECT 1`.
    pub async fn ping(&self) -> Result<(), ApiError> {
        Ok(())
    }
}

fn user(id: i64, name: &str) -> User {
    User {
        id,
        name: name.to_owned(),
    }
}

fn post(id: i64) -> Post {
    Post {
        id,
        author_id: 1,
        title: "Hello".to_owned(),
    }
}

/// Bearer token → user; `401` without a known one.
#[middleware]
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

/// `POST /api/users`: `201` with the new id.
#[route(POST, "/api/users")]
pub async fn create_user(State(db): State<Db>, Json(user): Json<serde_json::Value>) -> Response {
    Response::json(&db.create(user)).status(201)
}

/// `/api/posts/$id` behind `auth`: `PATCH` edits a post of the signed-in user.
#[route("/api/posts/$id")]
#[middleware(auth)]
pub mod post_item {
    use super::*;

    pub async fn GET(id: i64, State(db): State<Db>) -> Result<Response, ApiError> {
        let post = db
            .post(id)
            .await?
            .ok_or_else(|| ApiError::not_found("Not found"))?;
        Ok(Response::json(&post))
    }

    pub async fn PATCH(
        id: i64,
        user: Ctx<User>,
        State(db): State<Db>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        let edit: serde_json::Value = req.json().await?;
        match db.post(id).await? {
            Some(mut post) if post.author_id == user.id => {
                if let Some(title) = edit["title"].as_str() {
                    post.title = title.to_owned();
                }
                Ok(Response::json(&post))
            }
            _ => Err(ApiError::not_found("Not found or forbidden")),
        }
    }
}

/// A small app with state supplied: `POST /api/users` and `GET`/`PATCH /api/posts/$id`,
/// for examples that test or serve "your app".
pub fn app() -> axum::Router {
    routes![create_user, post_item].with_state(Db::default())
}
