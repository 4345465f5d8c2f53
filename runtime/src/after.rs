//! `routekit::after`: work that runs once the response has been sent (Next.js `after`).
//!
//! How it works: [`crate::Server`] runs each request inside a task-local scope that collects
//! the work `after` registers. When the handler has answered (successfully, with an error,
//! or by panicking), the work is attached to the response body, and it is spawned once that
//! body has been handed to the connection in full (or the client went away). The server
//! tracks each spawned task, and graceful shutdown waits for them (within the shutdown
//! timeout), so a deploy does not cut them off. Registering work costs one allocation (the
//! boxed future); a request that registers none pays nothing but the scope.

use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures_util::FutureExt as _;
use tokio::sync::Notify;
use tokio::task::futures::TaskLocalFuture;

/// One piece of registered work.
pub(crate) type Work = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

tokio::task_local! {
    static SCOPE: Scope;
}

/// The work registered while a request is handled.
#[derive(Default)]
pub(crate) struct Scope {
    work: RefCell<Vec<Work>>,
}

impl Scope {
    /// The registered work, in registration order.
    pub(crate) fn into_work(self) -> Vec<Work> {
        self.work.into_inner()
    }
}

/// Runs `work` once the response of the current request has been sent, as Next.js `after`:
/// logging, analytics, cache warming, notifications, anything the client need not wait for.
///
/// ```
/// use routekit::prelude::*;
/// # #[derive(Clone)] struct Db;
/// # #[derive(serde::Deserialize, serde::Serialize)] struct Post { id: u64 }
/// # impl Db { async fn insert(&self, post: Post) -> Result<Post, ApiError> { Ok(post) } }
/// # mod audit { pub async fn record(_event: &str, _id: u64) {} }
///
/// #[route(POST, "/api/posts")]
/// async fn create(State(db): State<Db>, Json(post): Json<Post>) -> Result<Response, ApiError> {
///     let created = db.insert(post).await?;
///     let id = created.id;
///     routekit::after(async move { audit::record("post.created", id).await });
///     Ok(Response::json(&created).status(201))
/// }
/// # let _: axum::Router = routes![create].with_state(Db);
/// ```
///
/// Under [`serve`](crate::serve) the work starts when the response body has been sent in
/// full (or the client disconnected), also when the handler answered with an error or
/// panicked; a panic in the work itself is caught and logged. Each piece of work is its own
/// task, so they run concurrently. Graceful shutdown waits for running work, within the
/// [shutdown timeout](crate::Server::shutdown_timeout).
///
/// Outside `serve`:
/// - under [`TestClient`](crate::test::TestClient), the work runs after the response body
///   has been read, and `send().await` returns only once it has finished, so a test can
///   check its effects;
/// - anywhere else (a plain `axum::serve`, a handler called directly, a task the handler
///   spawned), there is no request scope: the work is spawned on the current Tokio runtime
///   at once, untracked, so it may run before the response is sent. Outside a Tokio
///   runtime it is dropped, with an error in the log.
pub fn after<F>(work: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let mut work = Some(Box::pin(work) as Work);
    // `try_with` fails outside a scope; the work is then still in `work`.
    let _ = SCOPE.try_with(|scope| {
        if let Some(work) = work.take() {
            scope.work.borrow_mut().push(work);
        }
    });
    if let Some(work) = work {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(run(work));
            }
            Err(_) => tracing::error!(
                "routekit::after called outside a Tokio runtime: the work is dropped"
            ),
        }
    }
}

/// `future` inside a fresh scope for [`after`].
pub(crate) fn scope<F: Future>(future: F) -> TaskLocalFuture<Scope, F> {
    SCOPE.scope(Scope::default(), future)
}

/// Runs one piece of work, logging a panic instead of letting it reach the runtime.
pub(crate) async fn run(work: Work) {
    if let Err(panic) = AssertUnwindSafe(work).catch_unwind().await {
        tracing::error!(
            panic = panic_message(&*panic),
            "work registered with routekit::after panicked"
        );
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(non-string panic payload)")
}

/// Counts the work a server spawned, so that shutdown can wait for it.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    active: AtomicUsize,
    idle: Notify,
}

impl Tracker {
    /// Spawns each piece of `work` as its own task, tracked until it ends.
    pub(crate) fn spawn(self: &Arc<Self>, work: Vec<Work>) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!("routekit::after work dropped: the Tokio runtime is gone");
            return;
        };
        for work in work {
            self.active.fetch_add(1, Ordering::AcqRel);
            let done = Done(self.clone());
            runtime.spawn(async move {
                let _done = done;
                run(work).await;
            });
        }
    }

    /// How many tasks are still running.
    pub(crate) fn active(&self) -> usize {
        self.active.load(Ordering::Acquire)
    }

    /// Completes when no tracked task is running.
    pub(crate) async fn wait_idle(&self) {
        loop {
            let idle = self.idle.notified();
            let mut idle = std::pin::pin!(idle);
            // Registered before the check, so a task ending in between is not missed.
            idle.as_mut().enable();
            if self.active() == 0 {
                return;
            }
            idle.await;
        }
    }
}

/// Marks a tracked task as ended when dropped (also when it panicked or was aborted).
struct Done(Arc<Tracker>);

impl Drop for Done {
    fn drop(&mut self) {
        if self.0.active.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// Work waiting for the response to be sent: spawned on the tracker when dropped.
pub(crate) struct Deferred {
    work: Vec<Work>,
    tracker: Arc<Tracker>,
}

impl Deferred {
    /// `None` when there is no work, so the common case carries nothing.
    pub(crate) fn new(work: Vec<Work>, tracker: &Arc<Tracker>) -> Option<Self> {
        (!work.is_empty()).then(|| Self {
            work,
            tracker: tracker.clone(),
        })
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        self.tracker.spawn(std::mem::take(&mut self.work));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn work_registered_in_a_scope_is_collected_not_run() {
        let ran = Arc::new(AtomicUsize::new(0));
        let counter = ran.clone();
        let mut scoped = std::pin::pin!(scope(async move {
            after(async move {
                counter.fetch_add(1, Ordering::SeqCst);
            });
            7
        }));
        assert_eq!(scoped.as_mut().await, 7);
        let work = scoped.take_value().unwrap().into_work();
        assert_eq!(work.len(), 1);
        assert_eq!(ran.load(Ordering::SeqCst), 0);

        let tracker = Arc::new(Tracker::default());
        drop(Deferred::new(work, &tracker));
        tokio::time::timeout(Duration::from_secs(5), tracker.wait_idle())
            .await
            .unwrap();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
        assert!(Deferred::new(Vec::new(), &tracker).is_none());
    }

    #[tokio::test]
    async fn outside_a_scope_work_is_spawned_and_panics_are_contained() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        after(async { panic!("boom in after") });
        after(async move {
            let _ = tx.send(());
        });
        tokio::time::timeout(Duration::from_secs(5), rx)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn the_tracker_waits_for_panicking_work_too() {
        let tracker = Arc::new(Tracker::default());
        tracker.spawn(vec![
            Box::pin(async { panic!("tracked boom") }),
            Box::pin(tokio::time::sleep(Duration::from_millis(50))),
        ]);
        assert!(tracker.active() > 0);
        tokio::time::timeout(Duration::from_secs(5), tracker.wait_idle())
            .await
            .unwrap();
        assert_eq!(tracker.active(), 0);
    }
}
