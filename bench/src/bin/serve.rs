//! One server for one scenario on `127.0.0.1:<port>`, with one worker thread:
//!
//! ```text
//! serve <server> <scenario> <port>
//! ```
//!
//! where `<server>` is one of `routekit_bench::SERVERS`:
//!
//! - `axum`: hand-written axum on `axum::serve`;
//! - `routekit-axum`: the routekit app on plain `axum::serve`;
//! - `routekit-serve`: the routekit app on `routekit::serve` with every default on and no
//!   `tracing` subscriber installed;
//! - `routekit-serve-log`: the same with a `tracing_subscriber::fmt` subscriber writing every
//!   request event (and anything else at `INFO`) to a buffered file under the system's temp
//!   directory, as a team logging to a file would;
//! - `routekit-serve-mt`: `routekit::serve` on a multi-thread runtime of one worker (what
//!   `#[tokio::main]` gives, at one core), not in the suite's table: for the runtime-model
//!   comparison in BENCHMARKS.md;
//! - `routekit-serve-mt2` and `routekit-serve-ct2`: `routekit::serve` on both cores, as a
//!   multi-thread runtime of two workers or as two current-thread runtimes each accepting
//!   from the same listener (actix-web's model), and `axum-mt2`, `actix-2` for reference: not
//!   in the suite's table, for the runtime-model comparison in BENCHMARKS.md;
//! - `actix`: actix-web's `HttpServer` with `workers(1)`;
//! - `rocket`: Rocket's `launch` on a tokio runtime of one worker.
//!
//! axum and routekit run on a current-thread tokio runtime. The suite pins the process to
//! one core (`taskset -c 0`) and the load generator to the other.

use std::sync::Mutex;

use routekit_bench::{apps, Scenario, SERVERS};

fn current_thread(future: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future);
}

fn multi_thread(workers: usize, future: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
        .block_on(future);
}

async fn bind(port: u16) -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [server, scenario, port] = args.as_slice() else {
        eprintln!("usage: serve <{}> <scenario> <port>", SERVERS.join("|"));
        std::process::exit(2);
    };
    let scenario: Scenario = scenario.parse().unwrap();
    let port: u16 = port.parse().unwrap();
    match server.as_str() {
        "axum" | "routekit-axum" => {
            let app = match server.as_str() {
                "axum" => apps::axum::app(scenario),
                _ => apps::routekit::app(scenario),
            };
            current_thread(async move { axum::serve(bind(port).await, app).await.unwrap() });
        }
        // The runtime model: `#[tokio::main]`'s multi-thread runtime, of one or two workers.
        "routekit-serve-mt" | "routekit-serve-mt2" => {
            let app = apps::routekit::app(scenario);
            let workers = if server.ends_with("mt2") { 2 } else { 1 };
            multi_thread(workers, async move {
                routekit::serve_on(app, bind(port).await).await.unwrap()
            });
        }
        "axum-mt2" => {
            let app = apps::axum::app(scenario);
            multi_thread(2, async move {
                axum::serve(bind(port).await, app).await.unwrap()
            });
        }
        "routekit-serve-ct2" => {
            // actix-web's model: one single-threaded runtime per core, each accepting from
            // the same listening socket (the kernel wakes one of them per connection).
            let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
            listener.set_nonblocking(true).unwrap();
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let listener = listener.try_clone().unwrap();
                    std::thread::spawn(move || {
                        let app = apps::routekit::app(scenario);
                        current_thread(async move {
                            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                            routekit::serve_on(app, listener).await.unwrap()
                        })
                    })
                })
                .collect();
            for worker in workers {
                worker.join().unwrap();
            }
        }
        "routekit-serve" | "routekit-serve-log" => {
            if server == "routekit-serve-log" {
                let path = std::env::temp_dir().join(format!("routekit-bench-{port}.log"));
                let file = std::fs::File::create(&path).unwrap();
                tracing_subscriber::fmt()
                    .with_writer(Mutex::new(std::io::BufWriter::new(file)))
                    .with_ansi(false)
                    .init();
            }
            let app = apps::routekit::app(scenario);
            current_thread(async move { routekit::serve_on(app, bind(port).await).await.unwrap() });
        }
        "actix" | "actix-2" => {
            let configure = apps::actix::configure(scenario);
            actix_web::rt::System::new()
                .block_on(async move {
                    actix_web::HttpServer::new(move || {
                        actix_web::App::new().configure(configure.clone())
                    })
                    .workers(if server == "actix-2" { 2 } else { 1 })
                    .bind(("127.0.0.1", port))?
                    .run()
                    .await
                })
                .unwrap();
        }
        "rocket" => {
            let app = apps::rocket::rocket(scenario);
            let figment = app
                .figment()
                .clone()
                .merge(("address", "127.0.0.1"))
                .merge(("port", port))
                .merge(("workers", 1));
            multi_thread(1, async move {
                let _ = app.configure(figment).launch().await.unwrap();
            });
        }
        other => {
            eprintln!("unknown server `{other}` ({})", SERVERS.join(", "));
            std::process::exit(2);
        }
    }
}
