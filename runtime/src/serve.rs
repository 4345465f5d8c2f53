//! `routekit::serve`: run an app on a socket with the defaults a production server wants.

use axum::Router;
use tokio::net::{TcpListener, ToSocketAddrs};

use crate::routes::{format_route_table, route_table};

/// Binds `addr`, prints the route table, serves `app` until Ctrl-C or SIGTERM, then lets
/// in-flight requests finish before returning.
pub async fn serve(app: Router, addr: impl ToSocketAddrs) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    serve_on(app, listener).await
}

/// [`serve`] on a listener already bound (a test binds port 0 and reads the address).
pub async fn serve_on(app: Router, listener: TcpListener) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    println!("{}", format_route_table(&route_table()));
    println!("routekit listening on http://{address}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
