//! The blog's store, standing in for the seeds' `db` (Prisma): SQLite (embedded, the
//! default) or PostgreSQL, through `sqlx`, chosen by the URL.
//!
//! `Db::connect` creates a SQLite file on first run and applies the backend's migrations
//! (`migrations/sqlite` or `migrations/postgres`, embedded at compile time). Both schemas
//! have the same tables and columns, so every query below is written once, with `$1`
//! placeholders (which SQLite understands too), and runs on either pool: `on_pool!` type
//! checks it against both drivers. Each query is a prepared statement, kept per connection
//! by sqlx (its statement cache), so after a connection's first use it is only bound and
//! run. The example's tests run on SQLite and, given
//! `BLOG_TEST_POSTGRES_URL`, on PostgreSQL as well.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, FromRow};

/// Where the blog keeps its data unless `DATABASE_URL` says otherwise.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:blog.db";

/// The demo users `seed_demo_users` adds to an empty database: (name, email, bearer token).
/// Their tokens are public (they are in the README), so they only belong in a database
/// served in demo mode (see `crate::config`).
pub const DEMO_USERS: [(&str, &str, &str); 2] = [
    ("ada", "ada@example.com", "ada-token"),
    ("grace", "grace@example.com", "grace-token"),
];

#[derive(Debug, Clone, Serialize, Deserialize, FromRow, PartialEq, schemars::JsonSchema)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// Never sent: tokens are credentials.
    #[serde(skip)]
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, FromRow, PartialEq, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub author_id: i64,
    pub created_at: String,
}

/// A database failure. Handlers `?` it: routekit answers `503` when the database did not
/// answer (it is down or restarting, or no connection was free within the acquire timeout)
/// and `500` for anything else, and logs the cause, which never reaches the client.
///
/// Not a `std::error::Error`, so that its own `From` below gives `?` those two statuses
/// rather than routekit's `500` for every library error.
#[derive(Debug)]
pub struct DbError(pub sqlx::Error);

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        DbError(error)
    }
}

impl From<sqlx::migrate::MigrateError> for DbError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        DbError(sqlx::Error::from(error))
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl DbError {
    /// Whether the database did not answer, rather than refused the query: the connection
    /// failed or broke, the pool had no connection in time or is closed, or PostgreSQL is
    /// shutting down, starting or out of connections (SQLSTATE class `08`, `57P01`–`57P03`,
    /// `53300`). A client may retry these.
    pub fn is_unavailable(&self) -> bool {
        match &self.0 {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(error) => error.code().is_some_and(|code| {
                code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
            }),
            _ => false,
        }
    }
}

/// For `main`'s `?`: the driver's error, which is a `std::error::Error`.
impl From<DbError> for Box<dyn std::error::Error> {
    fn from(error: DbError) -> Self {
        Box::new(error.0)
    }
}

impl From<DbError> for routekit::ApiError {
    fn from(error: DbError) -> Self {
        match error.is_unavailable() {
            true => routekit::ApiError::unavailable(error.0),
            false => routekit::ApiError::internal(error.0),
        }
    }
}

type Result<T, E = DbError> = std::result::Result<T, E>;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite:…` or `postgres://…` / `postgresql://…`; anything else is refused.
    pub fn of_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres://".into(),
            )))
        }
    }
}

/// SQLite allows one writer at a time, whatever the pool: a file database has a pool of
/// read-only connections in WAL mode (readers never wait for the writer, nor it for them)
/// and exactly one writer, so writes queue for it rather than fail with `SQLITE_BUSY` or
/// spin in its busy handler. An in-memory database is one connection for both (each would
/// otherwise be its own empty database). PostgreSQL takes both on one pool.
#[derive(Clone, Debug)]
enum Pool {
    Sqlite {
        read: SqlitePool,
        write: Arc<Writer>,
    },
    Memory(Arc<Writer>),
    Postgres(PgPool),
}

/// SQLite's one writer: a connection behind a lock rather than a pool of one, because
/// sqlx's pool pings a connection every time it is released, a second round trip to the
/// connection's worker thread for every write (BENCHMARKS.md, the example's throughput).
/// `None` once closed.
#[derive(Debug)]
struct Writer(tokio::sync::Mutex<Option<SqliteConnection>>);

impl Writer {
    fn new(connection: SqliteConnection) -> Arc<Self> {
        Arc::new(Writer(tokio::sync::Mutex::new(Some(connection))))
    }

    /// The connection, waited for at most [`ACQUIRE_TIMEOUT`] as a pool's would be.
    async fn lock(&self) -> Result<tokio::sync::MappedMutexGuard<'_, SqliteConnection>> {
        let guard = tokio::time::timeout(ACQUIRE_TIMEOUT, self.0.lock())
            .await
            .map_err(|_| DbError(sqlx::Error::PoolTimedOut))?;
        tokio::sync::MutexGuard::try_map(guard, Option::as_mut)
            .map_err(|_| DbError(sqlx::Error::PoolClosed))
    }

    async fn close(&self) {
        if let Some(connection) = self.0.lock().await.take() {
            let _ = connection.close().await;
        }
    }
}

