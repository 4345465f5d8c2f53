//! One implementation's app for one scenario on `127.0.0.1:<port>`, with one worker thread:
//!
//! ```text
//! serve <routekit|axum|actix|rocket> <scenario> <port>
//! ```
//!
//! routekit and axum: `axum::serve` on a current-thread tokio runtime. actix-web:
//! `HttpServer` with `workers(1)`. Rocket: `launch` on a tokio runtime of one worker. The
//! suite pins the process to one core (`taskset -c 0`) and the load generator to the other.

use routekit_bench::{apps, Impl, Scenario};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [imp, scenario, port] = args.as_slice() else {
        eprintln!("usage: serve <routekit|axum|actix|rocket> <scenario> <port>");
        std::process::exit(2);
    };
    let imp: Impl = imp.parse().unwrap();
    let scenario: Scenario = scenario.parse().unwrap();
    let port: u16 = port.parse().unwrap();
    match imp {
        Impl::Routekit | Impl::Axum => {
            let app = match imp {
                Impl::Routekit => apps::routekit::app(scenario),
                _ => apps::axum::app(scenario),
            };
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async move {
                    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                        .await
                        .unwrap();
                    axum::serve(listener, app).await.unwrap();
                });
        }
        Impl::Actix => {
            let configure = apps::actix::configure(scenario);
            actix_web::rt::System::new()
                .block_on(async move {
                    actix_web::HttpServer::new(move || {
                        actix_web::App::new().configure(configure.clone())
                    })
                    .workers(1)
                    .bind(("127.0.0.1", port))?
                    .run()
                    .await
                })
                .unwrap();
        }
        Impl::Rocket => {
            let app = apps::rocket::rocket(scenario);
            let figment = app
                .figment()
                .clone()
                .merge(("address", "127.0.0.1"))
                .merge(("port", port))
                .merge(("workers", 1));
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap()
                .block_on(async move {
                    let _ = app.configure(figment).launch().await.unwrap();
                });
        }
    }
}
