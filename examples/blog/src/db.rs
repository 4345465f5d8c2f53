//! The blog's store: SQLite through `sqlx`, standing in for the seeds' `db` (Prisma).
//!
//! `Db::connect` creates the database file on first run, applies the migrations in
//! `migrations/` (embedded at compile time) and seeds two demo users with their tokens.

use std::str::FromStr;

use routekit::ApiError;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::FromRow;

/// Where the blog keeps its data unless `DATABASE_URL` says otherwise.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:blog.db";

/// The demo users `connect` seeds into an empty database: (name, email, bearer token).
pub const DEMO_USERS: [(&str, &str, &str); 2] = [
    ("ada", "ada@example.com", "ada-token"),
    ("grace", "grace@example.com", "grace-token"),
];

#[derive(Debug, Clone, Serialize, FromRow, PartialEq, schemars::JsonSchema)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// Never sent: tokens are credentials.
    #[serde(skip)]
    pub token: String,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub author_id: i64,
    pub created_at: String,
}

/// A database failure. Handlers `?` it: routekit answers `500` and logs the cause, which
/// never reaches the client.
#[derive(Debug)]
pub struct DbError(pub sqlx::Error);

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        DbError(error)
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for DbError {}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        ApiError::internal(error)
    }
}

type Result<T, E = DbError> = std::result::Result<T, E>;

/// Shared handle: a connection pool, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
}

impl Db {
    /// Opens (creating if missing) the database at `url`, migrates it and seeds the demo
    /// users when it has none. `sqlite::memory:` gives a private in-memory database.
    pub async fn connect(url: &str) -> Result<Db> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true);
        // Each in-memory connection would be its own empty database: keep exactly one,
        // forever.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let pool = if in_memory {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new()
        }
        .connect_with(options)
        .await?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(sqlx::Error::from)?;
        let db = Db { pool };
        db.seed_demo_users().await?;
        Ok(db)
    }

    async fn seed_demo_users(&self) -> Result<()> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        if count == 0 {
            for (name, email, token) in DEMO_USERS {
                self.insert_user(name, email, token).await?;
            }
        }
        Ok(())
    }

    /// Closes every connection; later queries fail (the health check then answers `503`).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `SELECT 1`, for the health check.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The demo users as stored, with their tokens, for the start-up banner.
    pub async fn demo_users(&self) -> Result<Vec<User>> {
        let mut users = Vec::new();
        for (_, email, _) in DEMO_USERS {
            let user = sqlx::query_as("SELECT id, name, email, token FROM users WHERE email = ?")
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
            users.extend(user);
        }
        Ok(users)
    }

    /// One page of users (pages count from 1) and the total number of users.
    pub async fn users_page(&self, page: i64, limit: i64) -> Result<(Vec<User>, i64)> {
        let offset = (page - 1).saturating_mul(limit);
        let users =
            sqlx::query_as("SELECT id, name, email, token FROM users ORDER BY id LIMIT ? OFFSET ?")
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok((users, total))
    }

    /// Creates a user with a fresh random token; `None` when the email is taken.
    pub async fn create_user(&self, name: &str, email: &str) -> Result<Option<User>> {
        let (token,): (String,) = sqlx::query_as("SELECT lower(hex(randomblob(16)))")
            .fetch_one(&self.pool)
            .await?;
        match self.insert_user(name, email, &token).await {
            Ok(user) => Ok(Some(user)),
            Err(DbError(sqlx::Error::Database(e))) if e.is_unique_violation() => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn insert_user(&self, name: &str, email: &str, token: &str) -> Result<User> {
        let user = sqlx::query_as(
            "INSERT INTO users (name, email, token) VALUES (?, ?, ?) \
             RETURNING id, name, email, token",
        )
        .bind(name)
        .bind(email)
        .bind(token)
        .fetch_one(&self.pool)
        .await?;
        Ok(user)
    }

    pub async fn user_by_token(&self, token: &str) -> Result<Option<User>> {
        let user = sqlx::query_as("SELECT id, name, email, token FROM users WHERE token = ?")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        Ok(user)
    }

    pub async fn posts(&self) -> Result<Vec<Post>> {
        let posts =
            sqlx::query_as("SELECT id, title, body, author_id, created_at FROM posts ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(posts)
    }

    pub async fn post(&self, id: i64) -> Result<Option<Post>> {
        let post =
            sqlx::query_as("SELECT id, title, body, author_id, created_at FROM posts WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(post)
    }

    pub async fn create_post(&self, author_id: i64, title: &str, body: &str) -> Result<Post> {
        let post = sqlx::query_as(
            "INSERT INTO posts (author_id, title, body) VALUES (?, ?, ?) RETURNING id, title, body, author_id, created_at",
        )
        .bind(author_id)
        .bind(title)
        .bind(body)
        .fetch_one(&self.pool)
        .await?;
        Ok(post)
    }

    /// Updates a post only when `author_id` owns it; `None` otherwise, as when it is missing.
    pub async fn update_post(
        &self,
        id: i64,
        author_id: i64,
        title: Option<&str>,
        body: Option<&str>,
    ) -> Result<Option<Post>> {
        let post = sqlx::query_as(
            "UPDATE posts SET title = coalesce(?, title), body = coalesce(?, body) \
             WHERE id = ? AND author_id = ? RETURNING id, title, body, author_id, created_at",
        )
        .bind(title)
        .bind(body)
        .bind(id)
        .bind(author_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(post)
    }

    /// Deletes a post only when `author_id` owns it; `false` otherwise.
    pub async fn delete_post(&self, id: i64, author_id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM posts WHERE id = ? AND author_id = ?")
            .bind(id)
            .bind(author_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a webhook event once: `false` when this event id was already recorded
    /// (Stripe retries deliveries).
    pub async fn record_event(&self, id: &str, kind: &str) -> Result<bool> {
        let done = sqlx::query("INSERT OR IGNORE INTO webhook_events (id, type) VALUES (?, ?)")
            .bind(id)
            .bind(kind)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The recorded event types, oldest first.
    pub async fn events(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT type FROM webhook_events ORDER BY rowid")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|(kind,)| kind).collect())
    }
}

/// Seconds since the Unix epoch as an RFC 3339 UTC timestamp, without a date crate.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}
