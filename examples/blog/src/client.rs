//! The example's TypeScript client, `client/blog-client.ts`, written from its routes by
//! `routekit::client::typescript`. `cargo run -p blog -- client` writes it again after a
//! route changes; `tests/client.rs` fails while the shipped file is stale.

use std::path::PathBuf;

/// Where the shipped client lives: `examples/blog/client/blog-client.ts`.
pub fn shipped_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("client")
        .join("blog-client.ts")
}

/// The client of the whole app, as `routekit::client::typescript` writes it. The app is
/// built on a throw-away in-memory database: the routes do not depend on the data.
pub async fn typescript() -> Result<String, crate::db::DbError> {
    let db = crate::Db::connect("sqlite::memory:").await?;
    let state = crate::AppState::new(db, crate::config::DEMO_WEBHOOK_SECRET);
    Ok(routekit::client::typescript(&crate::app(state)))
}
