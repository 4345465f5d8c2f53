//! `cargo run -p blog`: serves the example on `HOST:PORT` (default 127.0.0.1:3000), with
//! its data in `DATABASE_URL` (default `sqlite:blog.db`, created on first run;
//! `postgres://…` for PostgreSQL). See `blog::config` for demo mode.
//!
//! `cargo run -p blog -- client [FILE]` writes the example's TypeScript client instead
//! (to `examples/blog/client/blog-client.ts` unless a file is given; `-` prints it).

use std::time::Instant;

use blog::config::Config;

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        None => {}
        Some("client") => return write_client(args.next()).await,
        Some(other) => refuse(&format!(
            "unknown command `{other}`: `blog` serves the app, `blog client [FILE]` writes its TypeScript client"
        )),
    }
    tracing_subscriber::fmt().init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(message) => refuse(&message),
    };
    if let Err(error) = run(config, started).await {
        eprintln!("blog: {error}");
        std::process::exit(1);
    }
}

/// `blog client [FILE]`: the TypeScript client, written to `FILE` (`-` for standard output)
/// or to the shipped `client/blog-client.ts`.
async fn write_client(file: Option<String>) {
    let source = match blog::client::typescript().await {
        Ok(source) => source,
        Err(error) => {
            eprintln!("blog: {error}");
            std::process::exit(1);
        }
    };
    let path = match file.as_deref() {
        Some("-") => {
            print!("{source}");
            return;
        }
        Some(file) => std::path::PathBuf::from(file),
        None => blog::client::shipped_path(),
    };
    if let Err(error) = std::fs::write(&path, source) {
        eprintln!("blog: writing {}: {error}", path.display());
        std::process::exit(1);
    }
    println!("wrote {}", path.display());
}

/// Stops before anything is opened or bound, with a message saying what to change.
fn refuse(message: &str) -> ! {
    eprintln!("blog: {message}");
    std::process::exit(2);
}

async fn run(config: Config, started: Instant) -> Result<(), Box<dyn std::error::Error>> {
    let db = blog::Db::connect(&config.database_url).await?;
    println!(
        "database {}: migrated and ready",
        redact(&config.database_url)
    );
    if config.demo {
        db.seed_demo_users().await?;
        println!("demo mode: demo users (send `Authorization: Bearer <token>`):");
        for user in db.demo_users().await? {
            println!("  {:<8} token {}", user.name, user.token);
        }
    } else if db.has_demo_tokens().await? {
        refuse(
            "refusing to start: the database holds the demo users' public tokens (ada-token, \
             grace-token). Delete those users, or set BLOG_DEMO=1 to serve the demo anyway.",
        );
    }
    if config.demo_secret {
        println!(
            "STRIPE_WEBHOOK_SECRET unset: webhooks are checked against the public demo secret {}",
            blog::config::DEMO_WEBHOOK_SECRET
        );
    }

    let listener =
        tokio::net::TcpListener::bind(format!("{}:{}", config.host, config.port)).await?;
    println!("started in {} ms", started.elapsed().as_millis());
    let state = blog::AppState::new(db, &config.webhook_secret);
    routekit::serve_on(blog::app(state), listener).await?;
    Ok(())
}

/// The URL without its password, for the log.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => url.to_owned(),
    }
}
