//! `cargo run -p blog`: serves the example on `HOST:PORT` (default 127.0.0.1:3000), with
//! its data in `DATABASE_URL` (default `sqlite:blog.db`, created on first run).

use std::time::Instant;

const DEMO_WEBHOOK_SECRET: &str = "whsec_routekit_demo";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    tracing_subscriber::fmt().init();

    let url =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| blog::db::DEFAULT_DATABASE_URL.to_owned());
    let db = blog::Db::connect(&url).await?;
    println!("database {url}: migrated and ready");
    println!("demo users (send `Authorization: Bearer <token>`):");
    for user in db.demo_users().await? {
        println!("  {:<8} token {}", user.name, user.token);
    }
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_else(|_| {
        println!("STRIPE_WEBHOOK_SECRET unset: webhooks are checked against {DEMO_WEBHOOK_SECRET}");
        DEMO_WEBHOOK_SECRET.to_owned()
    });

    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("{host}:{port}")).await?;
    println!("started in {} ms", started.elapsed().as_millis());
    routekit::serve_on(blog::app(blog::AppState::new(db, &secret)), listener).await?;
    Ok(())
}
