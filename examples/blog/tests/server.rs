//! The real thing: the `blog` binary started on a free loopback port with a fresh SQLite
//! file, driven by a real HTTP client, stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use routekit::webhook::sign_stripe;
use serde_json::{json, Value};

const SECRET: &str = "whsec_server_test";
const ADA: &str = "Bearer ada-token";

/// A running `blog` process and everything it printed.
struct Server {
    child: Child,
    base: String,
    output: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the binary against `database` and waits for its "listening" line.
    fn start(database: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_blog"))
            .env("HOST", "127.0.0.1")
            .env("PORT", "0")
            .env("DATABASE_URL", format!("sqlite:{}", database.display()))
            .env("STRIPE_WEBHOOK_SECRET", SECRET)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the blog binary");
        let stdout = child.stdout.take().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let (address_tx, address_rx) = mpsc::channel();
        let lines = Arc::clone(&output);
        // Keeps draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(address) = line.strip_prefix("routekit listening on ") {
                    let _ = address_tx.send(address.trim().to_owned());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let base = address_rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no listening line; output: {:#?}", output.lock()));
        Server {
            child,
            base,
            output,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn output(&self) -> Vec<String> {
        self.output.lock().unwrap().clone()
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Waits for the process to exit, at most `limit`.
    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(mut self) -> ExitStatus {
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

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn the_readme_walkthrough_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("blog.db");
    let server = Server::start(&database);
    assert!(
        database.exists(),
        "the database file is created on first run"
    );
    let http = reqwest::Client::new();

    let res = http
        .post(server.url("/api/posts"))
        .header("authorization", ADA)
        .json(&json!({ "title": "Hello", "body": "From curl" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().contains_key("x-request-id"));
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();

    let res = http
        .get(server.url(&format!("/api/posts/{id}")))
        .header("authorization", ADA)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), created);

    let res = http
        .post(server.url("/api/users"))
        .json(&json!({ "name": "", "email": "not-an-email" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let error: Value = res.json().await.unwrap();
    assert!(error["error"]["fieldErrors"]["email"].is_array(), "{error}");

    let res = http.get(server.url("/api/health")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "healthy");

    let res = http.get(server.url("/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );

    let output = server.output();
    assert!(
        output
            .iter()
            .any(|l| l.contains("ada") && l.contains("ada-token")),
        "demo users and tokens are printed: {output:#?}"
    );
    assert!(
        output
            .iter()
            .any(|l| l.contains("/api/posts/$id") && l.contains("auth → logger")),
        "the route table is printed: {output:#?}"
    );
    let stopped = server.stop();
    assert!(stopped.success(), "{stopped:?}");
}

#[tokio::test]
async fn webhook_with_a_good_and_a_bad_signature() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("blog.db"));
    let http = reqwest::Client::new();
    let event = json!({ "id": "evt_http", "type": "customer.subscription.updated" }).to_string();
    let post = |signature: String| {
        http.post(server.url("/api/webhooks/stripe"))
            .header("content-type", "application/json")
            .header("stripe-signature", signature)
            .body(event.clone())
            .send()
    };

    let good = post(sign_stripe(event.as_bytes(), SECRET, now()))
        .await
        .unwrap();
    assert_eq!(good.status(), 200);
    assert_eq!(
        good.json::<Value>().await.unwrap(),
        json!({ "received": true })
    );

    let bad = post(sign_stripe(event.as_bytes(), "whsec_wrong", now()))
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap(),
        json!({ "error": "Webhook failed" })
    );
    assert!(server.stop().success());
}

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(&dir.path().join("blog.db"));
    let http = reqwest::Client::new();

    // `/api/stream` sends three chunks 200 ms apart.
    let mut res = http.get(server.url("/api/stream")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let first = res.chunk().await.unwrap().expect("a first chunk");
    assert_eq!(&first[..], b"<p>One</p>");

    server.terminate();
    let mut rest = Vec::new();
    while let Some(chunk) = res.chunk().await.unwrap() {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(
        rest, b"<p>Two</p><p>Three</p>",
        "the in-flight body completes"
    );

    let status = server.wait(Duration::from_secs(30));
    assert!(status.success(), "a clean exit after SIGTERM: {status:?}");
    let refused = reqwest::Client::new()
        .get(server.url("/api/hello"))
        .send()
        .await;
    assert!(refused.is_err(), "no new connections after shutdown");
}

#[tokio::test]
async fn the_database_file_outlives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("blog.db");
    let http = reqwest::Client::new();

    let server = Server::start(&database);
    let res = http
        .post(server.url("/api/posts"))
        .header("authorization", ADA)
        .json(&json!({ "title": "Kept", "body": "across restarts" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert!(server.stop().success());

    let server = Server::start(&database);
    let res = http
        .get(server.url(&format!("/api/posts/{}", created["id"])))
        .header("authorization", ADA)
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap(), created);
    let users: Value = http
        .get(server.url("/api/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        users["pagination"]["total"], 2,
        "migrations and demo users are applied once"
    );
    assert!(server.stop().success());
}
