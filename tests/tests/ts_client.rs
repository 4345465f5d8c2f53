//! The TypeScript client of a small app, checked by the real compiler: npm's `typescript`
//! (`tsc --strict --noEmit`), installed by `scripts/ts-tools.sh` into the target directory.
//! Right usage compiles (with `// @ts-expect-error` on the wrong lines, each of which must
//! be an error), a file of wrong calls fails with the error codes it should, and the
//! compiled client, run by `node --test` with a stand-in `fetch`, sends what the document
//! says (query arrays as repeated keys, encoded path parameters, each body's content type).
//!
//! Without the tools the tests say so and pass; `ROUTEKIT_REQUIRE_TSC=1` (CI) makes that
//! a failure.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use garde::Validate;
use routekit::openapi::JsonSchema;
use routekit::prelude::*;
use routekit::ValidQuery;
use serde::{Deserialize, Serialize};

pub mod posts {
    use super::*;

    /// Where a post is.
    #[derive(Debug, Serialize, Deserialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    pub enum Status {
        Draft,
        Published,
    }

    #[derive(Serialize, JsonSchema)]
    pub struct Author {
        pub name: String,
    }

    /// A post, as the API answers it.
    #[derive(Serialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct Post {
        pub id: u64,
        /// The headline.
        pub title: String,
        pub body: String,
        pub tags: Vec<String>,
        pub status: Status,
        /// Absent for an anonymous post.
        pub author: Option<Author>,
        pub created_at: String,
        pub reactions: HashMap<String, u32>,
    }

    /// A new post.
    #[derive(Deserialize, JsonSchema, Validate)]
    pub struct NewPost {
        #[garde(length(min = 1, max = 200))]
        pub title: String,
        #[garde(length(min = 1))]
        pub body: String,
        #[garde(skip)]
        pub tags: Option<Vec<String>>,
        #[garde(skip)]
        pub status: Option<Status>,
    }

    /// Every field optional; `null` clears nothing.
    #[derive(Deserialize, JsonSchema)]
    pub struct PatchPost {
        pub title: Option<String>,
        pub body: Option<String>,
    }

    /// Which posts to list.
    #[derive(Deserialize, JsonSchema, Validate)]
    pub struct Filter {
        #[serde(default)]
        #[garde(skip)]
        pub tag: Vec<String>,
        #[garde(skip)]
        pub status: Option<Status>,
        #[garde(range(min = 1))]
        pub page: Option<u32>,
    }

    fn sample_post(id: u64) -> Post {
        Post {
            id,
            title: String::new(),
            body: String::new(),
            tags: Vec::new(),
            status: Status::Draft,
            author: None,
            created_at: String::new(),
            reactions: HashMap::new(),
        }
    }

    #[route("/api/posts")]
    pub mod collection {
        use super::*;

        /// Lists posts, newest first.
        pub async fn GET(ValidQuery(filter): ValidQuery<Filter>) -> Json<Vec<Post>> {
            let _ = filter;
            Json(Vec::new())
        }

        /// Creates a post.
        ///
        /// Validated: a `400` names every bad field.
        pub async fn POST(Valid(new): Valid<NewPost>) -> Result<Json<Post>, ApiError> {
            let _ = new;
            Ok(Json(sample_post(1)))
        }
    }

    #[route("/api/posts/$id")]
    pub mod item {
        use super::*;

        /// One post.
        pub async fn GET(id: u64) -> Result<Json<Post>, ApiError> {
            Ok(Json(sample_post(id)))
        }

        pub async fn PATCH(id: u64, Json(patch): Json<PatchPost>) -> Json<Post> {
            let _ = patch;
            Json(sample_post(id))
        }

        #[response(204)]
        pub async fn DELETE(id: u64) -> Response {
            let _ = id;
            Response::empty()
        }
    }
}

/// What happened, tagged by `kind`.
#[derive(Deserialize, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Event {
    Created { id: u64 },
    Deleted { id: u64, reason: Option<String> },
}

#[route(POST, "/api/events")]
async fn events(Json(event): Json<Event>) -> Json<Event> {
    Json(event)
}

