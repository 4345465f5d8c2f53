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
