//! When to stop: the default shutdown signal (Ctrl-C or SIGTERM).

use std::future::Future;

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM. The handlers are installed when this
/// is called, not when the future is first polled, so a signal that arrives just after the
/// server says it is listening is never lost. A signal whose handler cannot be installed
/// never fires, so the other one still works.
#[cfg(unix)]
pub(crate) fn ctrl_c_or_sigterm() -> impl Future<Output = ()> + Send {
    use tokio::signal::unix::{signal, SignalKind};
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async move {
        let wait = |listener: Option<tokio::signal::unix::Signal>| async move {
            match listener {
                Some(mut listener) => {
                    listener.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = wait(interrupt) => {},
            () = wait(terminate) => {},
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn ctrl_c_or_sigterm() -> impl Future<Output = ()> + Send {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