#[route(GET, "/files/[...path]")]
async fn files(path: Vec<String>) -> Json<Vec<String>> {
    Json(path)
}

#[route(POST, "/api/uploads")]
async fn upload(multipart: axum::extract::Multipart) -> StatusCode {
    drop(multipart);
    StatusCode::NO_CONTENT
}

#[route(POST, "/api/notes")]
async fn note(text: String) -> String {
    text
}

#[route(PUT, "/api/blobs/$key")]
async fn blob(key: String, bytes: bytes::Bytes) -> Response {
    let _ = (key, bytes);
    Response::empty()
}

#[derive(Deserialize, JsonSchema)]
pub struct Signup {
    pub email: String,
}

#[route(POST, "/api/signups")]
async fn signup(axum::Form(form): axum::Form<Signup>) -> Json<String> {
    Json(form.email)
}

/// Server functions: `api.server.addTodo(input)`, `api.server.findTodos(query)`.
pub mod todos {
    use super::*;
    #[derive(Deserialize, JsonSchema, Validate)]
    pub struct NewTodo {
        #[garde(length(min = 1))]
        pub title: String,
    }
    #[server_fn]
    pub async fn add_todo(input: NewTodo) -> Result<u64, ApiError> {
        Ok(input.title.len() as u64)
    }
    #[derive(Deserialize, JsonSchema)]
    pub struct Find {
        pub q: Option<String>,
    }
    #[server_fn(method = GET)]
    pub async fn find_todos(input: Find) -> Vec<String> {
        input.q.into_iter().collect()
    }
}

fn app() -> axum::Router {
    routes![
        todos::add_todo,
        todos::find_todos,
        posts::collection,
        posts::item,
        events,
        files,
        upload,
        note,
        blob,
        signup
    ]
}

/// The compiler, or `None` (said on stderr) when `scripts/ts-tools.sh` has not run.
fn tsc() -> Option<PathBuf> {
    let tools = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("ts-tools");
    let tsc = std::env::var_os("TSC")
        .map(PathBuf::from)
        .unwrap_or_else(|| tools.join("node_modules").join(".bin").join("tsc"));
    if tsc.exists() {
        return Some(tsc);
    }
    let message = format!(
        "tsc not found at {}: install it with `bash scripts/ts-tools.sh` (or set TSC)",
        tsc.display()
    );
    if std::env::var_os("ROUTEKIT_REQUIRE_TSC").is_some() {
        panic!("{message}; ROUTEKIT_REQUIRE_TSC is set");
    }
    eprintln!("skipped: {message}");
    None
}

/// A fresh directory holding the app's client as `client.ts` and the given files.
fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ts-client-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("client.ts"), routekit::client::typescript(&app())).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

/// The language, libraries and module system every compile here uses, as the CI script's.
const TARGET: [&str; 6] = [
    "--target",
    "es2022",
    "--lib",
    "es2022,dom",
    "--module",
    "nodenext",
];

