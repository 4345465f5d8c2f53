//! `/api/posts` and `/api/posts/$id`, as the TanStack seed writes them:
//!
//! - `/api/posts` is the "Route-Level Middleware" example: `[auth, logger]` on every
//!   method, `validation` on `POST` only;
//! - `/api/posts/$id` is the "RESTful Resource": `GET` is public, `PATCH` and `DELETE` read
//!   `context.user` and answer `401` themselves when there is none. Here `user` fills the
//!   context with `Option<User>` and never refuses a request.

use routekit::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::User;
use crate::Db;

/// The token of `Authorization: Bearer <token>` (the scheme in any case, RFC 9110
/// §11.1). `None` when the header is missing, not a bearer token, or sent more than once:
/// two credentials are none.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all("authorization").iter();
    let value = values.next()?.to_str().ok()?;
    if values.next().is_some() {
        return None;
    }
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
        .then_some(token)
}

/// Bearer token → the user it belongs to, looked up in the database; `401` without one.
#[middleware]
#[security(bearer)]
pub async fn auth(headers: HeaderMap, State(db): State<Db>) -> Result<User, ApiError> {
    let token = bearer_token(&headers).ok_or_else(|| ApiError::unauthorized("Unauthorized"))?;
    db.user_by_token(token)
        .await?
        .ok_or_else(|| ApiError::unauthorized("Unauthorized"))
}

/// TanStack's `context.user`: the user a valid bearer token names, or `None` (no token, or
/// one that names nobody). Never refuses: the handlers decide, as the seed's do.
#[middleware]
pub async fn user(headers: HeaderMap, State(db): State<Db>) -> Result<Option<User>, ApiError> {
    match bearer_token(&headers) {
        Some(token) => Ok(db.user_by_token(token).await?),
        None => Ok(None),
    }
}

/// Logs method, path, status and latency of every request that reaches it, as the seed's
/// `logger` does, at `debug` level: `routekit::serve`'s request log already writes one
/// `info` line per request with the same fields, and a second line per request is half
/// the logging cost for nothing (a subscriber at `debug` level shows these).
#[middleware]
pub async fn logger(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.url().path().to_owned());
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::debug!(
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
#[derive(Serialize, Deserialize, garde::Validate, schemars::JsonSchema)]
pub struct NewPost {
    #[garde(length(min = 1, max = 200))]
    pub title: String,
    #[garde(length(min = 1))]
    pub body: String,
}

/// The seed's `updatePostSchema`: every field optional, none empty.
#[derive(Serialize, Deserialize, garde::Validate, schemars::JsonSchema)]
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
        State(feed): State<Feed>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        let body: NewPost = req.json_valid().await?;
        let post = db.create_post(user.id, &body.title, &body.body).await?;
        feed.publish(&post);
        // `201` names what it created (RFC 9110 §15.3.2): the typed link of `item`.
        let location = super::item::href(post.id);
        Ok(Response::json(&post)
            .status(201)
            .header("location", location))
    }
}

/// The posts this instance creates, as they are created: what `/api/posts/live` sends.
/// In process (a `tokio` broadcast channel), so with several instances each feed carries
/// the posts created through it.
#[derive(Clone)]
pub struct Feed(tokio::sync::broadcast::Sender<crate::db::Post>);

impl Feed {
    /// A feed that keeps the last 64 posts for a slow reader.
    pub fn new() -> Self {
        Feed(tokio::sync::broadcast::channel(64).0)
    }

    fn publish(&self, post: &crate::db::Post) {
        // No one listening is fine.
        let _ = self.0.send(post.clone());
    }
}

impl Default for Feed {
    fn default() -> Self {
        Self::new()
    }
}

/// `GET /api/posts/live`: a WebSocket that sends each new post as a JSON text frame. A
/// reader too slow for the feed misses the posts it fell behind on, never blocks a writer.
#[route(GET, "/api/posts/live")]
pub async fn live(
    ws: routekit::ws::WebSocketUpgrade,
    State(feed): State<Feed>,
) -> axum::response::Response {
    let posts = feed.0.subscribe();
    ws.on_upgrade(move |socket| send_posts(socket, posts))
}

async fn send_posts(
    mut socket: routekit::ws::WebSocket,
    mut posts: tokio::sync::broadcast::Receiver<crate::db::Post>,
) {
    use routekit::ws::Message;
    use tokio::sync::broadcast::error::RecvError;
    loop {
        tokio::select! {
            post = posts.recv() => match post {
                Ok(post) => {
                    let Ok(text) = serde_json::to_string(&post) else { continue };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return,
            },
            // The client closing (or anything it sends) ends the feed on `None`/`Close`.
            message = socket.recv() => match message {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

#[route("/api/posts/$id")]
#[middleware(user)]
pub mod item {
    use super::*;

    /// Public, as in the seed.
    #[response(200, crate::db::Post)]
    pub async fn GET(id: i64, State(db): State<Db>) -> Result<Response, ApiError> {
        match db.post(id).await? {
            Some(post) => Ok(Response::json(&post)),
            None => Err(ApiError::not_found("Not found")),
        }
    }

    /// Only the author may edit: someone else's post answers `404`, as a missing one does.
    #[body(UpdatePost)]
    #[response(200, crate::db::Post)]
    pub async fn PATCH(
        id: i64,
        Ctx(user): Ctx<Option<User>>,
        State(db): State<Db>,
        mut req: Request,
    ) -> Result<Response, ApiError> {
        let Some(user) = user else {
            return Ok(Response::error(401, "Unauthorized"));
        };
        let body: UpdatePost = req.json_valid().await?;
        let updated = db
            .update_post(id, user.id, body.title.as_deref(), body.body.as_deref())
            .await?;
        match updated {
            Some(post) => Ok(Response::json(&post)),
            None => Err(ApiError::not_found("Not found or forbidden")),
        }
    }

    /// `204` when the author deleted it; `404` for a missing post or someone else's (the
    /// seed's Prisma `delete` would throw there).
    #[response(204)]
    pub async fn DELETE(
        id: i64,
        Ctx(user): Ctx<Option<User>>,
        State(db): State<Db>,
    ) -> Result<Response, ApiError> {
        let Some(user) = user else {
            return Ok(Response::error(401, "Unauthorized"));
        };
        if db.delete_post(id, user.id).await? {
            Ok(Response::empty())
        } else {
            Err(ApiError::not_found("Not found or forbidden"))
        }
    }
}
