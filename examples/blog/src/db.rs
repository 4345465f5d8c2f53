//! An in-memory store standing in for the seeds' `db` (a later version moves to SQLite).

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct User {
    pub id: u64,
    pub name: String,
    pub email: String,
    #[serde(skip)]
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Post {
    pub id: u64,
    pub title: String,
    pub body: String,
    #[serde(rename = "authorId")]
    pub author_id: u64,
}

#[derive(Default)]
struct Tables {
    users: Vec<User>,
    posts: Vec<Post>,
    events: Vec<String>,
}

/// Shared handle; clones share the same tables.
#[derive(Clone, Default)]
pub struct Db(Arc<Mutex<Tables>>);

impl Db {
    /// A store with two demo users and one post each.
    pub fn seeded() -> Self {
        let db = Db::default();
        db.create_user("ada", "ada@example.com", "ada-token");
        db.create_user("grace", "grace@example.com", "grace-token");
        db.create_post(1, "Hello", "First post by Ada");
        db.create_post(2, "Compilers", "Grace on compilers");
        db
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn ping(&self) -> Result<(), String> {
        drop(self.tables());
        Ok(())
    }

    pub fn users_snapshot(&self) -> Vec<User> {
        self.tables().users.clone()
    }

    pub fn users_page(&self, page: u64, limit: u64) -> (Vec<User>, u64) {
        let tables = self.tables();
        let skip = page.saturating_sub(1).saturating_mul(limit) as usize;
        let data = tables
            .users
            .iter()
            .skip(skip)
            .take(limit as usize)
            .cloned()
            .collect();
        (data, tables.users.len() as u64)
    }

    pub fn create_user(&self, name: &str, email: &str, token: &str) -> User {
        let mut tables = self.tables();
        let user = User {
            id: tables.users.len() as u64 + 1,
            name: name.to_owned(),
            email: email.to_owned(),
            token: token.to_owned(),
        };
        tables.users.push(user.clone());
        user
    }

    pub fn user_by_token(&self, token: &str) -> Option<User> {
        self.tables()
            .users
            .iter()
            .find(|u| u.token == token)
            .cloned()
    }

    pub fn posts(&self) -> Vec<Post> {
        self.tables().posts.clone()
    }

    pub fn post(&self, id: u64) -> Option<Post> {
        self.tables().posts.iter().find(|p| p.id == id).cloned()
    }

    pub fn create_post(&self, author_id: u64, title: &str, body: &str) -> Post {
        let mut tables = self.tables();
        let id = tables.posts.iter().map(|p| p.id).max().unwrap_or(0) + 1;
        let post = Post {
            id,
            title: title.to_owned(),
            body: body.to_owned(),
            author_id,
        };
        tables.posts.push(post.clone());
        post
    }

    /// Updates a post only when `author_id` owns it.
    pub fn update_post(
        &self,
        id: u64,
        author_id: u64,
        title: Option<String>,
        body: Option<String>,
    ) -> Option<Post> {
        let mut tables = self.tables();
        let post = tables
            .posts
            .iter_mut()
            .find(|p| p.id == id && p.author_id == author_id)?;
        if let Some(title) = title {
            post.title = title;
        }
        if let Some(body) = body {
            post.body = body;
        }
        Some(post.clone())
    }

    /// Deletes a post only when `author_id` owns it.
    pub fn delete_post(&self, id: u64, author_id: u64) -> bool {
        let mut tables = self.tables();
        let before = tables.posts.len();
        tables
            .posts
            .retain(|p| !(p.id == id && p.author_id == author_id));
        tables.posts.len() != before
    }

    pub fn record_event(&self, kind: &str) {
        self.tables().events.push(kind.to_owned());
    }

    pub fn events(&self) -> Vec<String> {
        self.tables().events.clone()
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