/// `tsc --strict --noEmit` on `files` in `dir`: whether it passed, and what it printed.
fn check(tsc: &Path, dir: &Path, files: &[&str]) -> (bool, String) {
    let output = Command::new(tsc)
        .current_dir(dir)
        .args(["--strict", "--noEmit", "--pretty", "false"])
        .args(TARGET)
        .args(files)
        .output()
        .expect("tsc runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[test]
fn the_client_compiles_under_strict() {
    let Some(tsc) = tsc() else { return };
    let dir = project("alone", &[]);
    let (ok, output) = check(&tsc, &dir, &["client.ts"]);
    assert!(ok, "tsc --strict failed on the client:\n{output}");
}

/// Right usage, each wrong line marked: `@ts-expect-error` is itself an error (TS2578)
/// on a line that compiles.
const USAGE: &str = r#"
import { createClient, type ApiErrorBody, type Client, type Post, type ValidationErrorBody } from "./client.js";

const api: Client = createClient({ baseUrl: "http://127.0.0.1:3000", headers: { authorization: "Bearer t" } });

export async function usage(signal: AbortSignal): Promise<string> {
  const r = await api.posts.item.get({ id: 1, signal, headers: { "x-trace": "1" } });
  if (r.ok) {
    const post: Post = r.data;
    const status: 200 = r.status;
    const headline: string = post.title;
    const author: string | undefined = post.author?.name;
    const published: boolean = post.status === "published";
    const likes: number | undefined = post.reactions["like"];
    // @ts-expect-error: `status` is "draft" | "published"
    const wrong: typeof post.status = "archived";
    void [status, author, published, likes, wrong];
    return headline;
  }
  const error: ApiErrorBody | ValidationErrorBody = r.error;
  // @ts-expect-error: a failure has no `data`
  void r.data;
  void error;

  const created = await api.posts.collection.post({ body: { title: "Hi", body: "…", tags: ["a"] } });
  if (!created.ok && created.status === 400 && typeof created.error.error === "object") {
    const fields: Record<string, string[]> = created.error.error.fieldErrors;
    const form: string[] = created.error.error.formErrors;
    void [fields, form];
  }
  // @ts-expect-error: `body` is required
  await api.posts.collection.post({ body: { title: "Hi" } });
  // @ts-expect-error: `id` is a number
  await api.posts.item.get({ id: "1" });

  await api.posts.collection.get();
  await api.posts.collection.get({ query: { tag: ["a", "b"], status: "draft", page: 2 } });
  // @ts-expect-error: not a status
  await api.posts.collection.get({ query: { tag: [], status: "gone" } });

  await api.posts.item.patch({ id: 1, body: { title: null } });
  const deleted = await api.posts.item.delete({ id: 1 });
  if (deleted.ok) {
    const noContent: 204 = deleted.status;
    // @ts-expect-error: a 204 has no `data`
    void deleted.data;
    void noContent;
  }

  const event = await api.events.post({ body: { kind: "deleted", id: 1, reason: null } });
  if (event.ok && event.data.kind === "deleted") {
    const reason: string | null | undefined = event.data.reason;
    void reason;
  }
  // @ts-expect-error: a `created` event has no `reason`
  await api.events.post({ body: { kind: "created", id: 1, reason: "x" } });

  const files = await api.files.get({ path: "a/b/c" });
  if (files.ok) {
    const segments: string[] = files.data;
    void segments;
  }
  const form = new FormData();
  form.append("file", new Blob(["x"]), "x.txt");
  await api.upload.post({ body: form });
  const note = await api.note.post({ body: "text" });
  if (note.ok) {
    const echoed: string = note.data;
    void echoed;
  }
  await api.blob.put({ key: "k", body: new Uint8Array([1, 2]) });
  await api.signup.post({ body: { email: "a@example.com" } });
  // @ts-expect-error: no such operation
  await api.posts.item.put({ id: 1 });

  const added = await api.server.addTodo({ title: "Milk" }, { signal });
  const id: number | undefined = added.ok ? added.data : undefined;
  const found = await api.server.findTodos();
  const titles: string[] | undefined = found.ok ? found.data : undefined;
  await api.server.findTodos({ q: "milk" }, { headers: { "x-trace": "1" } });
  // @ts-expect-error: `title` is a string
  await api.server.addTodo({ title: 1 });
  // @ts-expect-error: the input is passed directly, not as `{ body }`
  await api.server.addTodo({ body: { title: "Milk" } });
  // @ts-expect-error: a server function's input is required when it has required fields
  await api.server.addTodo();
  void [id, titles];
  return "";
}
"#;

#[test]
fn right_usage_compiles_and_each_wrong_line_is_an_error() {
    let Some(tsc) = tsc() else { return };
    let dir = project("usage", &[("usage.ts", USAGE)]);
    let (ok, output) = check(&tsc, &dir, &["usage.ts"]);
    assert!(ok, "tsc --strict failed:\n{output}");
}

/// Wrong calls, one per line from line 5.
const WRONG: &str = r#"import { createClient } from "./client.js";
const api = createClient({ baseUrl: "http://127.0.0.1:3000" });

export async function wrong(): Promise<void> {
  await api.posts.item.get({ id: "1" });
  await api.posts.collection.post({ body: { title: "Hi" } });
  await api.posts.item.get({});
  await api.posts.collection.get({ query: { tag: [], pgae: 2 } });
  const r = await api.posts.item.get({ id: 1 });
  console.log(r.data);
}
"#;

#[test]
fn wrong_calls_fail_with_the_errors_they_should() {
    let Some(tsc) = tsc() else { return };
    let dir = project("wrong", &[("wrong.ts", WRONG)]);
    let (ok, output) = check(&tsc, &dir, &["wrong.ts"]);
    assert!(!ok, "tsc took wrong calls:\n{output}");
    let errors: Vec<(u32, &str)> = output
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("wrong.ts(")?;
            let (at, rest) = rest.split_once(')')?;
            let line_number = at.split(',').next()?.parse().ok()?;
            let code = rest.split_once("error ")?.1.split(':').next()?;
            Some((line_number, code))
        })
        .collect();
    assert_eq!(
        errors,
        [
            // A string where the path parameter is a number.
            (5, "TS2322"),
            // A body without its required `body` field.
            (6, "TS2741"),
            // No path parameter at all.
            (7, "TS2345"),
            // A misspelled query parameter.
            (8, "TS2353"),
            // `data` before narrowing on `ok`.
            (10, "TS2339"),
        ],
        "{output}"
    );
    assert!(
        output.contains("Property 'body' is missing") && output.contains("'NewPost'"),
        "{output}"
    );
    assert!(
        !output.contains("client.ts("),
        "errors in the client itself:\n{output}"
    );
}

