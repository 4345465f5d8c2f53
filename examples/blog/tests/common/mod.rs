//! Shared by the example's test files: a fresh database per test (SQLite, or PostgreSQL
//! when `BLOG_TEST_POSTGRES_URL` names a server) and the `blog` binary as a child process.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blog::Db;
use sqlx::Connection;

/// The PostgreSQL server the tests may use: `postgres://user@host:port/any-database`.
/// Each test creates its own database on it, named `blog_test_…`.
pub fn postgres_url() -> Option<String> {
    std::env::var("BLOG_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// `url` with its database (the path) replaced by `name`, query kept.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Creates an empty database on the PostgreSQL server at `server` and returns its URL.
pub async fn fresh_postgres_database(server: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "blog_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = sqlx::PgConnection::connect(server)
        .await
        .unwrap_or_else(|e| panic!("connect to BLOG_TEST_POSTGRES_URL: {e}"));
    // The name is ours (letters, digits, underscores): safe to splice.
    let create = sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"));
    sqlx::Executor::execute(&mut admin, sqlx::raw_sql(create))
        .await
        .expect("CREATE DATABASE");
    admin.close().await.ok();
    with_database(server, &name)
}

/// A URL for a fresh, empty database: in memory on SQLite, or a new PostgreSQL database.
pub async fn fresh_database_url() -> String {
    match postgres_url() {
        Some(server) => fresh_postgres_database(&server).await,
        None => "sqlite::memory:".to_owned(),
    }
}

/// A URL for a fresh database that outlives a process: a SQLite file in `dir`, or a new
/// PostgreSQL database.
pub async fn fresh_durable_database_url(dir: &std::path::Path) -> String {
    match postgres_url() {
        Some(server) => fresh_postgres_database(&server).await,
        None => format!("sqlite:{}", dir.join("blog.db").display()),
    }
}

/// A fresh, migrated database with the demo users.
pub async fn fresh_db() -> Db {
    let db = Db::connect(&fresh_database_url().await)
        .await
        .expect("connect to a fresh database");
    db.seed_demo_users().await.expect("seed the demo users");
    db
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A running `blog` process and everything it printed.
pub struct Server {
    child: Child,
    pub base: String,
    output: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the binary on a free loopback port against `database_url` with the webhook
    /// secret `secret` and waits for its "listening" line.
    pub fn start(database_url: &str, secret: &str) -> Server {
        Server::start_with(&[
            ("DATABASE_URL", database_url),
            ("STRIPE_WEBHOOK_SECRET", secret),
        ])
    }

    /// Starts the binary with `HOST=127.0.0.1`, `PORT=0` and `env` on top.
    pub fn start_with(env: &[(&str, &str)]) -> Server {
        let (child, output, address) = spawn(env);
        let base = address
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no listening line; output: {:#?}", output.lock()));
        Server {
            child,
            base,
            output,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn output(&self) -> Vec<String> {
        self.output.lock().unwrap().clone()
    }

    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits for the process to exit, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        wait(&mut self.child, limit)
    }

    pub fn stop(mut self) -> ExitStatus {
        self.terminate();
        self.wait(Duration::from_secs(30))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type Spawned = (Child, Arc<Mutex<Vec<String>>>, mpsc::Receiver<String>);

fn spawn(env: &[(&str, &str)]) -> Spawned {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blog"));
    command
        .env_remove("BLOG_DEMO")
        .env_remove("STRIPE_WEBHOOK_SECRET")
        .env_remove("DATABASE_URL")
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("start the blog binary");
    let output = Arc::new(Mutex::new(Vec::new()));
    let (address_tx, address_rx) = mpsc::channel();
    // Keeps draining both pipes so the server never blocks on a full one.
    let stdout = child.stdout.take().unwrap();
    let lines = Arc::clone(&output);
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(address) = line.strip_prefix("routekit listening on ") {
                let _ = address_tx.send(address.trim().to_owned());
            }
            lines.lock().unwrap().push(line);
        }
    });
    let stderr = child.stderr.take().unwrap();
    let lines = Arc::clone(&output);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            lines.lock().unwrap().push(line);
        }
    });
    (child, output, address_rx)
}

/// Runs the binary with `env` and expects it to exit by itself without listening:
/// its status and everything it printed.
pub fn run_to_exit(env: &[(&str, &str)]) -> (ExitStatus, Vec<String>) {
    let (mut child, output, address) = spawn(env);
    let status = wait(&mut child, Duration::from_secs(60));
    // Let the reader threads drain what is left.
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        address.try_recv().is_err(),
        "it listened: {:#?}",
        output.lock()
    );
    let lines = output.lock().unwrap().clone();
    (status, lines)
}

fn wait(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!("the server did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
