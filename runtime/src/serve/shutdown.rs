//! When to stop: the default shutdown signal (Ctrl-C or SIGTERM).

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM. A signal whose handler cannot be
/// installed never fires, so the other one still works.
pub(crate) async fn ctrl_c_or_sigterm() {
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
}