/// Runs the same expression on whichever database `db` holds: `$pool` is a `&SqlitePool`
/// (SQLite's read-only pool), a `&mut SqliteConnection` (an in-memory database's one
/// connection) or a `&PgPool`, so the query is compiled (and must be valid) for both
/// drivers. Reads take this; `on_writer!` takes SQLite's writer.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match &$db.pool {
            Pool::Sqlite { read: $pool, .. } => $body,
            Pool::Memory(writer) => {
                let mut connection = writer.lock().await?;
                let $pool = &mut *connection;
                $body
            }
            Pool::Postgres($pool) => $body,
        }
    };
}

/// `on_pool!` for a statement that writes: SQLite's one writer, or the PostgreSQL pool.
macro_rules! on_writer {
    ($db:expr, |$pool:ident| $body:expr) => {
        match &$db.pool {
            Pool::Sqlite { write: writer, .. } | Pool::Memory(writer) => {
                let mut connection = writer.lock().await?;
                let $pool = &mut *connection;
                $body
            }
            Pool::Postgres($pool) => $body,
        }
    };
}

/// Shared handle: a connection pool, cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    tokens: TokenCache,
}

/// How long a token's user is answered from memory before it is looked up again.
const TOKEN_TTL: Duration = Duration::from_secs(5);

/// How many tokens are kept at most; the map is emptied when it is full.
const TOKEN_CACHE: usize = 10_000;

/// The users of the bearer tokens seen in the last [`TOKEN_TTL`]: every request the `auth`
/// and `user` middleware see carries a token, and looking it up was half the example's
/// queries (BENCHMARKS.md, the example's throughput). Only a token that names a user is
/// kept, so an unknown one is looked up every time and guessing fills nothing. The app never
/// changes a user or a token, so an entry is stale only when the database is edited by
/// hand: a token removed there keeps working for at most `TOKEN_TTL` on each instance.
#[derive(Clone, Debug, Default)]
struct TokenCache(Arc<Mutex<HashMap<String, (User, Instant)>>>);

impl TokenCache {
    fn get(&self, token: &str) -> Option<User> {
        let map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match map.get(token) {
            Some((user, at)) if at.elapsed() < TOKEN_TTL => Some(user.clone()),
            _ => None,
        }
    }

    fn put(&self, user: &User) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if map.len() >= TOKEN_CACHE {
            map.clear();
        }
        map.insert(user.token.clone(), (user.clone(), Instant::now()));
    }
}

/// How long a query waits for a free connection (a down database fails the health check
/// in this time rather than sqlx's default 30 s).
///
/// Every pool also sets `test_before_acquire(false)`: sqlx otherwise pings the connection
/// before each query, a round trip per query (8,600 → 10,000 requests/s on PostgreSQL's soak
/// mix, 9,500 → 10,100 on SQLite's). A connection the database dropped (it restarted) then
/// fails one query, answered `503`, and is closed by sqlx's check when it is released.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// SQLite's read-only connections. On the 2-core machine of BENCHMARKS.md the soak mix
/// measured 6,400 requests/s with 2, 10,100 with 4 and 8,500 with 8: a connection waits on
/// its worker thread as well as the CPU, and more of them only switch threads more.
const READERS: u32 = 4;

/// PostgreSQL connections per instance. On the same machine (the database beside the app)
/// 4 answered the soak mix at about 10,000 requests/s, 2 at 8,200, 10 (sqlx's default) at
/// 8,600 and 20 at 8,200: each connection is a server process competing for the same
/// cores. Raise it with the database's cores, and size PostgreSQL's `max_connections` for
/// the number of instances.
const PG_CONNECTIONS: u32 = 4;