/// The requests the client builds and how it reads answers, through a stand-in `fetch`:
/// compiled by tsc, run by `node --test`.
const RUNTIME_TEST: &str = r#"import { strict as assert } from "node:assert";
import { test } from "node:test";

import { createClient } from "./client.js";

type Sent = { url: string; method: string; headers: Headers; body: unknown };

function recording(answer: () => Response) {
  const sent: Sent[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    sent.push({ url: String(url), method: init?.method ?? "GET", headers: new Headers(init?.headers), body: init?.body });
    return answer();
  };
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

test("a query sends arrays as repeated keys and leaves out what is undefined", async () => {
  const { sent, fetch } = recording(() => json(200, []));
  const api = createClient({ baseUrl: "http://api.test/", fetch });
  await api.posts.collection.get({ query: { tag: ["a b", "c&d"], status: "draft", page: undefined } });
  assert.equal(sent[0]?.url, "http://api.test/api/posts?tag=a+b&tag=c%26d&status=draft");
  await api.posts.collection.get();
  assert.equal(sent[1]?.url, "http://api.test/api/posts");
});

test("path parameters are encoded; a catch-all keeps its slashes", async () => {
  const { sent, fetch } = recording(() => json(200, []));
  const api = createClient({ baseUrl: "http://api.test", fetch });
  await api.files.get({ path: "a/b c/ü?#" });
  await api.blob.put({ key: "x/y", body: new Uint8Array([1, 2]) });
  assert.deepEqual(sent.map((s) => s.url), [
    "http://api.test/files/a/b%20c/%C3%BC%3F%23",
    "http://api.test/api/blobs/x%2Fy",
  ]);
  await assert.rejects(api.blob.put({ key: "", body: new Uint8Array() }), TypeError);
  await assert.rejects(api.files.get({ path: "a/../b" }), TypeError);
});

test("the client's headers, a function's, and the call's own over them", async () => {
  const { sent, fetch } = recording(() => json(200, {}));
  let token = "one";
  const api = createClient({ baseUrl: "http://api.test", fetch, headers: () => ({ authorization: `Bearer ${token}`, "x-a": "client" }) });
  await api.posts.item.get({ id: 1, headers: { "x-a": "call" } });
  token = "two";
  await api.posts.item.get({ id: 2 });
  assert.deepEqual(
    sent.map((s) => [s.headers.get("authorization"), s.headers.get("x-a")]),
    [["Bearer one", "call"], ["Bearer two", "client"]],
  );
});

test("bodies: JSON, a form, text, bytes and multipart", async () => {
  const { sent, fetch } = recording(() => json(200, {}));
  const api = createClient({ baseUrl: "http://api.test", fetch });
  await api.posts.collection.post({ body: { title: "T", body: "B" } });
  await api.signup.post({ body: { email: "a@example.com" } });
  await api.note.post({ body: "hello" });
  await api.blob.put({ key: "k", body: new Uint8Array([7]) });
  const form = new FormData();
  form.append("name", "x");
  await api.upload.post({ body: form });
  assert.deepEqual(sent.map((s) => [s.method, s.headers.get("content-type")]), [
    ["POST", "application/json"],
    ["POST", "application/x-www-form-urlencoded"],
    ["POST", "text/plain; charset=utf-8"],
    ["PUT", "application/octet-stream"],
    ["POST", null],
  ]);
  assert.equal(sent[0]?.body, JSON.stringify({ title: "T", body: "B" }));
  assert.equal(String(sent[1]?.body), "email=a%40example.com");
  assert.equal(sent[2]?.body, "hello");
  assert.ok(sent[4]?.body instanceof FormData);
});

test("a server function sends its input as the JSON body, or for GET as the query", async () => {
  const { sent, fetch } = recording(() => json(200, 1));
  const api = createClient({ baseUrl: "http://api.test", fetch });
  await api.server.addTodo({ title: "Milk" });
  await api.server.findTodos({ q: "a b" });
  assert.deepEqual(sent.map((s) => [s.method, s.url, s.body]), [
    ["POST", "http://api.test/_server/todos/add_todo", JSON.stringify({ title: "Milk" })],
    ["GET", "http://api.test/_server/todos/find_todos?q=a+b", undefined],
  ]);
});

test("answers: data on success, error otherwise, nothing for a 204", async () => {
  let next = () => json(200, { id: 1 });
  const { fetch } = recording(() => next());
  const api = createClient({ baseUrl: "http://api.test", fetch });
  const ok = await api.posts.item.get({ id: 1 });
  assert.deepEqual([ok.ok, ok.status, ok.ok && ok.data.id], [true, 200, 1]);

  next = () => json(400, { error: { formErrors: [], fieldErrors: { title: ["too short"] } } });
  const bad = await api.posts.collection.post({ body: { title: "", body: "" } });
  if (bad.ok) assert.fail("a 400 is no success");
  assert.deepEqual(bad.error, { error: { formErrors: [], fieldErrors: { title: ["too short"] } } });

  next = () => new Response(null, { status: 204 });
  const gone = await api.posts.item.delete({ id: 1 });
  assert.deepEqual([gone.ok, gone.status, "data" in gone && gone.data], [true, 204, undefined]);

  next = () => new Response("echo", { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
  const note = await api.note.post({ body: "echo" });
  assert.deepEqual([note.ok, note.ok && note.data], [true, "echo"]);
});
"#;

#[test]
fn the_runtime_builds_requests_and_reads_answers() {
    let Some(tsc) = tsc() else { return };
    let Some(node) = which("node") else {
        if std::env::var_os("ROUTEKIT_REQUIRE_TSC").is_some() {
            panic!("node not found; ROUTEKIT_REQUIRE_TSC is set");
        }
        eprintln!("skipped: node not found on PATH");
        return;
    };
    let dir = project("runtime", &[("runtime.test.ts", RUNTIME_TEST)]);
    let types = tsc.parent().unwrap().parent().unwrap().join("@types");
    let output = Command::new(&tsc)
        .current_dir(&dir)
        .args(["--strict", "--pretty", "false", "--outDir", "out"])
        .args(TARGET)
        .args(["--types", "node", "--typeRoots"])
        .arg(&types)
        .args(["client.ts", "runtime.test.ts"])
        .output()
        .expect("tsc runs");
    assert!(
        output.status.success(),
        "tsc:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let output = Command::new(node)
        .current_dir(&dir)
        .args(["--test", "out/runtime.test.js"])
        .output()
        .expect("node runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "node --test:\n{text}");
    assert!(
        text.lines().any(|l| l == "# pass 6") && text.lines().any(|l| l == "# fail 0"),
        "{text}"
    );
}

/// `program` on `PATH`.
fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}
