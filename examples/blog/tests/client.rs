//! The shipped TypeScript client, `client/blog-client.ts`, is what the routes write today:
//! a route that changes without `cargo run -p blog -- client` fails here.

#[tokio::test]
async fn the_shipped_typescript_client_is_fresh() {
    let written = blog::client::typescript()
        .await
        .expect("the client is written");
    let path = blog::client::shipped_path();
    let shipped = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    if written != shipped {
        let line = written
            .lines()
            .zip(shipped.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| written.lines().count().min(shipped.lines().count()))
            + 1;
        panic!(
            "{} is stale (first difference at line {line}): write it again with \
             `cargo run -p blog -- client` and commit it",
            path.display()
        );
    }
    // It is the client of these routes, not any file that happens to match.
    assert!(shipped.contains("export function createClient(options: ClientOptions)"));
    assert!(shipped.contains("call<PostsItemGetResult>(\"GET\", \"/api/posts/{id}\", {}, input)"));
}

/// `blog client -` prints what the test above compares; an unknown command is refused
/// before anything is opened.
#[tokio::test]
async fn the_client_command_prints_the_client() {
    let printed = std::process::Command::new(env!("CARGO_BIN_EXE_blog"))
        .args(["client", "-"])
        .output()
        .expect("blog runs");
    assert!(printed.status.success(), "{printed:?}");
    let written = blog::client::typescript()
        .await
        .expect("the client is written");
    assert_eq!(String::from_utf8_lossy(&printed.stdout), written);

    let dir = std::env::temp_dir().join(format!("blog-client-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("api.ts");
    let wrote = std::process::Command::new(env!("CARGO_BIN_EXE_blog"))
        .arg("client")
        .arg(&file)
        .output()
        .expect("blog runs");
    assert!(wrote.status.success(), "{wrote:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    std::fs::remove_dir_all(&dir).unwrap();

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_blog"))
        .arg("serve-please")
        .output()
        .expect("blog runs");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("unknown command `serve-please`"));
}