impl Db {
    /// Opens the database at `url` and migrates it. A SQLite file is created when missing;
    /// `sqlite::memory:` gives a private in-memory database. Several processes may connect
    /// to one PostgreSQL database at once: migrations take a lock, and everything after is
    /// safe to run concurrently.
    ///
    /// Seeds nothing: demo users are `seed_demo_users`' job, called in demo mode only.
    pub async fn connect(url: &str) -> Result<Db> {
        let pool = match Backend::of_url(url)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .busy_timeout(ACQUIRE_TIMEOUT);
                // Each in-memory connection would be its own empty database: keep exactly
                // one, for reads and writes alike.
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                if in_memory {
                    let mut connection = options.connect().await?;
                    sqlx::migrate!("./migrations/sqlite")
                        .run(&mut connection)
                        .await?;
                    Pool::Memory(Writer::new(connection))
                } else {
                    // WAL with `synchronous = NORMAL`: a commit is durable across a crash of
                    // the process, and across power loss up to the last checkpoint.
                    let options = options
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal);
                    let mut write = options.connect().await?;
                    sqlx::migrate!("./migrations/sqlite")
                        .run(&mut write)
                        .await?;
                    let read = SqlitePoolOptions::new()
                        .max_connections(READERS)
                        .acquire_timeout(ACQUIRE_TIMEOUT)
                        .test_before_acquire(false)
                        .connect_with(options.read_only(true))
                        .await?;
                    Pool::Sqlite {
                        read,
                        write: Writer::new(write),
                    }
                }
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(PG_CONNECTIONS)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .test_before_acquire(false)
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                Pool::Postgres(pool)
            }
        };
        Ok(Db {
            pool,
            tokens: TokenCache::default(),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite { .. } | Pool::Memory(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Adds the demo users when the database has no user yet. Safe when several instances
    /// start at once on one database: a user another instance inserted first is skipped.
    pub async fn seed_demo_users(&self) -> Result<()> {
        if self.user_count().await? > 0 {
            return Ok(());
        }
        for (name, email, token) in DEMO_USERS {
            on_writer!(self, |pool| sqlx::query(
                "INSERT INTO users (name, email, token) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
            )
            .bind(name)
            .bind(email)
            .bind(token)
            .execute(pool)
            .await
            .map(drop)?);
        }
        Ok(())
    }

    /// Whether any user still has one of the demo users' public tokens.
    pub async fn has_demo_tokens(&self) -> Result<bool> {
        let (count,): (i64,) = on_pool!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM users WHERE token IN ($1, $2)"
        )
        .bind(DEMO_USERS[0].2)
        .bind(DEMO_USERS[1].2)
        .fetch_one(pool)
        .await?);
        Ok(count > 0)
    }

    async fn user_count(&self) -> Result<i64> {
        let (count,): (i64,) = on_pool!(self, |pool| sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(pool)
            .await?);
        Ok(count)
    }

    /// Closes every connection; later queries fail (the health check then answers `503`).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pool::Memory(writer) => writer.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// `SELECT 1`, for the health check.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    /// The demo users as stored, with their tokens, for the start-up banner.
    pub async fn demo_users(&self) -> Result<Vec<User>> {
        let mut users = Vec::new();
        for (_, email, token) in DEMO_USERS {
            let user: Option<User> = on_pool!(self, |pool| sqlx::query_as(
                "SELECT id, name, email, token FROM users WHERE email = $1 AND token = $2"
            )
            .bind(email)
            .bind(token)
            .fetch_optional(pool)
            .await?);
            users.extend(user);
        }
        Ok(users)
    }

    /// One page of users (pages count from 1) and the total number of users.
    pub async fn users_page(&self, page: i64, limit: i64) -> Result<(Vec<User>, i64)> {
        let offset = (page - 1).saturating_mul(limit);
        let users = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, name, email, token FROM users ORDER BY id LIMIT $1 OFFSET $2"
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?);
        Ok((users, self.user_count().await?))
    }

    /// Creates a user with a fresh random token; `None` when the email is taken.
    pub async fn create_user(&self, name: &str, email: &str) -> Result<Option<User>> {
        let token = new_token()?;
        let inserted = on_writer!(self, |pool| sqlx::query_as(
            "INSERT INTO users (name, email, token) VALUES ($1, $2, $3) \
             RETURNING id, name, email, token"
        )
        .bind(name)
        .bind(email)
        .bind(&token)
        .fetch_one(pool)
        .await);
        match inserted {
            Ok(user) => Ok(Some(user)),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The user `token` names, from memory when it was looked up in the last
    /// [`TOKEN_TTL`].
    pub async fn user_by_token(&self, token: &str) -> Result<Option<User>> {
        if let Some(user) = self.tokens.get(token) {
            return Ok(Some(user));
        }
        let user: Option<User> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, name, email, token FROM users WHERE token = $1"
        )
        .bind(token)
        .fetch_optional(pool)
        .await?);
        if let Some(user) = &user {
            self.tokens.put(user);
        }
        Ok(user)
    }

    /// Every post, in order. On SQLite the database writes the list as one JSON array, so
    /// the query answers one row rather than one per post: sqlx hands each row of a SQLite
    /// query from the connection's worker thread to the handler's task, and for a list of
    /// 50 posts those hand-offs were most of the request's cost (BENCHMARKS.md, the
    /// example's throughput). PostgreSQL's rows arrive together; it reads them as rows.
    pub async fn posts(&self) -> Result<Vec<Post>> {
        const ROWS: &str = "SELECT id, title, body, author_id, created_at FROM posts ORDER BY id";
        if let Pool::Postgres(pool) = &self.pool {
            return Ok(sqlx::query_as(ROWS).fetch_all(pool).await?);
        }
        let list = "SELECT json_group_array(json_object('id', id, 'title', title, \
            'body', body, 'authorId', author_id, 'createdAt', created_at)) \
            FROM (SELECT id, title, body, author_id, created_at FROM posts ORDER BY id)";
        let (list,): (String,) =
            on_pool!(self, |pool| sqlx::query_as(list).fetch_one(pool).await?);
        serde_json::from_str(&list).map_err(|error| DbError(sqlx::Error::Decode(error.into())))
    }

    pub async fn post(&self, id: i64) -> Result<Option<Post>> {
        let post = on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, title, body, author_id, created_at FROM posts WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(post)
    }

    pub async fn create_post(&self, author_id: i64, title: &str, body: &str) -> Result<Post> {
        let post = on_writer!(self, |pool| sqlx::query_as(
            "INSERT INTO posts (author_id, title, body) VALUES ($1, $2, $3) \
             RETURNING id, title, body, author_id, created_at"
        )
        .bind(author_id)
        .bind(title)
        .bind(body)
        .fetch_one(pool)
        .await?);
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
        let post = on_writer!(self, |pool| sqlx::query_as(
            "UPDATE posts SET title = coalesce($1, title), body = coalesce($2, body) \
             WHERE id = $3 AND author_id = $4 RETURNING id, title, body, author_id, created_at"
        )
        .bind(title)
        .bind(body)
        .bind(id)
        .bind(author_id)
        .fetch_optional(pool)
        .await?);
        Ok(post)
    }

    /// Deletes a post only when `author_id` owns it; `false` otherwise.
    pub async fn delete_post(&self, id: i64, author_id: i64) -> Result<bool> {
        let done = on_writer!(self, |pool| sqlx::query(
            "DELETE FROM posts WHERE id = $1 AND author_id = $2"
        )
        .bind(id)
        .bind(author_id)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Records a webhook event once: `false` when this event id was already recorded
    /// (Stripe retries deliveries). Atomic in the database, so two instances handed the
    /// same event at once record it once.
    pub async fn record_event(&self, id: &str, kind: &str) -> Result<bool> {
        let done = on_writer!(self, |pool| sqlx::query(
            "INSERT INTO webhook_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING"
        )
        .bind(id)
        .bind(kind)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// The recorded event types, oldest first.
    pub async fn events(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(self, |pool| sqlx::query_as(
            "SELECT type FROM webhook_events ORDER BY rowid"
        )
        .fetch_all(pool)
        .await?);
        Ok(rows.into_iter().map(|(kind,)| kind).collect())
    }
}

/// 128 random bits from the operating system, as 32 hex digits.
fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| {
        DbError(sqlx::Error::Io(std::io::Error::other(format!(
            "no randomness for a token: {error}"
        ))))
    })?;
    Ok(hex::encode(bytes))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_known_token_is_answered_from_memory_and_an_unknown_one_never() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        db.seed_demo_users().await.unwrap();
        let ada = db.user_by_token("ada-token").await.unwrap().unwrap();
        assert_eq!(ada.name, "ada");
        assert_eq!(db.user_by_token("nobody").await.unwrap(), None);
        // Removed behind the app's back: the cached user is still answered (for TOKEN_TTL),
        // an unknown token is looked up again and is still unknown.
        let delete_all = async {
            on_writer!(db, |pool| sqlx::query("DELETE FROM users")
                .execute(pool)
                .await
                .map(drop)?);
            Ok::<_, DbError>(())
        };
        delete_all.await.unwrap();
        assert_eq!(db.user_by_token("ada-token").await.unwrap(), Some(ada));
        assert_eq!(db.user_by_token("grace-token").await.unwrap(), None);
        assert_eq!(db.user_by_token("nobody").await.unwrap(), None);
        assert_eq!(db.tokens.0.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_writer_busy_past_the_acquire_timeout_is_unavailable() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let Pool::Memory(writer) = &db.pool else {
            unreachable!("an in-memory database is one connection")
        };
        let held = writer.0.lock().await;
        let started = Instant::now();
        let error = db.create_post(1, "t", "b").await.unwrap_err();
        assert!(matches!(error.0, sqlx::Error::PoolTimedOut), "{error:?}");
        assert!(error.is_unavailable(), "a busy writer answers 503");
        assert!(started.elapsed() >= ACQUIRE_TIMEOUT);
        drop(held);
        // Closed, it answers as a closed pool does: unavailable too.
        db.close().await;
        let error = db.posts().await.unwrap_err();
        assert!(matches!(error.0, sqlx::Error::PoolClosed), "{error:?}");
        assert!(error.is_unavailable());
    }
}
