//! `cargo run -p blog`: serves the example on `HOST:PORT` (default 127.0.0.1:3000).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let db = blog::Db::seeded();
    println!("demo users (send `Authorization: Bearer <token>`):");
    for user in db.users_snapshot() {
        println!("  {:<8} token {}", user.name, user.token);
    }
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_owned());
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".to_owned());
    routekit::serve(blog::app(db), format!("{host}:{port}")).await
}
